import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { Tracing, TracingOptions } from "./tracing.ts";

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
 * The SDK side of {@link startTracing}, loaded only when tracing is on: spans
 * batched to an OTLP/HTTP (protobuf) receiver, W3C trace context, a
 * parent-based ratio sampler, the process's service and instance as resource.
 */
export function createSdkTracing(options: TracingOptions): Tracing {
  const { config } = options;
  installContextManager();
  const endpoint = String(config.OTEL_EXPORTER_OTLP_ENDPOINT ?? "").replace(/\/+$/, "");
  const exporter = options.exporter ?? new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
  const rootSampler = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": options.service,
      "service.instance.id": options.instance,
    }),
    sampler: new ParentBasedSampler({ root: rootSampler }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY ?? 5000 }),
    ],
  });
  const tracer = provider.getTracer("vetmesh");
  return {
    enabled: true,
    tracer,
    propagator: new W3CTraceContextPropagator(),
    edgeSampled: (traceId) =>
      rootSampler.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED,
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
