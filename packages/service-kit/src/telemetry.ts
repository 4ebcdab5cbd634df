import type { KitConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createKitMetrics, type KitMetrics } from "./metrics.ts";

/** A process's logger and metrics registry, both labelled with its service and instance. */
export interface Telemetry {
  logger: Logger;
  metrics: KitMetrics;
}

/**
 * The one way a process builds its logger and metrics, so main.ts files and
 * the kit's own server label lines and series identically.
 */
export function createTelemetry(
  service: string,
  config: Pick<KitConfig, "LOG_LEVEL" | "INSTANCE_ID">,
): Telemetry {
  return {
    logger: createLogger({ level: config.LOG_LEVEL, base: { service, instance: config.INSTANCE_ID } }),
    metrics: createKitMetrics({ service, instance: config.INSTANCE_ID }),
  };
}
