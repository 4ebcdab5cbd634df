import {
  type ConnectRouter,
  createRouterTransport,
  type Interceptor,
  type Transport,
} from "@connectrpc/connect";
import { createInFlight, createServerInterceptor } from "../interceptors.ts";
import { createLogger } from "../logger.ts";
import { createKitMetrics } from "../metrics.ts";

/**
 * An in-memory transport to `routes` behind the kit's server interceptor, so
 * domain errors become the same Connect codes as in a real process. Tests of
 * one service use it instead of a socket; `extra` runs after the kit's one
 * (e.g. the auth interceptor).
 */
export function kitRouterTransport(
  service: string,
  routes: (router: ConnectRouter) => void,
  extra: Interceptor[] = [],
): Transport {
  const interceptor = createServerInterceptor({
    service,
    logger: createLogger({ level: "silent" }),
    metrics: createKitMetrics({ service, instance: `test-${crypto.randomUUID()}` }),
    inFlight: createInFlight(),
  });
  return createRouterTransport(routes, { router: { interceptors: [interceptor, ...extra] } });
}

/**
 * A transport whose target is bound later: two apps that call each other
 * (owner ↔ veterinary) each need the other's transport before it exists.
 */
export function lateTransport(): { transport: Transport; bind(target: Transport): void } {
  let bound: Transport | undefined;
  const target = () => {
    if (!bound) throw new Error("transport not bound yet");
    return bound;
  };
  return {
    transport: {
      unary: (...args) => target().unary(...args),
      stream: (...args) => target().stream(...args),
    },
    bind: (t) => {
      bound = t;
    },
  };
}
