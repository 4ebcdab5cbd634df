import { Redis } from "ioredis";
import { byInstanceId, createListeners, type InstanceRecord, type RegistryStore } from "./store.ts";

/**
 * How long a lease's hash outlives its deadline in Redis. The deadlines zset is what leases are judged
 * by; the hash's own expiry only collects leases no replica sweeps, and must leave a stalled replica
 * room to credit its stall (below) and still find the lease.
 */
const HASH_GRACE_MS = 60_000;

// A lease is judged by the replica that runs the script: its deadline plus the stalls of that replica
// that ended after the lease's last heartbeat (deadline - ttl); its heartbeats were waiting in that
// replica's sockets meanwhile. ARGV from index `from` on: pairs (stall ended at, stall ms).
const EXPIRED = `
local function expired(deadline, ttl, now, from)
  local credit = 0
  for j = from, #ARGV, 2 do
    if tonumber(ARGV[j]) > deadline - ttl then credit = credit + tonumber(ARGV[j + 1]) end
  end
  return deadline + credit <= now
end`;

// KEYS: lease hash, deadlines zset, services set. ARGV: json, ttl, deadline, id, service, channel, token.
const REGISTER = `
redis.call('HSET', KEYS[1], 'instance', ARGV[1], 'ttl', ARGV[2], 'token', ARGV[7])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + ${HASH_GRACE_MS})
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

// KEYS: lease hash, deadlines zset. ARGV: now, id, token, then stalls. The ttl; -1 when the lease is
// gone; -2 denied.
const HEARTBEAT = `${OWNS}${EXPIRED}
local ttl = redis.call('HGET', KEYS[1], 'ttl')
if not ttl then return -1 end
if not owns(ARGV[3]) then return -2 end
local deadline = redis.call('ZSCORE', KEYS[2], ARGV[2])
if (not deadline) or expired(tonumber(deadline), tonumber(ttl), tonumber(ARGV[1]), 4) then return -1 end
redis.call('PEXPIRE', KEYS[1], tonumber(ttl) + ${HASH_GRACE_MS})
redis.call('ZADD', KEYS[2], tonumber(ARGV[1]) + tonumber(ttl), ARGV[2])
return tonumber(ttl)`;

// KEYS: lease hash, deadlines zset. ARGV: id, service, channel, token. 1 removed, 0 absent, -2 denied.
const DEREGISTER = `${OWNS}
if redis.call('EXISTS', KEYS[1]) == 1 and not owns(ARGV[4]) then return -2 end
local removed = redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[1])
if removed == 1 then redis.call('PUBLISH', ARGV[3], ARGV[2]) end
return removed`;

// KEYS: deadlines zset. ARGV: now, lease key prefix, service, channel, then stalls. Atomic, so
// exactly one replica removes (and announces) each expired lease, whichever sweeps first.
const SWEEP = `${EXPIRED}
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
local removed = 0
for i = 1, #due, 2 do
  local id = due[i]
  local ttl = tonumber(redis.call('HGET', ARGV[2] .. id, 'ttl') or '0')
  if expired(tonumber(due[i + 1]), ttl, now, 5) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', ARGV[2] .. id)
    removed = removed + 1
  end
end
if removed > 0 then redis.call('PUBLISH', ARGV[4], ARGV[3]) end
return removed`;

// KEYS: deadlines zset. ARGV: now, lease key prefix, then stalls. The instance JSON of every lease
// alive for this replica.
const LIST = `${EXPIRED}
local now = tonumber(ARGV[1])
local out = {}
local leases = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #leases, 2 do
  local fields = redis.call('HMGET', ARGV[2] .. leases[i], 'instance', 'ttl')
  if fields[1] and not expired(tonumber(leases[i + 1]), tonumber(fields[2] or '0'), now, 3) then
    table.insert(out, fields[1])
  end
end
return out`;

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
  /** How long a stall of this process is remembered: at least the longest lease TTL (default 300 s). */
  stallMemoryMs?: number;
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

  // Time this process could not run (a stalled event loop: a busy machine, a long GC) is not the
  // instances' fault: their heartbeats waited in its sockets. As in the memory store, a lease gets
  // back every stall of the replica judging it that ended after its last heartbeat; the deadlines in
  // Redis stay as they are, so a replica that did not stall judges by them alone, and a silent
  // instance still goes once the judging replica has run for the lease's TTL.
  const intervalMs = options.sweepIntervalMs ?? 250;
  const stallMemoryMs = options.stallMemoryMs ?? 300_000;
  const stalls: Array<{ endedAt: number; ms: number }> = [];
  let lastTick = performance.now();
  const noteStall = () => {
    const at = performance.now();
    const stalledMs = at - lastTick - intervalMs;
    if (stalledMs > 0) {
      stalls.push({ endedAt: now(), ms: Math.ceil(stalledMs) });
      lastTick = at - intervalMs;
    }
    const forgetBefore = now() - stallMemoryMs;
    while (stalls.length > 0 && (stalls[0]?.endedAt ?? 0) < forgetBefore) stalls.shift();
  };
  /** The stalls as script arguments: (ended at, ms) pairs. */
  const stallArgs = () => {
    noteStall();
    return stalls.flatMap((stall) => [stall.endedAt, stall.ms]);
  };

  const sweep = async () => {
    const services = await redis.smembers(servicesKey);
    for (const service of services) {
      await redis.eval(
        SWEEP,
        1,
        deadlinesKey(service),
        now(),
        leasePrefix(service),
        service,
        channel,
        ...stallArgs(),
      );
    }
  };
  let sweeping = false;
  const timer = setInterval(() => {
    noteStall();
    lastTick = performance.now();
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
        ...stallArgs(),
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
      const leases = (await redis.eval(
        LIST,
        1,
        deadlinesKey(service),
        now(),
        leasePrefix(service),
        ...stallArgs(),
      )) as string[];
      return leases.map((json) => JSON.parse(json) as InstanceRecord).sort(byInstanceId);
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
