import { DiagLogLevel, diag } from "@opentelemetry/api";
import type { KitConfig } from "./config.ts";
import { createLogger, type Logger } from "./logger.ts";
import { createKitMetrics, type KitMetrics } from "./metrics.ts";
import type { TracingConfig } from "./tracing/config.ts";
import { startTracing, type Tracing } from "./tracing/tracing.ts";

/** A process's logger, metrics registry and tracing, all labelled with its service and instance. */
export interface Telemetry {
  logger: Logger;
  metrics: KitMetrics;
  /** Off (inert) unless the deployable's config has OTEL_EXPORTER_OTLP_ENDPOINT. */
  tracing: Tracing;
}

/**
 * The one way a process builds its logger, metrics and tracing, so main.ts files
 * and the kit's own server label lines, series and spans identically. With
 * tracing on, every log line written inside a span carries its traceId/spanId,
 * and the SDK's own complaints (a collector that refuses exports) are warn lines.
 */
export function createTelemetry(
  service: string,
  config: Pick<KitConfig, "LOG_LEVEL" | "INSTANCE_ID"> & Partial<TracingConfig>,
): Telemetry {
  const tracing = startTracing({ service, instance: config.INSTANCE_ID, config });
  const logger = createLogger({
    level: config.LOG_LEVEL,
    base: { service, instance: config.INSTANCE_ID },
    contextFields: tracing.logFields,
  });
  if (tracing.enabled) {
    const log = (message: string, ...args: unknown[]) => logger.warn("opentelemetry", { message, args });
    diag.setLogger(
      { error: log, warn: log, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.WARN,
    );
    logger.info("tracing on", { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  }
  return { logger, metrics: createKitMetrics({ service, instance: config.INSTANCE_ID }), tracing };
}
