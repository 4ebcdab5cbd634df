import { afterAll, describe, expect, test } from "bun:test";
import { Code, createClient } from "@connectrpc/connect";
import { DiscoveryService, type Instance } from "@vetmesh/contracts/discovery/v1/discovery";
import { errorField } from "@vetmesh/kit";
import { expectFailure, kitRouterTransport } from "@vetmesh/kit/testing";
import { Redis } from "ioredis";
import { createDiscoveryApp } from "../app.ts";
import { createMemoryStore } from "../store/memory-store.ts";
import { createRedisStore } from "../store/redis-store.ts";
import type { RegistryStore } from "../store/store.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const runPrefix = `vetmesh:test:discovery:${crypto.randomUUID()}:`;

function clock(start = 1_000_000) {
  const state = { now: start };
  return {
    now: () => state.now,
    advance: (ms: number) => {
      state.now += ms;
    },
  };
}

const instance = (id: string, port = 1) => ({
  service: "owner",
  instanceId: id,
  grpcAddress: `127.0.0.1:${port}`,
  httpAddress: `127.0.0.1:${port + 1}`,
  metadata: { version: "1" },
});

const stores: Array<[string, (now: () => number, prefix: string) => RegistryStore]> = [
  ["memory", (now) => createMemoryStore({ now, sweepIntervalMs: 3_600_000 })],
  ["redis", (now, prefix) => createRedisStore({ url: REDIS_URL, prefix, now, sweepIntervalMs: 3_600_000 })],
];
const opened: RegistryStore[] = [];
afterAll(async () => {
  for (const store of opened) await store.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${runPrefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

for (const [kind, makeStore] of stores) {
  describe(`discovery over the ${kind} store`, () => {
    const setup = () => {
      const time = clock();
      const store = makeStore(time.now, `${runPrefix}${crypto.randomUUID()}:`);
      opened.push(store);
      const app = createDiscoveryApp({ store, defaultTtlMs: 5000, keepaliveMs: 60_000 });
      const client = createClient(DiscoveryService, kitRouterTransport("discovery", app.routes));
      return { time, store, client };
    };

    test("register grants the asked or the default ttl and rejects a missing service", async () => {
      const { client } = setup();
      expect((await client.register({ instance: instance("o-1"), ttlMs: 3000 })).ttlMs).toBe(3000);
      expect((await client.register({ instance: instance("o-2"), ttlMs: 0 })).ttlMs).toBe(5000);
      const error = await expectFailure(client.register({ instance: { ...instance("o-3"), service: "" } }));
      expect(error.code).toBe(Code.InvalidArgument);
      expect(errorField(error)).toBe("instance.service");
    });

    test("registering the same instance id again replaces it, never duplicates", async () => {
      const { client } = setup();
      await client.register({ instance: instance("o-1", 100), ttlMs: 3000 });
      await client.register({ instance: instance("o-1", 200), ttlMs: 3000 });
      const { instances } = await client.list({ service: "owner" });
      expect(instances.map((i) => [i.instanceId, i.grpcAddress, i.metadata.version])).toEqual([
        ["o-1", "127.0.0.1:200", "1"],
      ]);
    });

    test("heartbeats keep a lease; a missed ttl expires it and heartbeat answers NotFound", async () => {
      const { client, time, store } = setup();
      const { leaseToken } = await client.register({ instance: instance("o-1"), ttlMs: 1000 });
      time.advance(900);
      expect((await client.heartbeat({ service: "owner", instanceId: "o-1", leaseToken })).ttlMs).toBe(1000);
      time.advance(900);
      expect((await client.list({ service: "owner" })).instances.length).toBe(1);
      time.advance(101);
      await store.sweep();
      expect((await client.list({ service: "owner" })).instances.length).toBe(0);
      const error = await expectFailure(
        client.heartbeat({ service: "owner", instanceId: "o-1", leaseToken }),
      );
      expect(error.code).toBe(Code.NotFound);
    });

    test("deregister removes at once; list is per service and sorted by instance id", async () => {
      const { client } = setup();
      await client.register({ instance: instance("o-b"), ttlMs: 3000 });
      const a = await client.register({ instance: instance("o-a"), ttlMs: 3000 });
      await client.register({ instance: { ...instance("v-1"), service: "veterinary" }, ttlMs: 3000 });
      expect((await client.list({ service: "owner" })).instances.map((i) => i.instanceId)).toEqual([
        "o-a",
        "o-b",
      ]);
      await client.deregister({ service: "owner", instanceId: "o-a", leaseToken: a.leaseToken });
      expect((await client.list({ service: "owner" })).instances.map((i) => i.instanceId)).toEqual(["o-b"]);
    });

    test("watch sends a snapshot at once, then on register, deregister and expiry", async () => {
      const { client, time, store } = setup();
      await client.register({ instance: instance("o-1"), ttlMs: 1000 });
      const abort = new AbortController();
      const stream = client.watch({ service: "owner" }, { signal: abort.signal })[Symbol.asyncIterator]();
      const next = async () =>
        ((await stream.next()).value?.instances ?? []).map((i: Instance) => i.instanceId);
      expect(await next()).toEqual(["o-1"]);
      const o2 = await client.register({ instance: instance("o-2"), ttlMs: 5000 });
      expect(await next()).toEqual(["o-1", "o-2"]);
      time.advance(1001);
      await store.sweep();
      expect(await next()).toEqual(["o-2"]);
      await client.deregister({ service: "owner", instanceId: "o-2", leaseToken: o2.leaseToken });
      expect(await next()).toEqual([]);
      abort.abort();
    });
  });
}

describe("redis store shared by two discovery replicas", () => {
  test("a registration on one replica and its expiry swept by the other reach a watcher of either", async () => {
    const time = clock();
    const prefix = `${runPrefix}shared:`;
    const a = createRedisStore({ url: REDIS_URL, prefix, now: time.now, sweepIntervalMs: 3_600_000 });
    const b = createRedisStore({ url: REDIS_URL, prefix, now: time.now, sweepIntervalMs: 3_600_000 });
    opened.push(a, b);
    const clientA = createClient(
      DiscoveryService,
      kitRouterTransport("discovery", createDiscoveryApp({ store: a }).routes),
    );
    const clientB = createClient(
      DiscoveryService,
      kitRouterTransport("discovery", createDiscoveryApp({ store: b }).routes),
    );
    const abort = new AbortController();
    const stream = clientB.watch({ service: "owner" }, { signal: abort.signal })[Symbol.asyncIterator]();
    const next = async () =>
      ((await stream.next()).value?.instances ?? []).map((i: Instance) => i.instanceId);
    expect(await next()).toEqual([]);
    const { leaseToken } = await clientA.register({ instance: instance("o-1"), ttlMs: 1000 });
    expect(await next()).toEqual(["o-1"]);
    expect((await clientB.heartbeat({ service: "owner", instanceId: "o-1", leaseToken })).ttlMs).toBe(1000);
    time.advance(1001);
    await a.sweep();
    expect(await next()).toEqual([]);
    abort.abort();
  });
});

describe("draining discovery", () => {
  test("endWatches ends open watch streams cleanly so watchers reconnect elsewhere", async () => {
    const app = createDiscoveryApp({ store: createMemoryStore({ sweepIntervalMs: 3_600_000 }) });
    const client = createClient(DiscoveryService, kitRouterTransport("discovery", app.routes));
    const snapshots: number[] = [];
    const watching = (async () => {
      for await (const snapshot of client.watch({ service: "owner" }))
        snapshots.push(snapshot.instances.length);
      return "ended";
    })();
    await Bun.sleep(50);
    app.endWatches();
    expect(await Promise.race([watching, Bun.sleep(2000).then(() => "still open")])).toBe("ended");
    expect(snapshots).toEqual([0]);
    await app.close();
  });
});
