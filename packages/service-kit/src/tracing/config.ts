import { z } from "zod";
import { millis } from "../config.ts";

/**
 * The OpenTelemetry variables of the traced deployables (gateway, balancer proxy,
 * owner, veterinary, notification), spread into their config schemas. Tracing is
 * off, and costs nothing, while OTEL_EXPORTER_OTLP_ENDPOINT is unset. Names are the
 * OpenTelemetry SDK's own, so a collector's usual setup applies unchanged.
 */
export const tracingConfigShape = {
  /** Base URL of an OTLP/HTTP receiver (collector, Jaeger); spans go to `<url>/v1/traces` as protobuf. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /**
   * Share of traces recorded (0–1), decided where a trace starts: at the
   * gateway also for a caller's `traceparent` (its sampled flag is not
   * trusted); inside the mesh a parent's decision is followed.
   */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
  /** Longest a finished span waits in memory before its batch is exported. */
  OTEL_BSP_SCHEDULE_DELAY: millis.min(1).default(5000),
};

/** The parsed form of {@link tracingConfigShape}. */
export type TracingConfig = z.infer<z.ZodObject<typeof tracingConfigShape>>;
