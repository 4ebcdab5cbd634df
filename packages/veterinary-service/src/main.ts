import { createBalancer } from "@vetmesh/balancer";
import { createTelemetry, loadConfigOrExit, runService, tracingClientInterceptors } from "@vetmesh/kit";
import { createProcessAuthOrExit } from "@vetmesh/kit/auth";
import { createVeterinaryApp } from "./app.ts";
import { createProcessClock } from "./clock.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const { logger, metrics, tracing } = createTelemetry("veterinary", config);
const auth = createProcessAuthOrExit(config, logger);
if (!config.DISCOVERY_URL)
  logger.warn("DISCOVERY_URL unset: the owner and notification services cannot be reached");
const balancer = createBalancer({
  discoveryUrl: config.DISCOVERY_URL ?? "http://127.0.0.1:7001",
  logger,
  metrics,
  interceptors: tracingClientInterceptors(tracing),
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
  clinicTimeZone: config.CLINIC_TIME_ZONE,
  appointmentTypes: config.APPOINTMENT_TYPES,
  slotStepMinutes: config.SLOT_STEP_MINUTES,
  ownerTimeoutMs: config.OWNER_TIMEOUT_MS,
  instanceId: config.INSTANCE_ID,
  metrics,
  clock: createProcessClock({ offsetMs: config.CLOCK_OFFSET_MS, offsetFile: config.CLOCK_OFFSET_FILE }),
  reminderOffsets: config.REMINDER_OFFSETS_DAYS,
  reminders: {
    scanIntervalMs: config.REMINDER_SCAN_INTERVAL_MS,
    leaseMs: config.REMINDER_LEASE_MS,
    retryMs: config.REMINDER_RETRY_MS,
    maxAttempts: config.REMINDER_MAX_ATTEMPTS,
    batchSize: config.REMINDER_BATCH_SIZE,
    clinicName: config.CLINIC_NAME,
    notificationTimeoutMs: config.NOTIFICATION_TIMEOUT_MS,
  },
});
if (config.CLOCK_OFFSET_MS !== 0 || config.CLOCK_OFFSET_FILE) {
  logger.warn("clock shifted for testing", {
    offsetMs: config.CLOCK_OFFSET_MS,
    offsetFile: config.CLOCK_OFFSET_FILE,
  });
}
await runService({
  name: "veterinary",
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
