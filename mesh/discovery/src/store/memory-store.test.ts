import { expect, test } from "bun:test";
import { createMemoryStore } from "./memory-store.ts";

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

const ids = async (store: ReturnType<typeof createMemoryStore>) =>
  (await store.list("demo")).map((one) => one.instanceId);

test("a stall of discovery itself does not expire leases (their heartbeats were waiting); a silent instance still goes", async () => {
  const store = createMemoryStore({ sweepIntervalMs: 20 });
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
  const store = createMemoryStore({ sweepIntervalMs: 20 });
  try {
    await store.register(instance, 300, "token");
    stall(600);
    expect(await store.heartbeat("demo", "demo-1", "token")).toBe(300);
    expect(await ids(store)).toEqual(["demo-1"]);
  } finally {
    await store.close();
  }
});
