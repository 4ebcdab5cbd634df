import { type Client, Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { ROUTING_KEY_HEADER, routingKeyValue } from "@vetmesh/balancer";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { currentRequestId, isStorageFault, REQUEST_ID_HEADER, UNAVAILABLE_REASON_HEADER } from "@vetmesh/kit";
import { AUTHORIZATION_HEADER } from "@vetmesh/kit/auth";
import { currentCaller } from "../auth/caller.ts";
import {
  type Breaker,
  type BreakerOptions,
  type BreakerState,
  type CallOutcome,
  createBreaker,
} from "../domain/breaker.ts";
import { circuitOpenError } from "../http/errors.ts";

/** The services the gateway calls; one breaker each. */
export type Target = "owner" | "veterinary" | "demo";

/** The targets in a fixed order (metrics, tests). */
export const TARGETS: readonly Target[] = ["owner", "veterinary", "demo"];

/** One upstream transport per target: balancer transports in main.ts, router transports in tests. */
export type UpstreamTransports = Record<Target, Transport>;

/** Options of one guarded upstream call. */
export interface GuardOptions {
  /** The route's deadline, sent as the RPC's timeout so the upstream stops when the gateway gives up. */
  timeoutMs: number;
  /**
   * A deadline the client chose (Connect-Timeout-Ms on the pass-through). The call then runs for the
   * shorter of the two, and when the client's is the one that expires, the breaker does not count it:
   * a client must not be able to open the breaker for everyone by asking for 1 ms.
   */
  clientTimeoutMs?: number;
  routingKey?: string;
  /** Aborts the call when the client goes away. */
  signal?: AbortSignal;
}

/** What a guarded call hands the generated client. */
export interface CallOptions {
  timeoutMs: number;
  headers: Headers;
  signal?: AbortSignal;
}

// Codes that say the upstream itself is in trouble; everything else is an answer.
const FAILURE_CODES = new Set<Code>([
  Code.Unknown,
  Code.Internal,
  Code.Unavailable,
  Code.DataLoss,
  Code.DeadlineExceeded,
]);

/**
 * Classifies an outcome for the breaker: client faults (400/404/409...) are healthy answers; a call
 * the client gave up on (it went away, or its own shorter deadline expired) says nothing about the
 * upstream and is not counted. Only the gateway's own route deadline counts as DeadlineExceeded.
 * A service that answered "my storage refused the write" (disk full, read-only file) is not counted
 * either: it answered at once, so nothing piles up, and the breaker is per target service, so
 * counting it would open the breaker for the reads that still work.
 */
export function outcomeOf(
  error: unknown,
  ended: { clientGaveUp?: boolean; clientDeadline?: boolean } = {},
): CallOutcome {
  const connectError = ConnectError.from(error);
  const code = connectError.code;
  if (code === Code.Canceled || ended.clientGaveUp) return "ignored";
  if (code === Code.DeadlineExceeded && ended.clientDeadline) return "ignored";
  if (code === Code.Unavailable && isStorageFault(connectError.metadata.get(UNAVAILABLE_REASON_HEADER)))
    return "ignored";
  return FAILURE_CODES.has(code) ? "failure" : "success";
}

/**
 * The generated clients plus the guard every call goes through: breaker,
 * deadline, routing key, request id, and the caller's verified token.
 */
export interface Upstreams {
  owner: Client<typeof OwnerService>;
  veterinary: Client<typeof VeterinaryService>;
  demo: Client<typeof DemoService>;
  guard<T>(target: Target, options: GuardOptions, call: (callOptions: CallOptions) => Promise<T>): Promise<T>;
  breakerStates(): Record<Target, BreakerState>;
}

/** Builds the clients and one breaker per target service. */
export function createUpstreams(options: {
  transports: UpstreamTransports;
  breaker: Omit<BreakerOptions, "clock">;
  clock: () => number;
}): Upstreams {
  const breakers = Object.fromEntries(
    TARGETS.map((target) => [target, createBreaker({ ...options.breaker, clock: options.clock })]),
  ) as Record<Target, Breaker>;

  return {
    owner: createClient(OwnerService, options.transports.owner),
    veterinary: createClient(VeterinaryService, options.transports.veterinary),
    demo: createClient(DemoService, options.transports.demo),
    async guard(target, guardOptions, call) {
      const breaker = breakers[target];
      if (!breaker.tryAcquire()) throw circuitOpenError(target);
      const headers = new Headers();
      const requestId = currentRequestId();
      if (requestId) headers.set(REQUEST_ID_HEADER, requestId);
      if (guardOptions.routingKey) headers.set(ROUTING_KEY_HEADER, routingKeyValue(guardOptions.routingKey));
      // The verified caller's token, relayed so the service checks it itself; nothing the client sent is copied.
      const caller = currentCaller();
      if (caller) headers.set(AUTHORIZATION_HEADER, `Bearer ${caller.token}`);
      const { timeoutMs, clientTimeoutMs, signal } = guardOptions;
      const clientDeadline = clientTimeoutMs !== undefined && clientTimeoutMs < timeoutMs;
      try {
        const result = await call({
          timeoutMs: clientDeadline ? clientTimeoutMs : timeoutMs,
          headers,
          signal,
        });
        breaker.settle("success");
        return result;
      } catch (error) {
        breaker.settle(outcomeOf(error, { clientGaveUp: signal?.aborted === true, clientDeadline }));
        throw error;
      }
    },
    breakerStates() {
      return Object.fromEntries(TARGETS.map((target) => [target, breakers[target].state()])) as Record<
        Target,
        BreakerState
      >;
    },
  };
}
