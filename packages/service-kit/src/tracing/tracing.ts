import type { TextMapPropagator, Tracer } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { LogFields } from "../logger.ts";
import type { TracingConfig } from "./config.ts";

/** Attribute values a span accepts from this codebase. */
export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * Runs `fn` inside a child span of the current one. Domain code (the removal
 * saga) takes this function type, not OpenTelemetry, so it stays free of it.
 */
export type RunInSpan = <T>(name: string, attributes: SpanAttributes, fn: () => Promise<T>) => Promise<T>;

/**
 * A process's tracing. When off, every member is inert and the interceptor and
 * middleware lists are empty, so callers that spread them add nothing to a call.
 */
export interface Tracing {
  readonly enabled: boolean;
  /** The tracer of the process; undefined when off. */
  readonly tracer: Tracer | undefined;
  /** W3C trace-context propagator (`traceparent`, `tracestate`); undefined when off. */
  readonly propagator: TextMapPropagator | undefined;
  /**
   * Whether a trace arriving from outside the mesh is recorded: the process's
   * own ratio over the trace id, whatever flag the caller set, so no client can
   * force (or dodge) sampling at the edge. Undefined when off.
   */
  readonly edgeSampled: ((traceId: string) => boolean) | undefined;
  /** See {@link RunInSpan}; when off it calls `fn` directly. */
  inSpan: RunInSpan;
  /** `traceId`/`spanId` of the active span for a log line; undefined when off (the logger then skips it). */
  logFields: (() => LogFields | undefined) | undefined;
  /** Exports what is buffered and stops; bounded so a dead collector can't stall a drain. */
  shutdown(): Promise<void>;
}

/** Tracing that records nothing: the default, and what runs without OTEL_EXPORTER_OTLP_ENDPOINT. */
export const disabledTracing: Tracing = {
  enabled: false,
  tracer: undefined,
  propagator: undefined,
  edgeSampled: undefined,
  inSpan: (_name, _attributes, fn) => fn(),
  logFields: undefined,
  shutdown: async () => {},
};

/** What {@link startTracing} needs; `exporter` replaces the OTLP one (tests). */
export interface TracingOptions {
  service: string;
  instance: string;
  config: Partial<TracingConfig>;
  exporter?: SpanExporter;
}

/**
 * Starts tracing for one process, or returns {@link disabledTracing} when no
 * endpoint is configured. The SDK (sdk.ts: provider, exporter, context manager)
 * is loaded only here, when tracing is on: a process that never turns it on
 * never loads it (about 5 MB of resident memory per process).
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.config.OTEL_EXPORTER_OTLP_ENDPOINT && !options.exporter) return disabledTracing;
  const { createSdkTracing } = require("./sdk.ts") as typeof import("./sdk.ts");
  return createSdkTracing(options);
}
