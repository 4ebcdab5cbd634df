import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { type ConnectRouter, createConnectRouter, type Interceptor } from "@connectrpc/connect";
import { createFetchHandler, type UniversalHandler } from "@connectrpc/connect/protocol";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Hono } from "hono";
import { adminPortOf, type KitConfig } from "./config.ts";
import { createInFlight, createServerInterceptor } from "./interceptors.ts";
import type { Logger } from "./logger.ts";
import type { KitMetrics } from "./metrics.ts";
import { type Registration, startRegistration } from "./registration.ts";
import { createAdminApp, createStatusApp, type HealthCheck } from "./status.ts";
import { createTelemetry } from "./telemetry.ts";
import { tracingServerInterceptors } from "./tracing/interceptors.ts";
import { disabledTracing, type Tracing } from "./tracing/tracing.ts";

/** What a deployable hands the kit: its name, config, RPCs and checks. */
export interface ServiceDefinition {
  /** Service name as registered in discovery, e.g. "owner". */
  name: string;
  config: KitConfig;
  /** Registers the Connect services this process implements. Omit for HTTP-only processes. */
  routes?: (router: ConnectRouter) => void;
  /** Server interceptors run inside the kit's own (which logs and maps errors), e.g. the auth interceptor. */
  interceptors?: Interceptor[];
  /** Extra HTTP routes (the gateway's REST API) served on the HTTP/1.1 listener after /status. */
  http?: Hono;
  /** Reports why the process can't serve (e.g. its database is unreachable); null when healthy. */
  health?: HealthCheck;
  /** Stops background work and closes resources; runs after in-flight calls finished. */
  onShutdown?: () => Promise<void> | void;
  /** Extra discovery metadata (version, zone...). */
  metadata?: Record<string, string>;
  logger?: Logger;
  metrics?: KitMetrics;
  /** The process's tracing (createTelemetry); its server span wraps every RPC, and the drain flushes it. */
  tracing?: Tracing;
}

/** A started process: its bound ports and the handle to drain it. */
export interface RunningService {
  grpcPort: number;
  httpPort: number;
  /** The admin listener's port (GET /metrics), on ADMIN_HOST. */
  adminPort: number;
  logger: Logger;
  metrics: KitMetrics;
  registration?: Registration;
  /** True from the first moment of a drain; /status answers 503 from then on. */
  readonly draining: boolean;
  /** Graceful drain: deregister, stop accepting, finish in-flight calls (bounded), close. */
  drain(): Promise<void>;
}

function listenH2(server: http2.Http2Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/**
 * Starts the listeners every service has: h2c on GRPC_PORT for gRPC and
 * Connect over HTTP/2, HTTP/1.1 (Bun.serve) on HTTP_PORT for /status, Connect
 * and gRPC-Web (Bun serves HTTP/1.1 only and node:http2 under Bun serves h2c
 * only, hence two ports), and the admin listener on ADMIN_HOST:ADMIN_PORT for
 * /metrics, which the service port does not serve.
 */
export async function startService(def: ServiceDefinition): Promise<RunningService> {
  const { config } = def;
  const defaults = def.logger && def.metrics ? undefined : createTelemetry(def.name, config);
  const logger = def.logger ?? defaults!.logger;
  const metrics = def.metrics ?? defaults!.metrics;
  const tracing = def.tracing ?? defaults?.tracing ?? disabledTracing;
  const inFlight = createInFlight();
  const shutdown = new AbortController();
  let draining = false;

  // Outermost: the kit's summary line and everything the handler does run inside the RPC's span.
  const interceptors = [
    ...tracingServerInterceptors(tracing),
    createServerInterceptor({ service: def.name, logger, metrics, inFlight }),
    ...(def.interceptors ?? []),
  ];
  const handlers: UniversalHandler[] = [];
  let h2: http2.Http2Server | undefined;
  let grpcPort = 0;
  const sessions = new Set<http2.ServerHttp2Session>();
  if (def.routes) {
    const router = createConnectRouter({ interceptors, shutdownSignal: shutdown.signal });
    def.routes(router);
    handlers.push(...router.handlers);
    h2 = http2.createServer(
      connectNodeAdapter({
        routes: def.routes,
        interceptors,
        shutdownSignal: shutdown.signal,
      }),
    );
    h2.on("session", (session) => {
      sessions.add(session);
      session.once("close", () => sessions.delete(session));
    });
    grpcPort = await listenH2(h2, config.HOST, config.GRPC_PORT);
  }

  const byPath = new Map(handlers.map((handler) => [handler.requestPath, createFetchHandler(handler)]));
  const statusApp = createStatusApp({ isDraining: () => draining, health: def.health });
  const bun = Bun.serve({
    hostname: config.HOST,
    port: config.HTTP_PORT,
    idleTimeout: 60,
    fetch(request, server) {
      const path = new URL(request.url).pathname;
      const rpc = byPath.get(path);
      if (rpc) return rpc(request);
      if (path === "/status") return statusApp.fetch(request);
      if (def.http) return def.http.fetch(request, { server });
      return Response.json({ error: "Not found" }, { status: 404 });
    },
  });
  const httpPort = bun.port ?? config.HTTP_PORT;
  const adminApp = createAdminApp({ metrics });
  const admin = Bun.serve({ hostname: config.ADMIN_HOST, port: adminPortOf(config), fetch: adminApp.fetch });
  const adminPort = admin.port ?? adminPortOf(config);

  const advertise = config.ADVERTISE_HOST ?? config.HOST;
  const registration = config.DISCOVERY_URL
    ? startRegistration({
        discoveryUrl: config.DISCOVERY_URL,
        ttlMs: config.DISCOVERY_TTL_MS,
        token: config.DISCOVERY_TOKEN,
        logger,
        instance: {
          service: def.name,
          instanceId: config.INSTANCE_ID,
          grpcAddress: h2 ? `${advertise}:${config.ADVERTISE_GRPC_PORT ?? grpcPort}` : "",
          httpAddress: `${advertise}:${httpPort}`,
          metadata: { ...def.metadata },
        },
      })
    : undefined;

  logger.info("listening", { grpcPort: h2 ? grpcPort : undefined, httpPort, adminPort });

  let drained: Promise<void> | undefined;
  const drain = () => {
    drained ??= (async () => {
      draining = true;
      logger.info("draining");
      await registration?.stop();
      if (config.DRAIN_DELAY_MS > 0) await Bun.sleep(config.DRAIN_DELAY_MS);
      h2?.close();
      // GOAWAY: open streams finish, new ones go elsewhere; "close" fires once the last response is flushed.
      const sessionsClosed = Promise.all(
        [...sessions].map((session) => new Promise<void>((resolve) => session.close(() => resolve()))),
      );
      const httpClosed = bun.stop(false);
      const bounded = Bun.sleep(config.DRAIN_TIMEOUT_MS).then(() => "timeout" as const);
      const finished = Promise.all([inFlight.idle(), httpClosed]).then(() => "idle" as const);
      if ((await Promise.race([finished, bounded])) === "timeout") {
        logger.warn("drain timed out; closing in-flight calls", { inFlight: inFlight.count });
      }
      // Streams (watches) never finish by themselves: end them now, then let responses flush briefly.
      shutdown.abort();
      await Promise.race([sessionsClosed, Bun.sleep(1000)]);
      for (const session of sessions) session.destroy();
      await bun.stop(true);
      // Last: metrics stay scrapeable for the whole drain.
      await admin.stop(true);
      await def.onShutdown?.();
      await tracing.shutdown();
      logger.info("stopped");
    })();
    return drained;
  };

  return {
    grpcPort,
    httpPort,
    adminPort,
    logger,
    metrics,
    registration,
    get draining() {
      return draining;
    },
    drain,
  };
}

/**
 * For main.ts: starts the service and drains it on SIGTERM/SIGINT, then exits 0.
 * Startup failures exit 1 with the cause logged.
 */
export async function runService(def: ServiceDefinition): Promise<RunningService> {
  const running = await startService(def);
  const onSignal = (signal: string) => {
    running.logger.info("signal received", { signal });
    void running.drain().then(
      () => process.exit(0),
      (error) => {
        running.logger.error("drain failed", { error });
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  return running;
}
