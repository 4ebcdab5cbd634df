import { createBalancer } from "@vetmesh/balancer";
import { createTelemetry, loadConfigOrExit, runService, tracingClientInterceptors } from "@vetmesh/kit";
import { createProcessAuthOrExit } from "@vetmesh/kit/auth";
import { createOwnerApp } from "./app.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const { logger, metrics, tracing } = createTelemetry("owner", config);
const auth = createProcessAuthOrExit(config, logger);
if (!config.DISCOVERY_URL) logger.warn("DISCOVERY_URL unset: removal sagas cannot reach their participants");
const balancer = createBalancer({
  discoveryUrl: config.DISCOVERY_URL ?? "http://127.0.0.1:7001",
  logger,
  metrics,
  interceptors: tracingClientInterceptors(tracing),
});
const app = await createOwnerApp({
  databaseUrl: config.DATABASE_URL,
  veterinaryTransport: balancer.transport("veterinary"),
  notificationTransport: balancer.transport("notification"),
  instanceId: config.INSTANCE_ID,
  logger,
  inSpan: tracing.inSpan,
  metrics,
  removalWaitMs: config.REMOVAL_WAIT_MS,
  callTimeoutMs: config.SAGA_CALL_TIMEOUT_MS,
  saga: {
    leaseMs: config.SAGA_LEASE_MS,
    retryMinMs: config.SAGA_RETRY_MIN_MS,
    retryMaxMs: config.SAGA_RETRY_MAX_MS,
    sweepIntervalMs: config.SAGA_SWEEP_INTERVAL_MS,
  },
});
await runService({
  name: "owner",
  config,
  logger,
  metrics,
  tracing,
  routes: app.routes,
  interceptors: [auth.interceptor],
  health: app.health,
  async onShutdown() {
    await app.close();
    await balancer.close();
  },
});
