import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import {
  type Context,
  context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";
import type { Tracing } from "./tracing.ts";

/** Reads `traceparent`/`tracestate` from Connect request headers. */
export const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/** Writes `traceparent`/`tracestate` into Connect request headers. */
export const headerSetter: TextMapSetter<Headers> = {
  set: (headers, key, value) => headers.set(key, value),
};

// Codes that say the server failed (OpenTelemetry's gRPC conventions); the rest are answers.
const SERVER_FAULTS = new Set<Code>([
  Code.Unknown,
  Code.DeadlineExceeded,
  Code.Unimplemented,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
]);

/** "NotFound" → "not_found": the spelling of `rpc.connect_rpc.error_code`. */
function errorCodeName(code: Code): string {
  return (Code[code] ?? "unknown").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}

function settle(span: Span, error: unknown, isFault: (code: Code) => boolean): void {
  const connectError = ConnectError.from(error);
  span.setAttribute("rpc.connect_rpc.error_code", errorCodeName(connectError.code));
  if (isFault(connectError.code))
    span.setStatus({ code: SpanStatusCode.ERROR, message: connectError.rawMessage });
}

function rpcAttributes(typeName: string, method: string) {
  return { "rpc.system": "connect_rpc", "rpc.service": typeName, "rpc.method": method };
}

/**
 * The server side: continues the caller's trace from `traceparent` (or starts
 * one) and wraps each unary call in a SERVER span, so everything the handler
 * does — log lines, outgoing calls — belongs to it. Streams only continue the
 * context (a watch lasts minutes; a span for it would say nothing). Empty when
 * tracing is off: nothing runs per call.
 */
export function tracingServerInterceptors(tracing: Tracing): Interceptor[] {
  const { tracer, propagator } = tracing;
  if (!tracer || !propagator) return [];
  const interceptor: Interceptor = (next) => async (req) => {
    const parent: Context = propagator.extract(ROOT_CONTEXT, req.header, headerGetter);
    if (req.stream) return context.with(parent, () => next(req));
    const span = tracer.startSpan(
      `${req.service.typeName}/${req.method.name}`,
      { kind: SpanKind.SERVER, attributes: rpcAttributes(req.service.typeName, req.method.name) },
      parent,
    );
    try {
      return await context.with(trace.setSpan(parent, span), () => next(req));
    } catch (error) {
      settle(span, error, (code) => SERVER_FAULTS.has(code));
      throw error;
    } finally {
      span.end();
    }
  };
  return [interceptor];
}

/**
 * The client side: a CLIENT span per unary attempt (a balancer retry on the next
 * instance is a second span, naming that instance's address), with its
 * `traceparent` sent in the request headers. Streams carry the current context
 * only. Empty when tracing is off.
 */
export function tracingClientInterceptors(tracing: Tracing): Interceptor[] {
  const { tracer, propagator } = tracing;
  if (!tracer || !propagator) return [];
  const interceptor: Interceptor = (next) => async (req) => {
    const active = context.active();
    if (req.stream) {
      propagator.inject(active, req.header, headerSetter);
      return next(req);
    }
    const url = new URL(req.url);
    const span = tracer.startSpan(
      `${req.service.typeName}/${req.method.name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          ...rpcAttributes(req.service.typeName, req.method.name),
          "server.address": url.hostname,
          ...(url.port ? { "server.port": Number(url.port) } : {}),
        },
      },
      active,
    );
    propagator.inject(trace.setSpan(active, span), req.header, headerSetter);
    try {
      return await next(req);
    } catch (error) {
      settle(span, error, () => true);
      throw error;
    } finally {
      span.end();
    }
  };
  return [interceptor];
}
