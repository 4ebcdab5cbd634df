import { createKitMetrics, createLogger, loadConfigOrExit, runService } from "@vetmesh/kit";
import { createNotificationApp } from "./app.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const metrics = createKitMetrics({ service: "notification", instance: config.INSTANCE_ID });
const logger = createLogger({
  level: config.LOG_LEVEL,
  base: { service: "notification", instance: config.INSTANCE_ID },
});
const app = await createNotificationApp({ config, metrics, logger });
await runService({
  name: "notification",
  config,
  metrics,
  logger,
  routes: app.routes,
  health: app.health,
  onShutdown: app.close,
});
