import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Context, Hono, MiddlewareHandler } from "hono";
import { MESSAGES } from "../http/errors.ts";

/**
 * Only self: scripts, styles, images and API calls from this origin; no
 * inline script or style, no framing, no plugins. The bundle needs nothing else.
 */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".map": "application/json; charset=utf-8",
};

// A plain file name: no folder, no "..", no encoded tricks. Anything else is 404.
const ASSET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** What {@link registerStaticSite} serves from. */
export interface StaticSiteOptions {
  /** The bundle folder (`index.html` + `assets/`), as `packages/web/build.ts` writes it. */
  dir: string;
  /** Labels the route for metrics and the request log (no rate-limit points: the API keeps its budget). */
  label: (path: string) => MiddlewareHandler;
}

/**
 * Serves the web app: `GET /` with `Accept: text/html` (a browser) is
 * index.html (never cached, so a new build is picked up at once; any other
 * client still gets the JSON 404 `/` always answered) and `GET /assets/<file>` the content-hashed bundle
 * (cached for a year, immutable). Nothing else: every /api path stays the
 * API's, and an unknown asset is the API's 404. When the bundle was never
 * built, `/` says so in a 503 instead of a blank page.
 */
export function registerStaticSite(app: Hono, options: StaticSiteOptions): void {
  const { dir } = options;
  const send = async (c: Context, path: string, cacheControl: string) => {
    const file = Bun.file(path);
    const extension = path.slice(path.lastIndexOf("."));
    c.header("Content-Type", TYPES[extension] ?? "application/octet-stream");
    c.header("Cache-Control", cacheControl);
    c.header("Content-Security-Policy", WEB_CSP);
    c.header("Referrer-Policy", "no-referrer");
    return c.body(await file.arrayBuffer(), 200);
  };

  app.get("/", options.label("/"), async (c) => {
    c.header("Vary", "Accept");
    // Only a browser (which asks for HTML) gets the page; API clients keep the first version's JSON 404.
    if (!/\btext\/html\b/i.test(c.req.header("accept") ?? ""))
      return c.json({ error: MESSAGES.notFound }, 404);
    const index = join(dir, "index.html");
    if (!existsSync(index)) {
      return c.json({ error: "The web app is not built: run make init (or bun packages/web/build.ts)" }, 503);
    }
    return send(c, index, "no-cache");
  });

  app.get("/assets/:file", options.label("/assets/:file"), async (c) => {
    const name = c.req.param("file");
    const path = join(dir, "assets", name);
    if (!ASSET_NAME.test(name) || !(name.slice(name.lastIndexOf(".")) in TYPES) || !existsSync(path)) {
      return c.json({ error: MESSAGES.notFound }, 404);
    }
    return send(c, path, "public, max-age=31536000, immutable");
  });
}
