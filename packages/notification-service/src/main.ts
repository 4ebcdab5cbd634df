import { createTelemetry, loadConfigOrExit, runService } from "@vetmesh/kit";
import { createNotificationApp } from "./app.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const { logger, metrics, tracing } = createTelemetry("notification", config);
const app = await createNotificationApp({ config, metrics, logger });
await runService({
  name: "notification",
  config,
  metrics,
  logger,
  tracing,
  routes: app.routes,
  health: app.health,
  onShutdown: app.close,
});
