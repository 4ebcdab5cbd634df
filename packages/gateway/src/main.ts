import { createBalancer } from "@vetmesh/balancer";
import {
  createTelemetry,
  loadConfigOrExit,
  type RunningService,
  runService,
  tracingClientInterceptors,
} from "@vetmesh/kit";
import { createProcessAuthOrExit } from "@vetmesh/kit/auth";
import { createGatewayApp } from "./app.ts";
import { configShape } from "./config.ts";
import { createRedis } from "./redis.ts";

const config = loadConfigOrExit(configShape);
const { logger, metrics, tracing } = createTelemetry("gateway", config);
const auth = createProcessAuthOrExit(config, logger);
const balancer = createBalancer({
  discoveryUrl: config.DISCOVERY_URL ?? "http://127.0.0.1:7001",
  logger,
  metrics,
  interceptors: tracingClientInterceptors(tracing),
});
const redis = createRedis(config.REDIS_URL, config.REDIS_COMMAND_TIMEOUT_MS, logger);
let running: RunningService | undefined;
const gateway = createGatewayApp({
  config,
  logger,
  metrics,
  redis,
  auth,
  tracing,
  transports: {
    owner: balancer.transport("owner"),
    veterinary: balancer.transport("veterinary"),
    demo: balancer.transport("demo"),
  },
  isDraining: () => running?.draining ?? false,
});
// The pass-through RPCs are mounted inside the Hono app (not as kit `routes`) so they run behind the
// same request-id, security-header, client-IP and rate-limit middleware as the REST routes.
running = await runService({
  name: "gateway",
  config,
  logger,
  metrics,
  tracing,
  http: gateway.app,
  onShutdown: async () => {
    await balancer.close();
    redis.disconnect();
  },
});
