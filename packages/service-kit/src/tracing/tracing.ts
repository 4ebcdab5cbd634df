import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
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
  /** W3C trace-context propagator (`traceparent`, `tracestate`). */
  readonly propagator: W3CTraceContextPropagator;
  /** See {@link RunInSpan}; when off it calls `fn` directly. */
  inSpan: RunInSpan;
  /** `traceId`/`spanId` of the active span for a log line; undefined when off (the logger then skips it). */
  logFields: (() => LogFields | undefined) | undefined;
  /** Exports what is buffered and stops; bounded so a dead collector can't stall a drain. */
  shutdown(): Promise<void>;
}

const propagator = new W3CTraceContextPropagator();

/** Tracing that records nothing: the default, and what runs without OTEL_EXPORTER_OTLP_ENDPOINT. */
export const disabledTracing: Tracing = {
  enabled: false,
  tracer: undefined,
  propagator,
  inSpan: (_name, _attributes, fn) => fn(),
  logFields: undefined,
  shutdown: async () => {},
};

let contextManagerInstalled = false;

/**
 * OpenTelemetry's active context lives in the global context manager; one
 * AsyncLocalStorage-based manager per process carries it across awaits.
 */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  const manager = new AsyncLocalStorageContextManager();
  manager.enable();
  context.setGlobalContextManager(manager);
  contextManagerInstalled = true;
}

const SHUTDOWN_BOUND_MS = 3000;

/** Marks a span failed with the error's message and records it as an exception event. */
function failSpan(span: Span, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (error instanceof Error) span.recordException(error);
}

/** Runs `fn` with `span` active in `parent`'s context, ending the span when `fn` settles. */
async function withSpan<T>(span: Span, parent: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await context.with(trace.setSpan(parent, span), fn);
  } catch (error) {
    failSpan(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts tracing for one process: spans batched to an OTLP/HTTP (protobuf)
 * receiver, W3C trace context, a parent-based ratio sampler. Returns
 * {@link disabledTracing} when no endpoint is configured. `exporter` replaces
 * the OTLP one (tests).
 */
export function startTracing(options: {
  service: string;
  instance: string;
  config: Partial<TracingConfig>;
  exporter?: SpanExporter;
}): Tracing {
  const { config } = options;
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint && !options.exporter) return disabledTracing;
  installContextManager();
  const exporter =
    options.exporter ?? new OTLPTraceExporter({ url: `${String(endpoint).replace(/\/+$/, "")}/v1/traces` });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.service,
      "service.instance.id": options.instance,
    }),
    sampler: new ParentBasedSampler({
      root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1),
    }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY ?? 5000 }),
    ],
  });
  const tracer = provider.getTracer("vetmesh");
  return {
    enabled: true,
    tracer,
    propagator,
    inSpan: (name, attributes, fn) => {
      const parent = context.active();
      const span = tracer.startSpan(name, { kind: SpanKind.INTERNAL, attributes }, parent);
      return withSpan(span, parent, fn);
    },
    logFields: () => {
      const span = trace.getSpan(context.active());
      if (!span) return undefined;
      const { traceId, spanId } = span.spanContext();
      return { traceId, spanId };
    },
    async shutdown() {
      await Promise.race([provider.shutdown(), Bun.sleep(SHUTDOWN_BOUND_MS)]);
    },
  };
}
