import {
  context,
  isSpanContextValid,
  type Context as OtelContext,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import type { Context, MiddlewareHandler } from "hono";
import { headerGetter } from "./interceptors.ts";
import type { Tracing } from "./tracing.ts";

/** Probe and scrape paths: polled every few seconds, a trace each would bury the real ones. */
const UNTRACED_PATHS = new Set(["/status", "/api/status", "/metrics"]);

/**
 * The gateway's HTTP server span: `<METHOD> <route>` per request, continuing a
 * caller's W3C `traceparent` (its trace id; whether it is recorded is the
 * gateway's own ratio, see {@link Tracing.edgeSampled}), with the status code;
 * 5xx marks it failed.
 * `routeOf` reads the route label (the path pattern) once the request is done.
 * Undefined when tracing is off, so the app mounts nothing.
 */
export function tracingHttpMiddleware(
  tracing: Tracing,
  routeOf: (c: Context) => string | undefined,
): MiddlewareHandler | undefined {
  const { tracer, propagator, edgeSampled } = tracing;
  if (!tracer || !propagator || !edgeSampled) return undefined;
  /** The caller's trace context with the sampled flag set by this process's ratio, not by the caller. */
  const callerTrace = (headers: Headers): OtelContext => {
    const extracted = propagator.extract(ROOT_CONTEXT, headers, headerGetter);
    const caller = trace.getSpanContext(extracted);
    if (!caller || !isSpanContextValid(caller)) return ROOT_CONTEXT;
    const traceFlags = edgeSampled(caller.traceId) ? TraceFlags.SAMPLED : TraceFlags.NONE;
    return trace.setSpanContext(extracted, { ...caller, traceFlags });
  };
  return async function traceRequest(c, next) {
    const path = c.req.path;
    if (UNTRACED_PATHS.has(path)) return next();
    const parent = callerTrace(c.req.raw.headers);
    const method = c.req.method;
    const span = tracer.startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": path } },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), () => next());
    } finally {
      const route = routeOf(c);
      if (route) {
        span.setAttribute("http.route", route);
        span.updateName(`${method} ${route}`);
      }
      const status = c.res.status;
      span.setAttribute("http.response.status_code", status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
