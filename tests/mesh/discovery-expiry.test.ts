/**
 * Discovery over real sockets: an instance killed with SIGKILL (no deregister)
 * leaves List and Watch when its lease runs out, with the in-memory store and
 * with Redis shared by two discovery replicas.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService, type Instance } from "@vetmesh/contracts/discovery/v1/discovery";
import { Redis } from "ioredis";
import { eventually, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PREFIX = `vetmesh:test:mesh:${crypto.randomUUID()}:`;
const TTL_MS = 1500;
const SWEEP_MS = 50;

afterAll(async () => {
  await stopAll();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

const discoveryClient = (p: TestProcess) =>
  createClient(
    DiscoveryService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${p.httpPort}`, httpVersion: "1.1" }),
  );

function startDiscovery(name: string, env: Record<string, string> = {}) {
  return startProcess({
    name,
    entry: "mesh/discovery/src/main.ts",
    env: { INSTANCE_ID: name, DISCOVERY_SWEEP_MS: String(SWEEP_MS), ...env },
  });
}

async function startDemo(instanceId: string, discovery: TestProcess) {
  return startProcess({
    name: instanceId,
    entry: "packages/demo-service/src/main.ts",
    env: {
      INSTANCE_ID: instanceId,
      DISCOVERY_URL: `http://127.0.0.1:${discovery.httpPort}`,
      DISCOVERY_TTL_MS: String(TTL_MS),
      LOG_LEVEL: "info",
    },
  });
}

/** Kills the victim with SIGKILL and returns how long List and a Watch took to drop it. */
async function killAndMeasure(victim: TestProcess, listVia: TestProcess, watchVia: TestProcess) {
  const list = discoveryClient(listVia);
  const abort = new AbortController();
  const snapshots = discoveryClient(watchVia).watch({ service: "demo" }, { signal: abort.signal });
  const iterator = snapshots[Symbol.asyncIterator]();
  const first = await iterator.next();
  expect(first.value?.instances.map((i: Instance) => i.instanceId)).toContain(victim.name);

  const killedAt = performance.now();
  victim.kill("SIGKILL");
  const watched = (async () => {
    for (let n = 0; n < 100; n++) {
      const next = await iterator.next();
      if (next.done) throw new Error("watch ended");
      if (!next.value.instances.some((i) => i.instanceId === victim.name))
        return performance.now() - killedAt;
    }
    throw new Error("no snapshot without the victim");
  })();
  await eventually(
    async () => {
      const { instances } = await list.list({ service: "demo" });
      return !instances.some((i) => i.instanceId === victim.name);
    },
    TTL_MS * 3,
    20,
  );
  const listMs = performance.now() - killedAt;
  const watchMs = await watched;
  abort.abort();
  return {
    listMs,
    watchMs,
    remaining: (await list.list({ service: "demo" })).instances.map((i) => i.instanceId),
  };
}

describe("an instance killed with SIGKILL leaves discovery within its TTL", () => {
  test(`in-memory discovery: gone from List within the TTL (${TTL_MS} ms) and from Watch within TTL + one sweep (${SWEEP_MS} ms)`, async () => {
    const discovery = await startDiscovery("discovery-mem");
    const victim = await startDemo("demo-victim", discovery);
    const survivor = await startDemo("demo-survivor", discovery);
    await victim.waitForLine((line) => line.includes("registered with discovery"));
    await survivor.waitForLine((line) => line.includes("registered with discovery"));
    const { listMs, watchMs, remaining } = await killAndMeasure(victim, discovery, discovery);
    expect(listMs).toBeLessThanOrEqual(TTL_MS + 50);
    expect(watchMs).toBeLessThanOrEqual(TTL_MS + SWEEP_MS + 50);
    expect(listMs).toBeGreaterThan(TTL_MS / 3);
    expect(remaining).toEqual(["demo-survivor"]);
  });

  test("Redis-backed discovery, two replicas: registered on one, killed, gone from a watch on the other within TTL + one sweep", async () => {
    const env = { REDIS_URL, DISCOVERY_REDIS_PREFIX: PREFIX };
    const replicaA = await startDiscovery("discovery-a", env);
    const replicaB = await startDiscovery("discovery-b", env);
    const victim = await startDemo("demo-victim-r", replicaA);
    const survivor = await startDemo("demo-survivor-r", replicaB);
    await victim.waitForLine((line) => line.includes("registered with discovery"));
    await survivor.waitForLine((line) => line.includes("registered with discovery"));
    expect(
      (await discoveryClient(replicaB).list({ service: "demo" })).instances.map((i) => i.instanceId),
    ).toEqual(["demo-survivor-r", "demo-victim-r"]);
    const { listMs, watchMs, remaining } = await killAndMeasure(victim, replicaA, replicaB);
    expect(listMs).toBeLessThanOrEqual(TTL_MS + 50);
    expect(watchMs).toBeLessThanOrEqual(TTL_MS + SWEEP_MS + 50);
    expect(remaining).toEqual(["demo-survivor-r"]);
  });
});
