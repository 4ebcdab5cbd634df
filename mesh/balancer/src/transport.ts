import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import type { Logger } from "@vetmesh/kit";
import {
  errorCode,
  isConnectFailure,
  isConnectionLost,
  isIdempotent,
  isInstanceFailure,
  isSessionRefusingStreams,
  isUnprocessed,
} from "./failures.ts";
import type { BalancerMetrics } from "./metrics.ts";
import type { Member, ServicePool } from "./pool.ts";

/** Header that carries a call's routing key; calls with the same key go to the same instance. */
export const ROUTING_KEY_HEADER = "vetmesh-routing-key";

/**
 * The header value for a routing key. Keys are often user input (an email, a
 * pet id from a URL): any text, while a header value must be Latin-1 without
 * NUL/CR/LF, or `new Headers()` throws before the call starts. Percent-encoding
 * (after replacing lone surrogates, which encodeURIComponent rejects) makes any
 * key a valid header and keeps it stable for hashing.
 */
export function routingKeyValue(key: string): string {
  return encodeURIComponent(Buffer.from(key, "utf8").toString("utf8"));
}

/** Per-transport behaviour. */
export interface BalancedTransportOptions {
  /** Extra attempts on the next instance of the ring for retryable failures. 0 or 1; default 1. */
  retries?: number;
}

interface Deps {
  pool: ServicePool;
  metrics: BalancerMetrics;
  logger?: Logger;
  /** Resolves once the pool has had its first snapshot (or the wait is pointless). */
  ready(timeoutMs: number): Promise<void>;
}

const firstSnapshotWaitMs = 2000;

function outcome(
  deps: Deps,
  member: Member,
  error: unknown,
): { connect: boolean; unprocessed: boolean; code: Code } {
  const connect = isConnectFailure(error);
  const unprocessed = !connect && isUnprocessed(error);
  const code = errorCode(error);
  const id = member.endpoint.instanceId;
  if (isSessionRefusingStreams(error)) deps.pool.reconnect(id, member.transport);
  deps.metrics.failures.inc({
    target: deps.pool.target,
    target_instance: id,
    code: Code[code] ?? String(code),
  });
  if (connect) deps.pool.failure(id, "connect");
  else if (unprocessed) return { connect, unprocessed, code };
  else if (isInstanceFailure(code)) deps.pool.failure(id, "error");
  else if (code !== Code.Canceled && code !== Code.DeadlineExceeded) deps.pool.success(id);
  return { connect, unprocessed, code };
}

/**
 * A real Connect Transport over the instances of one service: picks an
 * instance per call (consistent hash of the routing key, else round-robin),
 * reports outcomes to outlier ejection, and moves to the next instance when
 * nothing was sent (connection or stream refused, any method: as many times as
 * there are instances) or, once, when an idempotent method got Unavailable,
 * within the caller's deadline.
 * Streams are not retried (their input may be consumed already).
 */
export function createBalancedTransport(deps: Deps, options: BalancedTransportOptions = {}): Transport {
  const retries = Math.min(1, Math.max(0, options.retries ?? 1));
  const { pool, metrics } = deps;
  const target = pool.target;

  const pick = async (header: ConstructorParameters<typeof Headers>[0], timeoutMs: number | undefined) => {
    const headers = new Headers(header);
    const key = headers.get(ROUTING_KEY_HEADER) ?? undefined;
    let candidates = pool.candidates(key);
    if (!candidates.length) {
      await deps.ready(Math.min(timeoutMs ?? firstSnapshotWaitMs, firstSnapshotWaitMs));
      candidates = pool.candidates(key);
    }
    if (!candidates.length)
      throw new ConnectError(`no live instance of service "${target}"`, Code.Unavailable);
    return { headers, candidates };
  };

  return {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      const started = performance.now();
      const { headers, candidates } = await pick(header, timeoutMs);
      // A call that failed after it may have been sent uses the retry budget; one that
      // was never sent (refused connection, stream refused, session taking no new
      // streams) moves to the next instance without it: nothing ran, so it is safe.
      let retriesLeft = retries;
      let lastError: unknown;
      // Instances already tried again on their fresh session in this call (at most once each).
      const refreshed = new Set<string>();
      for (let attempt = 0; attempt < candidates.length; attempt++) {
        const member = candidates[attempt]!;
        const instance = member.endpoint.instanceId;
        let remaining: number | undefined;
        if (timeoutMs !== undefined) {
          remaining = Math.floor(timeoutMs - (performance.now() - started));
          if (remaining <= 0) break;
        }
        metrics.picks.inc({ target, target_instance: instance });
        if (attempt > 0) metrics.retries.inc({ target, target_instance: instance });
        try {
          const response = await member.transport.unary(
            method,
            signal,
            remaining,
            headers,
            input,
            contextValues,
          );
          pool.success(instance);
          return response;
        } catch (thrown) {
          // A connection that broke mid-call is the instance's failure (Unavailable), not the caller's abort.
          const error = isConnectionLost(thrown, signal?.aborted ?? false)
            ? new ConnectError(
                `instance ${instance} lost the connection`,
                Code.Unavailable,
                undefined,
                undefined,
                thrown,
              )
            : thrown;
          lastError = error;
          const { connect, unprocessed, code } = outcome(deps, member, error);
          const retryable =
            connect || unprocessed || (code === Code.Unavailable && isIdempotent(method.idempotency));
          if (!retryable || signal?.aborted) throw error;
          // The session took no new streams and was just replaced: the instance itself is fine, try it again.
          const fresh = isSessionRefusingStreams(error) ? pool.member(instance) : undefined;
          if (fresh && fresh.transport !== member.transport && !refreshed.has(instance)) {
            refreshed.add(instance);
            candidates[attempt] = fresh;
            attempt--;
            continue;
          }
          if (!connect && !unprocessed) {
            if (retriesLeft === 0) break;
            retriesLeft--;
          }
          deps.logger?.debug("retrying on next instance", { target, instance, code: Code[code] });
        }
      }
      if (lastError === undefined)
        throw new ConnectError("deadline exceeded before retry", Code.DeadlineExceeded);
      throw lastError;
    },
    async stream(method, signal, timeoutMs, header, input, contextValues) {
      const { headers, candidates } = await pick(header, timeoutMs);
      const member = candidates[0]!;
      const instance = member.endpoint.instanceId;
      metrics.picks.inc({ target, target_instance: instance });
      try {
        const response = await member.transport.stream(
          method,
          signal,
          timeoutMs,
          headers,
          input,
          contextValues,
        );
        pool.success(instance);
        return response;
      } catch (error) {
        outcome(deps, member, error);
        throw error;
      }
    },
  };
}
