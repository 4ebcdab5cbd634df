import { ConnectError } from "@connectrpc/connect";
import { OpenAPIHono } from "@hono/zod-openapi";
import {
  acceptRequestId,
  createKitMetrics,
  createLogger,
  currentRequestId,
  type HealthCheck,
  type KitMetrics,
  type Logger,
  REQUEST_ID_HEADER,
  runWithRequestId,
  type Tracing,
  tracingHttpMiddleware,
} from "@vetmesh/kit";
import type { AuthMode, TokenVerifier } from "@vetmesh/kit/auth";
import { WEB_DIST_DIR } from "@vetmesh/web/dist-dir";
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type Redis from "ioredis";
import { createAudit } from "./auth/audit.ts";
import { createAuthenticator } from "./auth/authenticate.ts";
import { createRouteGuard } from "./auth/route-guard.ts";
import type { Config } from "./config.ts";
import { clientIp } from "./http/client-ip.ts";
import { fromConnectError, HttpError, MESSAGES } from "./http/errors.ts";
import { notFoundOrMethodNotAllowed } from "./http/method-not-allowed.ts";
import { createGatewayMetrics } from "./metrics.ts";
import type { RestApp } from "./openapi/define-route.ts";
import { mountDocsPage } from "./openapi/docs-page.ts";
import { createOpenApiDocument, OPENAPI_PATH } from "./openapi/document.ts";
import { createRateLimiter } from "./resilience/limiter.ts";
import { createPetsCache } from "./resilience/pets-cache.ts";
import { createUpstreams, type Upstreams, type UpstreamTransports } from "./resilience/upstreams.ts";
import { REST_FIELD_NAMES, type RouteDeps } from "./routes/context.ts";
import { registerMeRoute } from "./routes/me.ts";
import { registerOwnerRoutes } from "./routes/owner.ts";
import { registerSchedulingRoutes } from "./routes/scheduling.ts";
import { registerStatusRoutes } from "./routes/status.ts";
import { registerTestRoutes } from "./routes/test-routes.ts";
import { registerVeterinaryRoutes } from "./routes/veterinary.ts";
import { mountPassThrough } from "./rpc/pass-through.ts";
import { registerStaticSite } from "./web/static-site.ts";

/** What the gateway is built from; everything with state or I/O is injected. */
export interface GatewayOptions {
  config: Config;
  /** One Connect transport per target service (balancer transports, or router transports in tests). */
  transports: UpstreamTransports;
  /** Shared Redis for the limiter and the cache; without it both are per-replica. */
  redis?: Redis;
  /** Milliseconds clock of the breakers. */
  clock?: () => number;
  logger?: Logger;
  metrics?: KitMetrics;
  /** True while the process drains: /api/status answers 503. */
  isDraining?: () => boolean;
  health?: HealthCheck;
  /** How callers are checked (main.ts builds it from AUTH_*); default: open mode, tokens ignored. */
  auth?: { mode: AuthMode; verifier?: TokenVerifier };
  /** With tracing on, each request is a server span; off (the default) mounts nothing on the request path. */
  tracing?: Tracing;
}

/** The built gateway: the Hono app to serve plus handles tests and main.ts use. */
export interface Gateway {
  /** The REST routes are declared with their OpenAPI description (see openapi/define-route.ts). */
  app: RestApp;
  upstreams: Upstreams;
  metrics: KitMetrics;
}

/**
 * Builds the public REST API of API.md plus the Connect pass-through, without
 * listening. Request path: request id → metrics/log → security headers →
 * CORS (if configured) → body limit → per-route rate limit → cache → breaker
 * and deadline → upstream.
 */
export function createGatewayApp(options: GatewayOptions): Gateway {
  const { config } = options;
  const logger =
    options.logger ??
    createLogger({ level: config.LOG_LEVEL, base: { service: "gateway", instance: config.INSTANCE_ID } });
  const kitMetrics =
    options.metrics ?? createKitMetrics({ service: "gateway", instance: config.INSTANCE_ID });
  const upstreams = createUpstreams({
    transports: options.transports,
    clock: options.clock ?? Date.now,
    breaker: {
      windowMs: config.BREAKER_WINDOW_MS,
      minCalls: config.BREAKER_MIN_CALLS,
      failureRatio: config.BREAKER_FAILURE_RATIO,
      cooldownMs: config.BREAKER_COOLDOWN_MS,
      halfOpenProbes: config.BREAKER_HALF_OPEN_PROBES,
    },
  });
  const metrics = createGatewayMetrics(kitMetrics, () => upstreams.breakerStates());
  const limiter = createRateLimiter({
    redis: options.redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    logger,
    policies: { read: config.RATE_LIMIT_READ, write: config.RATE_LIMIT_WRITE, test: config.RATE_LIMIT_TEST },
  });
  const cache = createPetsCache({
    redis: options.redis,
    keyPrefix: config.REDIS_KEY_PREFIX,
    ttlMs: config.CACHE_TTL_MS,
    logger,
    onResult: (hit) => metrics.cache.inc({ result: hit ? "hit" : "miss" }),
  });
  const trusted = new Set(config.TRUSTED_PROXIES);
  const clientKey = (c: Context) => clientIp(c, trusted);

  const label = (path: string): MiddlewareHandler =>
    async function routeLabel(c, next) {
      c.set("route", path);
      await next();
    };
  const authenticator = createAuthenticator({
    mode: options.auth?.mode ?? "open",
    verifier: options.auth?.verifier,
    logger,
  });
  const audit = createAudit(logger);
  const route = createRouteGuard({ authenticator, limiter, metrics, audit, clientIp: clientKey });

  const app: RestApp = new OpenAPIHono();
  // Outermost, so the request's log line and its upstream calls belong to the span.
  const traceRequest = options.tracing && tracingHttpMiddleware(options.tracing, (c) => c.get("route"));
  if (traceRequest) app.use("*", traceRequest);
  app.use("*", async function requestId(c, next) {
    const id = acceptRequestId(c.req.header(REQUEST_ID_HEADER));
    await runWithRequestId(id, async () => {
      const started = performance.now();
      await next();
      c.header(REQUEST_ID_HEADER, id);
      const seconds = (performance.now() - started) / 1000;
      const routeName = c.get("route") ?? "unmatched";
      metrics.requests.inc({ route: routeName, method: c.req.method, status: String(c.res.status) });
      metrics.duration.observe({ route: routeName, method: c.req.method }, seconds);
      logger.info("request", {
        method: c.req.method,
        route: routeName,
        status: c.res.status,
        ms: Math.round(seconds * 10000) / 10,
      });
    });
  });
  app.use("*", secureHeaders());
  if (config.CORS_ORIGINS.length > 0) {
    app.use("*", cors({ origin: config.CORS_ORIGINS.includes("*") ? "*" : config.CORS_ORIGINS }));
  }
  app.use(
    "*",
    bodyLimit({
      maxSize: config.BODY_LIMIT_BYTES,
      onError: (c) => c.json({ error: MESSAGES.tooLarge }, 413),
    }),
  );

  // No /metrics here: the kit serves it on the admin port (ADMIN_PORT) only, never on the public one.

  const deps: RouteDeps = { config, upstreams, cache, route };
  registerStatusRoutes(app, deps, { isDraining: options.isDraining, health: options.health });
  registerMeRoute(app, deps, authenticator);
  registerOwnerRoutes(app, deps);
  registerVeterinaryRoutes(app, deps);
  registerSchedulingRoutes(app, deps);
  registerTestRoutes(app, deps);
  // Generated at the first request, when every route is registered (the spec is fixed for a build).
  let document: ReturnType<typeof createOpenApiDocument> | undefined;
  app.get(OPENAPI_PATH, label(OPENAPI_PATH), (c) => {
    document ??= createOpenApiDocument(app);
    return c.json(document);
  });
  mountDocsPage(app, label);
  mountPassThrough(app, { config, upstreams, limiter, cache, authenticator, audit }, label, clientKey);
  registerStaticSite(app, { dir: config.WEB_DIR || WEB_DIST_DIR, label });

  app.notFound(notFoundOrMethodNotAllowed(app));
  app.onError((error, c) => {
    if (error instanceof HttpError) return c.json(error.body(), error.status);
    if (error instanceof ConnectError) {
      const { status: code, body } = fromConnectError(error, REST_FIELD_NAMES);
      if (code === 401) c.header("WWW-Authenticate", "Bearer");
      if (code >= 500) logger.warn("upstream failed", { code: error.code, error: error.message });
      return c.json(body, code);
    }
    const id = currentRequestId() ?? "unknown";
    logger.error("unexpected error", { error });
    return c.json({ error: `Internal error (request id ${id})` }, 500);
  });

  return { app, upstreams, metrics: kitMetrics };
}
