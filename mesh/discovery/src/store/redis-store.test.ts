import { afterAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createRedisStore } from "./redis-store.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:discovery-stall:${crypto.randomUUID()}:`;

const instance = {
  service: "demo",
  instanceId: "demo-1",
  grpcAddress: "127.0.0.1:1",
  httpAddress: "127.0.0.1:2",
  metadata: {},
};

/** Holds the event loop, as a busy machine or a long GC does: no timer, no socket is served meanwhile. */
function stall(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

type Store = ReturnType<typeof createRedisStore>;
const ids = async (store: Store) => (await store.list("demo")).map((one) => one.instanceId);

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

test("a stall of the replica judging does not expire leases (their heartbeats were waiting); a silent instance still goes", async () => {
  const store = createRedisStore({ url: REDIS_URL, prefix: `${prefix}a:`, sweepIntervalMs: 20 });
  try {
    await store.register(instance, 300, "token");
    stall(600);
    await Bun.sleep(60);
    expect(await ids(store)).toEqual(["demo-1"]);
    expect(await store.heartbeat("demo", "demo-1", "token")).toBe(300);
    // No heartbeat from here on: the lease runs out once this process has run for its TTL.
    const until = Date.now() + 15_000;
    while ((await ids(store)).length > 0 && Date.now() < until) await Bun.sleep(20);
    expect(await ids(store)).toEqual([]);
  } finally {
    await store.close();
  }
});

test("a heartbeat served first after a stall, before the sweep timer runs, still finds its lease", async () => {
  const store = createRedisStore({ url: REDIS_URL, prefix: `${prefix}b:`, sweepIntervalMs: 20 });
  try {
    await store.register(instance, 300, "token");
    stall(600);
    expect(await store.heartbeat("demo", "demo-1", "token")).toBe(300);
    expect(await ids(store)).toEqual(["demo-1"]);
  } finally {
    await store.close();
  }
});

test("the credit is the judging replica's own: a replica that did not stall expires a lease past its deadline", async () => {
  const shared = `${prefix}c:`;
  const stalled = createRedisStore({ url: REDIS_URL, prefix: shared, sweepIntervalMs: 20 });
  // The other replica (on the same Redis) sweeps only when told; its timer never came due, so it saw no stall.
  const other = createRedisStore({ url: REDIS_URL, prefix: shared, sweepIntervalMs: 3_600_000 });
  try {
    await stalled.register(instance, 300, "token");
    stall(600);
    expect(await ids(stalled)).toEqual(["demo-1"]);
    await other.sweep();
    expect(await ids(other)).toEqual([]);
    expect(await ids(stalled)).toEqual([]);
  } finally {
    await stalled.close();
    await other.close();
  }
});
