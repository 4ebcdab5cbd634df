/**
 * SIGKILL one of two owner instances under a bounded read load through the
 * gateway: the balancer retries the idempotent ListPets on the survivor and
 * ejects the dead instance, so at most 0.1% of requests fail. Writes repeated
 * after a failure (a client retrying the same registration) leave no
 * duplicate rows.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { stopAll } from "../support/process.ts";
import {
  describe as describeTally,
  failures,
  getUrl,
  httpBase,
  type Mesh,
  postJson,
  runLoad,
  seedOwners,
  startMesh,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let mesh: Mesh;
let gateway: string;
let emails: string[];

beforeAll(async () => {
  // Cache TTL 1 ms: every read reaches an owner instance, so the kill is felt. The gateway's breakers
  // keep their defaults: the few writes that fail with the killed instance must not open the owner breaker.
  mesh = await startMesh({
    owners: 2,
    gateways: 1,
    redisUrl: REDIS_URL,
    gatewayEnv: { CACHE_TTL_MS: "1" },
  });
  gateway = httpBase(mesh.gateways[0]!);
  emails = await seedOwners(gateway, 40, `kill-${Date.now().toString(36)}`);
}, 30_000);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

test("SIGKILL of one of two owners under 3000 reads through the gateway fails at most 0.1%", async () => {
  const victim = mesh.owners[0]!;
  const tally = await runLoad({
    count: 3000,
    concurrency: 16,
    timeoutMs: 25_000,
    request: (i) => getUrl(`${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`),
    onProgress: (i) => {
      if (i === 600) victim.kill("SIGKILL");
    },
  });
  expect(await victim.exited).not.toBe(0);
  expect(tally.sent).toBe(3000);
  expect(failures(tally), describeTally(tally)).toBeLessThanOrEqual(3);
}, 30_000);

test("registrations repeated after a failure leave exactly one row per owner", async () => {
  // The survivor is the only owner now; start a second one and kill it mid-load.
  const fresh = await mesh.startOwner("owner-3");
  await Bun.sleep(500); // let the gateway's balancer see it
  const tag = `dup-${Date.now().toString(36)}`;
  const emailsToWrite = Array.from({ length: 200 }, (_, i) => `${tag}-${i}@resilience.test`);
  const firstAnswers: number[] = [];
  const finalAnswers: number[] = [];
  let repeated = 0;
  await runLoad({
    count: emailsToWrite.length,
    concurrency: 8,
    timeoutMs: 25_000,
    request: async (i) => {
      const email = emailsToWrite[i]!;
      // A client that sees a failure sends the very same request again, until it gets an answer.
      for (let attempt = 0; attempt < 40; attempt++) {
        const answer = await postJson(`${gateway}/api/owner/register`, { email }).catch(() => undefined);
        const status = answer?.status ?? 0;
        if (attempt === 0) firstAnswers[i] = status;
        else repeated++;
        if (status === 201 || status === 409) {
          finalAnswers[i] = status;
          return answer!;
        }
        await Bun.sleep(100);
      }
      finalAnswers[i] = 0;
      return new Response("{}", { status: 599 });
    },
    onProgress: (i) => {
      if (i === 60) fresh.kill("SIGKILL");
    },
  });
  expect(repeated).toBeGreaterThan(0); // the kill did make some clients repeat
  for (const email of emailsToWrite) {
    expect(mesh.count("SELECT COUNT(*) AS n FROM owners WHERE email = ?", email)).toBe(1);
  }
  expect(finalAnswers.filter((status) => status !== 201 && status !== 409)).toEqual([]);
  // Nobody retried a write behind the client's back: no first attempt found its own row already there.
  expect(firstAnswers.filter((status) => status === 409)).toEqual([]);
}, 30_000);
