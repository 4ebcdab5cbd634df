import { Redis } from "ioredis";
import { byInstanceId, createListeners, type InstanceRecord, type RegistryStore } from "./store.ts";

// KEYS: lease hash, deadlines zset, services set. ARGV: json, ttl, deadline, id, service, channel, token.
const REGISTER = `
redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'ttl', ARGV[2], 'token', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[5])
redis.call('PUBLISH', ARGV[6], ARGV[5])
return 1`;

// A lease stored without a token (before lease tokens) accepts any; otherwise the token must match.
const OWNS = `
local function owns(presented)
  local stored = redis.call('HGET', KEYS[1], 'token')
  return (not stored) or stored == '' or stored == presented
end`;

// KEYS: lease hash, deadlines zset. ARGV: now, id, token. The ttl; -1 when the lease is gone; -2 denied.
const HEARTBEAT = `${OWNS}
local ttl = redis.call('HGET', KEYS[1], 'ttl')
if not ttl then return -1 end
if not owns(ARGV[3]) then return -2 end
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[2])
if (not deadline) or tonumber(deadline) <= tonumber(ARGV[1]) then return -1 end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ttl), ARGV[2])
return tonumber(ttl)`;

// KEYS: lease hash, deadlines zset. ARGV: id, service, channel, token. 1 removed, 0 absent, -2 denied.
const DEREGISTER = `${OWNS}
if redis.call('EXISTS', KEYS[1]) == 1 and not owns(ARGV[4]) then return -2 end
local removed = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
if removed == 1 then redis.call('PUBLISH', ARGV[3], ARGV[2]) end
return removed`;

// KEYS: deadlines zset. ARGV: now, lease key prefix, service, channel. Atomic, so exactly one replica
// removes (and announces) each expired lease, whichever sweeps first.
const SWEEP = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('DEL', ARGV[2] .. id)
end
if #ids > 0 then redis.call('PUBLISH', ARGV[4], ARGV[3]) end
return #ids`;

/**
 * Leases in Redis so that several discovery replicas share one registry:
 * each lease is a hash that expires by itself (PEXPIRE), a sorted set per
 * service holds the deadlines, and every replica sweeps that set on a timer
 * (keyspace notifications are not assumed to be enabled). Changes are
 * published on one channel; every replica relays them to its watchers.
 */
export function createRedisStore(options: {
  url: string;
  /** Key prefix; tests use a unique one per run. */
  prefix?: string;
  sweepIntervalMs?: number;
  now?: () => number;
}): RegistryStore {
  const prefix = options.prefix ?? "vetmesh:discovery:";
  const now = options.now ?? Date.now;
  const channel = `${prefix}changes`;
  const servicesKey = `${prefix}services`;
  const leasePrefix = (service: string) => `${prefix}lease:${service}:`;
  const deadlinesKey = (service: string) => `${prefix}deadlines:${service}`;
  const redisOptions = { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false };
  const redis = new Redis(options.url, redisOptions);
  const subscriber = new Redis(options.url, redisOptions);
  const listeners = createListeners();
  // Errors surface through commands and health(); without a listener ioredis would log them.
  redis.on("error", () => {});
  subscriber.on("error", () => {});
  // A watch lists after adding its listener; waiting for the subscription there means no change
  // published after that snapshot can be missed by this replica.
  const subscribed = subscriber.subscribe(channel).then(
    () => undefined,
    () => undefined,
  );
  subscriber.on("message", (from: string, service: string) => {
    if (from === channel) listeners.emit(service);
  });

  const sweep = async () => {
    const services = await redis.smembers(servicesKey);
    for (const service of services) {
      await redis.eval(SWEEP, 1, deadlinesKey(service), now(), leasePrefix(service), service, channel);
    }
  };
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweep()
      .catch(() => {})
      .finally(() => {
        sweeping = false;
      });
  }, options.sweepIntervalMs ?? 250);

  return {
    async register(instance, ttlMs, token) {
      const { service, instanceId } = instance;
      await redis.eval(
        REGISTER,
        3,
        leasePrefix(service) + instanceId,
        deadlinesKey(service),
        servicesKey,
        JSON.stringify(instance),
        ttlMs,
        now() + ttlMs,
        instanceId,
        service,
        channel,
        token,
      );
    },
    async heartbeat(service, instanceId, token) {
      const ttl = await redis.eval(
        HEARTBEAT,
        2,
        leasePrefix(service) + instanceId,
        deadlinesKey(service),
        now(),
        instanceId,
        token,
      );
      if (ttl === -2) return "denied";
      return typeof ttl === "number" && ttl >= 0 ? ttl : null;
    },
    async deregister(service, instanceId, token) {
      const removed = await redis.eval(
        DEREGISTER,
        2,
        leasePrefix(service) + instanceId,
        deadlinesKey(service),
        instanceId,
        service,
        channel,
        token,
      );
      return removed === -2 ? "denied" : removed === 1 ? "removed" : "absent";
    },
    async list(service) {
      await subscribed;
      const ids = await redis.zrangebyscore(deadlinesKey(service), `(${now()}`, "+inf");
      if (!ids.length) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.hget(leasePrefix(service) + id, "instance");
      const results = (await pipeline.exec()) ?? [];
      const out: InstanceRecord[] = [];
      for (const [error, value] of results) {
        if (!error && typeof value === "string") out.push(JSON.parse(value) as InstanceRecord);
      }
      return out.sort(byInstanceId);
    },
    onChange: listeners.add,
    sweep,
    async health() {
      return redis.status === "ready" ? null : `redis ${redis.status}`;
    },
    async close() {
      clearInterval(timer);
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}
