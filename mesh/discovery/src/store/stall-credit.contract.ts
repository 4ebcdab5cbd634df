/**
 * What both registry stores promise about a stall of the discovery process
 * itself (a busy machine, a long GC): the heartbeats waited in its sockets, so
 * leases are not expired for that time, yet a silent instance still goes.
 * memory-store.test.ts and redis-store.test.ts run it against their store.
 */
import { expect, test } from "bun:test";
import type { RegistryStore } from "./store.ts";

/** The one instance the contract registers. */
export const instance = {
  service: "demo",
  instanceId: "demo-1",
  grpcAddress: "127.0.0.1:1",
  httpAddress: "127.0.0.1:2",
  metadata: {},
};

/** Holds the event loop, as a busy machine or a long GC does: no timer, no socket is served meanwhile. */
export function stall(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
}

/** Instance ids the store lists for the contract's service. */
export const ids = async (store: RegistryStore) => (await store.list("demo")).map((one) => one.instanceId);

/** Registers the stall tests for a store made fresh (sweeping every 20 ms) by `create` for each test. */
export function stallCreditContract(create: (name: string) => RegistryStore) {
  test("a stall of discovery itself does not expire leases (their heartbeats were waiting); a silent instance still goes", async () => {
    const store = create("silent");
    try {
      await store.register(instance, 300, "token");
      stall(600);
      await Bun.sleep(60);
      expect(await ids(store)).toEqual(["demo-1"]);
      expect(await store.heartbeat("demo", "demo-1", "token")).toBe(300);
      // No heartbeat from here on: the lease runs out once this process has run for its TTL (later on a
      // busy machine, whose every late timer tick counts as a stall), well within the bound.
      const until = Date.now() + 15_000;
      while ((await ids(store)).length > 0 && Date.now() < until) await Bun.sleep(20);
      expect(await ids(store)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  test("a heartbeat served first after a stall, before the sweep timer runs, still finds its lease", async () => {
    const store = create("first");
    try {
      await store.register(instance, 300, "token");
      stall(600);
      expect(await store.heartbeat("demo", "demo-1", "token")).toBe(300);
      expect(await ids(store)).toEqual(["demo-1"]);
    } finally {
      await store.close();
    }
  });
}
