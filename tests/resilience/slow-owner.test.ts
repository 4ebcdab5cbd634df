/**
 * A slow owner: its only instance sits behind a delay proxy (discovery lists
 * the proxy, ADVERTISE_GRPC_PORT). When every byte to and from it waits far
 * longer than the gateway's deadline, reads answer 408 (the deadline fired),
 * the breaker opens after its minimum of calls and the rest answer 503
 * circuit open without reaching the owner: calls do not pile up on it. With
 * the delay gone, the half-open probe closes the breaker and reads are 200.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { freePort } from "@vetmesh/kit/testing";
import { type DelayProxy, startDelayProxy } from "../support/delay-proxy.ts";
import { eventually, scrapeMetrics, stopAll, type TestProcess } from "../support/process.ts";
import {
  getUrl,
  httpBase,
  LOAD_TEST_MS,
  type Mesh,
  runLoad,
  SETUP_MS,
  seedOwners,
  startMesh,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** The gateway's deadline for owner reads, and the proxy's delay: ten times longer each way. */
const DEADLINE_MS = 300;
const SLOW_MS = 3000;
const COOLDOWN_MS = 2000;
const CONCURRENCY = 8;
/** The gateway's default BREAKER_MIN_CALLS (its failure ratio 0.5 is met by failures alone). */
const MIN_CALLS = 5;
const READS = 200;
let mesh: Mesh;
let proxy: DelayProxy;
let owner: TestProcess;
let gateway: string;
let emails: string[];

beforeAll(async () => {
  const ownerGrpc = await freePort();
  proxy = await startDelayProxy(ownerGrpc);
  mesh = await startMesh({ owners: 0, gateways: 0, redisUrl: REDIS_URL });
  owner = await mesh.startOwner("owner-slow", {
    GRPC_PORT: String(ownerGrpc),
    ADVERTISE_GRPC_PORT: String(proxy.port),
  });
  const started = await mesh.startGateway("gateway-1", {
    CACHE_TTL_MS: "1",
    TIMEOUT_DEFAULT_MS: String(DEADLINE_MS),
    BREAKER_COOLDOWN_MS: String(COOLDOWN_MS),
  });
  gateway = httpBase(started);
  // Seeded through another gateway, so the tested gateway's breaker window holds no earlier successes.
  const seeder = await mesh.startGateway("gateway-seed");
  emails = await seedOwners(httpBase(seeder), 5, `slow-${Date.now().toString(36)}`);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  await proxy?.close();
  mesh?.cleanup();
});

/** ListPets calls the owner instance has answered, from its own /metrics (on its admin port). */
async function ownerListPets(): Promise<number> {
  const text = await scrapeMetrics(owner);
  let total = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("vetmesh_rpc_server_total{") && line.includes('method="ListPets"')) {
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return total;
}

const pets = (i: number) => `${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`;

test(
  "an owner slower than the deadline: 408s, then the breaker opens (503) and calls stop reaching it; fast again: 200",
  async () => {
    // One success in the breaker's window: MIN_CALLS failures then open it.
    expect((await getUrl(pets(0))).status).toBe(200);
    expect(proxy.accepted).toBeGreaterThan(0); // the gateway does reach the owner through the proxy
    const before = await ownerListPets();
    proxy.setDelay(SLOW_MS);
    const answers = new Map<string, number>();
    const startedAt = Date.now();
    const tally = await runLoad({
      count: READS,
      concurrency: CONCURRENCY,
      request: async (i) => {
        const response = await getUrl(pets(i));
        const text = await response.text();
        const key = `${response.status} ${(JSON.parse(text) as { error?: string }).error ?? ""}`;
        answers.set(key, (answers.get(key) ?? 0) + 1);
        return new Response(text, { status: response.status });
      },
    });
    const elapsed = Date.now() - startedAt;
    const report = JSON.stringify([...answers]);
    expect(tally.sent).toBe(READS);
    expect(tally.transportErrors, report).toBe(0);
    const timedOut = answers.get("408 Request timed out") ?? 0;
    const open = answers.get("503 Service unavailable: circuit open") ?? 0;
    // Every read got an answer of the two kinds: the deadline, or the open breaker.
    expect(timedOut + open, report).toBe(READS);
    expect(timedOut, report).toBeGreaterThan(0);
    // Calls let through: MIN_CALLS failures open the breaker, each other client may have had one more
    // in flight then, and one half-open probe per cooldown that passed. The others were refused uncalled.
    const probes = Math.ceil(elapsed / COOLDOWN_MS) + 1;
    expect(timedOut, report).toBeLessThanOrEqual(MIN_CALLS + CONCURRENCY - 1 + probes);
    // The owner saw no more calls than the gateway let through (counted once the proxy delivered all).
    await eventually(() => proxy.pending === 0, 20_000);
    const reached = (await ownerListPets()) - before;
    expect(reached, report).toBeLessThanOrEqual(timedOut);
    proxy.setDelay(0);
    // Fast again: after a cooldown the probe succeeds and the breaker closes.
    await eventually(async () => (await getUrl(pets(0))).status === 200, 30_000, 200);
    for (let i = 0; i < 5; i++) expect((await getUrl(pets(i))).status).toBe(200);
    console.info(`slow owner: ${report}; owner reached ${reached} times; ${elapsed} ms`);
  },
  LOAD_TEST_MS,
);
