import { createBalancer } from "@vetmesh/balancer";
import { createKitMetrics, createLogger, loadConfigOrExit, runService } from "@vetmesh/kit";
import { createVeterinaryApp } from "./app.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const logger = createLogger({
  level: config.LOG_LEVEL,
  base: { service: "veterinary", instance: config.INSTANCE_ID },
});
if (!config.DISCOVERY_URL)
  logger.warn("DISCOVERY_URL unset: the owner and notification services cannot be reached");
const metrics = createKitMetrics({ service: "veterinary", instance: config.INSTANCE_ID });
const balancer = createBalancer({
  discoveryUrl: config.DISCOVERY_URL ?? "http://127.0.0.1:7001",
  logger,
  metrics,
});
const app = await createVeterinaryApp({
  databaseUrl: config.DATABASE_URL,
  ownerTransport: balancer.transport("owner"),
  notificationTransport: balancer.transport("notification"),
  logger,
  intervals: config.VACCINE_INTERVALS,
  defaultIntervalDays: config.VACCINE_DEFAULT_INTERVAL_DAYS,
  dueSoonDays: config.DUE_SOON_DAYS,
  dueGraceDays: config.DUE_GRACE_DAYS,
  defaultAppointmentMinutes: config.DEFAULT_APPOINTMENT_MINUTES,
  ownerTimeoutMs: config.OWNER_TIMEOUT_MS,
});
await runService({
  name: "veterinary",
  config,
  logger,
  metrics,
  routes: app.routes,
  health: app.health,
  async onShutdown() {
    await app.close();
    await balancer.close();
  },
});
