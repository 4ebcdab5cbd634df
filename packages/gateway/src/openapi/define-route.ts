import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Rule } from "@vetmesh/kit/auth";
import type { Context, MiddlewareHandler } from "hono";
import type { BlankEnv, BlankSchema } from "hono/types";
import type { z } from "zod";
import { routeAccess } from "../auth/route-rules.ts";
import type { PolicyName } from "../domain/rate-policy.ts";
import { check, readJson } from "../http/validate.ts";
import type { SharedCharge } from "../resilience/limiter.ts";
import {
  type ErrorStatus,
  errorResponses,
  headerRefs,
  RATE_LIMIT_HEADERS_DOC,
  REQUEST_ID_HEADER_DOC,
  RETRY_AFTER_HEADER_DOC,
  WWW_AUTHENTICATE_HEADER_DOC,
} from "./responses.ts";
import { BEARER_SCHEME } from "./security.ts";

type JsonBodySchema<R> = R extends {
  request: { body: { content: { "application/json": { schema: infer S } } } };
}
  ? S
  : undefined;
type Output<S> = S extends z.ZodType ? z.output<S> : undefined;
type Request<R> = R extends { request: infer Q } ? Q : undefined;

/** The gateway's app: a Hono app whose routes carry their OpenAPI description. */
export type RestApp = OpenAPIHono<BlankEnv, BlankSchema, "/">;

/** What a handler receives: the request parts the route declares, already validated by their schemas. */
export interface RouteInput<R extends RouteConfig> {
  body: Output<JsonBodySchema<R>>;
  query: Output<Request<R> extends { query: infer S } ? S : undefined>;
  params: Request<R> extends { params: infer S } ? Output<S> : Record<string, string>;
}

/**
 * A route whose first Redis read can carry its rate-limit charge, so both cost one round trip: it runs
 * the script with the charge and answers the charge's reply `[consumed, ttlMs]`; null when the script
 * failed (the per-replica limiter decides), undefined when this request cannot fold (the guard charges
 * on its own, e.g. for a path parameter the handler will refuse with 400).
 */
export type FoldedCharge = (c: Context, charge: SharedCharge) => Promise<[number, number] | null | undefined>;

/**
 * A REST route: its OpenAPI description (createRoute's config), whether it is guarded (authenticated,
 * rate-limited and role-checked by its ROUTE_RULES row, which also names the rate-limit policy: the
 * operation's), and optionally the read its charge is folded into. Health routes are not guarded.
 */
export type RestRoute = RouteConfig & { guarded?: boolean; foldCharge?: FoldedCharge };

/** Per-route middleware the gateway builds: names the route for metrics and charges its policy. */
export type RouteMiddleware = (path: string, foldCharge?: FoldedCharge) => MiddlewareHandler;

/** Hono's `:param` form of an OpenAPI `{param}` path. */
export function honoPath(openApiPath: string): string {
  return openApiPath.replaceAll(/\{([^}]+)\}/g, ":$1");
}

/**
 * Declares one REST route in one place: the spec entry (the OpenAPI registry
 * that `/openapi.json` is generated from) and the handler, behind the
 * validators built from the very schemas the spec shows. Validation keeps the
 * first version's error bodies byte for byte (`readJson`/`check`: content type,
 * malformed JSON, then the body; then the query), so it runs here rather than
 * in @hono/zod-openapi's own validators, whose content-type gate and query
 * parsing differ in corner cases. Order on the wire: rate limit (labelled with
 * the path pattern) → body → query → handler.
 */
export function defineRoute<R extends RestRoute>(
  app: RestApp,
  middleware: RouteMiddleware,
  route: R,
  handler: (c: Context, input: RouteInput<R>) => Response | Promise<Response>,
): void {
  const { guarded, foldCharge, ...spec } = route;
  const path = honoPath(route.path);
  const policy = guarded ? routeAccess(path).policy : undefined;
  app.openAPIRegistry.registerPath(documented(spec, policy, path));
  const media = route.request?.body?.content?.["application/json"];
  const bodySchema = media && "schema" in media ? (media.schema as z.ZodType) : undefined;
  const querySchema = route.request?.query as z.ZodType | undefined;
  const paramsSchema = route.request?.params as z.ZodType | undefined;
  const handlers: MiddlewareHandler[] = [];
  handlers.push(guarded ? middleware(path, foldCharge) : labelOnly(path));
  app.on([route.method.toUpperCase()], [path], ...handlers, async (c) => {
    const body = bodySchema ? await readJson(c, bodySchema) : undefined;
    const query = querySchema ? check(querySchema, c.req.query(), "query") : undefined;
    const params = paramsSchema ? check(paramsSchema, c.req.param(), "path") : c.req.param();
    return handler(c, { body, query, params } as RouteInput<R>);
  });
}

/** Who a rule lets in, in words, for the operation's description. */
function whoMay(rule: Rule): string {
  const staff = rule.staff.length > 0 ? `staff roles ${rule.staff.join(", ")}` : "no staff role";
  return rule.owner ? `${staff}; owners, for their own data` : staff;
}

function labelOnly(path: string): MiddlewareHandler {
  return async function routeLabel(c, next) {
    c.set("route", path);
    await next();
  };
}

/**
 * Adds what every route of a kind answers, so no route can forget it: a
 * rate-limited route calls an upstream under a deadline and a breaker (408,
 * 429, 500, 503) and sends RateLimit-* on every answer (Retry-After on 429);
 * a route with a body can get 413; every answer of a route with a policy
 * carries x-request-id (health routes answer from the kit's listener too, without it).
 */
function documented(route: RouteConfig, policy: PolicyName | undefined, path: string): RouteConfig {
  const defaults: ErrorStatus[] = [];
  if (route.request?.body) defaults.push(413);
  if (policy) defaults.push(401, 403, 408, 429, 500, 503);
  const responses: RouteConfig["responses"] = { ...errorResponses(...defaults), ...route.responses };
  for (const [status, response] of Object.entries(responses)) {
    const limited = policy && status !== "413";
    if ("$ref" in response) continue;
    responses[status] = {
      ...response,
      headers: {
        ...(policy ? headerRefs(REQUEST_ID_HEADER_DOC) : {}),
        ...(limited ? headerRefs(RATE_LIMIT_HEADERS_DOC) : {}),
        ...(status === "429" ? headerRefs(RETRY_AFTER_HEADER_DOC) : {}),
        ...(status === "401" ? headerRefs(WWW_AUTHENTICATE_HEADER_DOC) : {}),
        ...(response.headers as object | undefined),
      },
    };
  }
  const sorted = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
  if (!policy) return { ...route, responses: sorted };
  // Guarded routes: a bearer JWT, required in AUTH_MODE=required (`{}`: an open-mode gateway takes none).
  const access = `**Access** (AUTH_MODE=required): ${whoMay(routeAccess(path).rule)}.`;
  const description = route.description ? `${route.description}\n\n${access}` : access;
  return { ...route, description, security: [{ [BEARER_SCHEME]: [] }, {}], responses: sorted };
}
