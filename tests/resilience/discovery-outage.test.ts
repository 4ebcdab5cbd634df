/**
 * Discovery stopped under load: the gateway's balancer keeps routing on its
 * last snapshot, so traffic continues without a failure. Discovery restarted
 * (empty, in-memory registry): every instance registers again by itself, and
 * a new owner instance started afterwards receives traffic.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, stopAll } from "../support/process.ts";
import {
  describe as describeTally,
  failures,
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
let mesh: Mesh;
let gateway: string;
let emails: string[];

beforeAll(async () => {
  // Cache TTL 1 ms: every read crosses the balancer to an owner.
  mesh = await startMesh({ owners: 2, gateways: 1, redisUrl: REDIS_URL, gatewayEnv: { CACHE_TTL_MS: "1" } });
  gateway = httpBase(mesh.gateways[0]!);
  emails = await seedOwners(gateway, 20, `disc-${Date.now().toString(36)}`);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

test(
  "discovery killed under 2000 reads: none fails; restarted: owners and gateway register again",
  async () => {
    expect(await mesh.listInstances("owner")).toEqual(["owner-1", "owner-2"]);
    let restarted = false;
    const tally = await runLoad({
      count: 2000,
      concurrency: 8,
      request: (i) => getUrl(`${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`),
      onProgress: async (i) => {
        if (i === 300) {
          mesh.discovery.kill("SIGKILL");
          await mesh.discovery.exited;
          // Longer than the registrations' TTL (2 s): with discovery gone, nothing may expire on the clients.
          await Bun.sleep(2500);
        }
        if (i === 1200) {
          await mesh.restartDiscovery();
          restarted = true;
        }
      },
    });
    expect(restarted).toBe(true);
    expect(tally.sent).toBe(2000);
    expect(failures(tally), describeTally(tally)).toBe(0);

    // The new registry starts empty; heartbeats find it and register again.
    await eventually(async () => (await mesh.listInstances("owner")).join(",") === "owner-1,owner-2", 10_000);
    await eventually(async () => (await mesh.listInstances("gateway")).join(",") === "gateway-1", 10_000);

    // The balancer watches the new registry: an owner started now is picked.
    const third = await mesh.startOwner("owner-3");
    await eventually(async () => (await mesh.listInstances("owner")).includes("owner-3"), 10_000);
    const before = third.lines.length;
    // The gateway's balancer learns of owner-3 from its own watch, a moment after discovery lists it, and
    // cached reads never reach an owner: rounds of reads until owner-3 served one (bounded), none failing.
    const servedByThird = () => third.lines.slice(before).some((line) => line.includes("ListPets"));
    const failedRounds: string[] = [];
    await eventually(async () => {
      const spread = await runLoad({
        count: 300,
        concurrency: 4,
        request: (i) => getUrl(`${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`),
      });
      if (failures(spread) > 0) failedRounds.push(describeTally(spread));
      return servedByThird();
    }, 30_000);
    expect(failedRounds).toEqual([]);
  },
  LOAD_TEST_MS,
);
