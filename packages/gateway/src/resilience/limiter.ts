import type { Logger } from "@vetmesh/kit";
import type Redis from "ioredis";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { PolicyName, RatePolicy } from "../domain/rate-policy.ts";

/** What the limiter decided for one request; the headers are built from it. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (RateLimit-Reset, and Retry-After when refused). */
  resetSeconds: number;
}

/**
 * The headers of a decision, the same on REST and on the Connect pass-through:
 * RateLimit-Limit/Remaining/Reset always, Retry-After when refused.
 */
export function rateLimitHeaders(decision: RateDecision): [string, string][] {
  const headers: [string, string][] = [
    ["RateLimit-Limit", String(decision.limit)],
    ["RateLimit-Remaining", String(decision.remaining)],
    ["RateLimit-Reset", String(decision.resetSeconds)],
  ];
  if (!decision.allowed) headers.push(["Retry-After", String(decision.resetSeconds)]);
  return headers;
}

/**
 * A charge another Redis script can carry (so a read and its rate-limit
 * charge cost one round trip): the bucket key and its window, for
 * {@link CHARGE_LUA}'s `vetmeshCharge(key, points, seconds)`.
 */
export interface SharedCharge {
  key: string;
  seconds: number;
}

/** Charges one request to a client's bucket under a named policy. Never throws. */
export interface RateLimiter {
  consume(policy: PolicyName, clientKey: string): Promise<RateDecision>;
  /** The shared bucket of a charge for a script to fold in; undefined without Redis. */
  sharedCharge(policy: PolicyName, clientKey: string): SharedCharge | undefined;
  /** The decision from a folded charge's reply (`{consumed, pttl}` of `vetmeshCharge`). */
  decideShared(policy: PolicyName, consumed: number, ttlMs: number): RateDecision;
  /** When a script carrying the charge failed: the per-replica limiter decides, as for a failed `consume`. */
  consumeLocal(policy: PolicyName, clientKey: string): Promise<RateDecision>;
}

/**
 * The shared fixed window, as rate-limiter-flexible's RateLimiterRedis keeps it
 * (same commands, same key layout `<prefix>rl:<policy>:<client>`): create the
 * bucket with the window's expiry if absent, add the points, read the time to
 * reset. A Lua function so that other scripts (the pets cache's read) can charge
 * in the same round trip.
 */
export const CHARGE_LUA = `
local function vetmeshCharge(key, points, seconds)
  redis.call('SET', key, 0, 'EX', seconds, 'NX')
  local consumed = redis.call('INCRBY', key, points)
  local ttl = redis.call('PTTL', key)
  if ttl == -1 then
    redis.call('EXPIRE', key, seconds)
    ttl = 1000 * seconds
  end
  return {consumed, ttl}
end`;

const CHARGE = `${CHARGE_LUA}
return vetmeshCharge(KEYS[1], ARGV[1], ARGV[2])`;

type Charging = Redis & {
  vetmeshRateCharge(key: string, points: string, seconds: string): Promise<[number, number]>;
};

function charging(client: Redis): Charging {
  if (!("vetmeshRateCharge" in client))
    client.defineCommand("vetmeshRateCharge", { numberOfKeys: 1, lua: CHARGE });
  return client as Charging;
}

/**
 * One atomic Lua round trip per request (SET NX + INCRBY + PTTL, sent as
 * EVALSHA), shared by every gateway replica; the pets route folds the same
 * charge into its cache read (`sharedCharge`). A per-replica
 * RateLimiterMemory (rate-limiter-flexible) with the same policy takes over
 * when Redis errors or is not ready; the ioredis client runs with
 * `enableOfflineQueue: false` so a down Redis fails fast instead of queueing.
 * Never a 500.
 */
export function createRateLimiter(options: {
  redis?: Redis;
  policies: Record<PolicyName, RatePolicy>;
  keyPrefix: string;
  logger: Logger;
}): RateLimiter {
  const { redis } = options;
  const local = new Map<PolicyName, RateLimiterMemory>();
  const policyOf = (name: PolicyName): RatePolicy => {
    const policy = options.policies[name];
    if (!policy) throw new Error(`unknown rate policy ${name}`);
    return policy;
  };
  for (const [name, policy] of Object.entries(options.policies) as Array<[PolicyName, RatePolicy]>) {
    local.set(
      name,
      new RateLimiterMemory({
        points: policy.points,
        duration: policy.durationSeconds,
        keyPrefix: `${options.keyPrefix}rl:${name}`,
      }),
    );
  }
  const bucketKey = (name: PolicyName, clientKey: string) => `${options.keyPrefix}rl:${name}:${clientKey}`;

  const decideShared = (name: PolicyName, consumed: number, ttlMs: number): RateDecision => {
    const policy = policyOf(name);
    return {
      allowed: consumed <= policy.points,
      limit: policy.points,
      remaining: Math.max(0, policy.points - consumed),
      resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  };

  const consumeLocal = async (name: PolicyName, clientKey: string): Promise<RateDecision> => {
    const policy = policyOf(name);
    const decide = (res: RateLimiterRes, allowed: boolean): RateDecision => ({
      allowed,
      limit: policy.points,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
    });
    try {
      return decide(await (local.get(name) as RateLimiterMemory).consume(clientKey), true);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return decide(outcome, false);
      throw outcome;
    }
  };

  const sharedCharge = (name: PolicyName, clientKey: string): SharedCharge | undefined =>
    redis && redis.status === "ready"
      ? { key: bucketKey(name, clientKey), seconds: policyOf(name).durationSeconds }
      : undefined;

  return {
    sharedCharge,
    decideShared,
    consumeLocal,
    async consume(name, clientKey) {
      const charge = sharedCharge(name, clientKey);
      if (charge && redis) {
        try {
          const [consumed, ttl] = await charging(redis).vetmeshRateCharge(
            charge.key,
            "1",
            String(charge.seconds),
          );
          return decideShared(name, Number(consumed), Number(ttl));
        } catch (error) {
          options.logger.debug("shared rate limiter failed; using the local one", { error });
        }
      }
      return consumeLocal(name, clientKey);
    },
  };
}
