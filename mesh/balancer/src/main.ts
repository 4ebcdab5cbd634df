import { createTelemetry, loadConfigOrExit, runService, tracingClientInterceptors } from "@vetmesh/kit";
import { createBalancer } from "./balancer.ts";
import { configShape } from "./config.ts";
import { createProxyApp } from "./proxy.ts";
import { allowedServices } from "./service-table.ts";

const config = loadConfigOrExit(configShape);
const { logger, metrics, tracing } = createTelemetry("balancer", config);
const balancer = createBalancer({
  discoveryUrl: config.DISCOVERY_URL,
  logger,
  metrics,
  interceptors: tracingClientInterceptors(tracing),
  vnodes: config.BALANCER_VNODES,
  outlier: {
    consecutiveFailures: config.BALANCER_EJECT_CONSECUTIVE,
    baseEjectionMs: config.BALANCER_EJECT_BASE_MS,
    maxEjectionMs: config.BALANCER_EJECT_MAX_MS,
    maxEjectedShare: config.BALANCER_EJECT_MAX_SHARE,
  },
});
const services = allowedServices(config.BALANCER_PROXY_INTERNAL_SERVICES);
logger.info("proxy allow-list", { services: services.map((service) => service.typeName) });
const app = createProxyApp({ balancer, services });
await runService({
  name: "balancer",
  config,
  routes: app.routes,
  health: app.health,
  onShutdown: app.close,
  logger,
  metrics,
  tracing,
});
