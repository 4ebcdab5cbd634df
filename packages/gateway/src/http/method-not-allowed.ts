import type { Context } from "hono";
import { TrieRouter } from "hono/router/trie-router";
import type { RouterRoute } from "hono/types";
import { MESSAGES } from "./errors.ts";

// What app.use() registers: middleware, not a route of its own.
const ANY_METHOD = "ALL";

/**
 * The methods the registered routes serve on a path, for `Allow`: built from
 * the app's own route table (`app.routes`), so it stays right when routes are
 * added or removed. GET implies HEAD (Hono answers HEAD with the GET route).
 * Middleware (`app.use`) does not count.
 */
export function createAllowedMethods(routes: readonly RouterRoute[]): (path: string) => string[] {
  const router = new TrieRouter<string>();
  for (const route of routes) {
    if (route.method !== ANY_METHOD) router.add(ANY_METHOD, route.path, route.method.toUpperCase());
  }
  return (path) => {
    const [matches] = router.match("GET", path);
    const methods = new Set(matches.map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

/**
 * The gateway's not-found handler: an unknown method on a known path is
 * `405 {"error":"Method not allowed"}` with `Allow` listing what the path
 * serves (RFC 9110 §15.5.6); an unknown path stays `404 {"error":"Not found"}`.
 * The route table is read at the first miss, when every route is registered.
 */
export function notFoundOrMethodNotAllowed(app: {
  readonly routes: readonly RouterRoute[];
}): (c: Context) => Response {
  let allowed: ((path: string) => string[]) | undefined;
  return (c) => {
    allowed ??= createAllowedMethods(app.routes);
    const methods = allowed(c.req.path);
    if (methods.length === 0 || methods.includes(c.req.method))
      return c.json({ error: MESSAGES.notFound }, 404);
    c.header("Allow", methods.join(", "));
    return c.json({ error: MESSAGES.methodNotAllowed }, 405);
  };
}
