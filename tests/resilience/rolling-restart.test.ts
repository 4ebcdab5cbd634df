/**
 * A rolling restart under load: the replacement starts first, then the old
 * process gets SIGTERM and drains (deregisters, finishes in-flight calls,
 * closes). First a gateway (the client's rotation, like a Kubernetes Service,
 * drops it as it is signalled), then an owner instance (the balancer learns it
 * from discovery and from the GOAWAY). Reads and writes: zero failures.
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
  postJson,
  runLoad,
  SETUP_MS,
  seedOwners,
  startMesh,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let mesh: Mesh;
let emails: string[];

beforeAll(async () => {
  mesh = await startMesh({ owners: 2, gateways: 2, redisUrl: REDIS_URL, gatewayEnv: { CACHE_TTL_MS: "1" } });
  emails = await seedOwners(httpBase(mesh.gateways[0]!), 20, `roll-${Date.now().toString(36)}`);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

test(
  "SIGTERM of a gateway and of an owner, replacements started first, under 2400 requests: zero failures",
  async () => {
    const rotation = mesh.gateways.map(httpBase);
    const tag = `roll-w-${Date.now().toString(36)}`;
    const exits: number[] = [];
    const tally = await runLoad({
      count: 2400,
      concurrency: 8,
      request: (i) => {
        const gateway = rotation[i % rotation.length]!;
        // One request in six is a write (a new owner), the rest reads.
        if (i % 6 === 0)
          return postJson(`${gateway}/api/owner/register`, { email: `${tag}-${i}@resilience.test` });
        return getUrl(`${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`);
      },
      onProgress: async (i) => {
        if (i === 400) {
          const old = mesh.gateways[0]!;
          const replacement = await mesh.startGateway("gateway-3");
          rotation.push(httpBase(replacement));
          rotation.splice(rotation.indexOf(httpBase(old)), 1);
          old.kill("SIGTERM");
          exits.push(await old.exited);
        }
        if (i === 1200) {
          const old = mesh.owners[0]!;
          await mesh.startOwner("owner-3");
          await eventually(async () => (await mesh.listInstances("owner")).includes("owner-3"), 10_000);
          old.kill("SIGTERM");
          exits.push(await old.exited);
        }
      },
    });
    expect(exits).toEqual([0, 0]);
    expect(tally.sent).toBe(2400);
    expect(failures(tally), describeTally(tally)).toBe(0);
    expect(await mesh.listInstances("owner")).toEqual(["owner-2", "owner-3"]);
  },
  LOAD_TEST_MS,
);
