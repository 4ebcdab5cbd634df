import type { Logger } from "@vetmesh/kit";
import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { PolicyName, RatePolicy } from "../domain/rate-policy.ts";

/** What the limiter decided for one request; the headers are built from it. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (RateLimit-Reset, and Retry-After when refused). */
  resetSeconds: number;
}

/** Charges one request to a client's bucket under a named policy. Never throws. */
export interface RateLimiter {
  consume(policy: PolicyName, clientKey: string): Promise<RateDecision>;
}

interface Limiters {
  shared: RateLimiterRedis | undefined;
  local: RateLimiterMemory;
  policy: RatePolicy;
}

/**
 * rate-limiter-flexible's RateLimiterRedis: one atomic Lua round trip per
 * request (SET NX + INCR + PTTL), shared by every gateway replica. Its
 * `insuranceLimiter` (a per-replica RateLimiterMemory with the same policy)
 * takes over when Redis errors; the ioredis client runs with
 * `enableOfflineQueue: false` so a down Redis fails fast instead of queueing.
 * Any other failure also falls back to the memory limiter: never a 500.
 */
export function createRateLimiter(options: {
  redis?: Redis;
  policies: Record<PolicyName, RatePolicy>;
  keyPrefix: string;
  logger: Logger;
}): RateLimiter {
  const byPolicy = new Map<PolicyName, Limiters>();
  for (const [name, policy] of Object.entries(options.policies) as Array<[PolicyName, RatePolicy]>) {
    const base = { points: policy.points, duration: policy.durationSeconds };
    const local = new RateLimiterMemory({ ...base, keyPrefix: `${options.keyPrefix}rl:${name}` });
    const shared = options.redis
      ? new RateLimiterRedis({
          ...base,
          storeClient: options.redis,
          keyPrefix: `${options.keyPrefix}rl:${name}`,
          insuranceLimiter: local,
          rejectIfRedisNotReady: true,
        })
      : undefined;
    byPolicy.set(name, { shared, local, policy });
  }

  const decide = (policy: RatePolicy, res: RateLimiterRes, allowed: boolean): RateDecision => ({
    allowed,
    limit: policy.points,
    remaining: Math.max(0, res.remainingPoints),
    resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
  });

  const attempt = async (limiter: RateLimiterRedis | RateLimiterMemory, policy: RatePolicy, key: string) => {
    try {
      return decide(policy, await limiter.consume(key), true);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return decide(policy, outcome, false);
      throw outcome;
    }
  };

  return {
    async consume(name, clientKey) {
      const limiters = byPolicy.get(name);
      if (!limiters) throw new Error(`unknown rate policy ${name}`);
      if (limiters.shared) {
        try {
          return await attempt(limiters.shared, limiters.policy, clientKey);
        } catch (error) {
          options.logger.debug("shared rate limiter failed; using the local one", { error });
        }
      }
      return attempt(limiters.local, limiters.policy, clientKey);
    },
  };
}
