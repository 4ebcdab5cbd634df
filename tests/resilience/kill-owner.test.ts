/**
 * SIGKILL one of two owner instances under a bounded read load through the
 * gateway: the balancer retries the idempotent ListPets on the survivor and
 * ejects the dead instance, so at most 0.1% of requests fail. Writes repeated
 * after a failure (a client retrying the same registration, or the same
 * register-pet under its Idempotency-Key) leave no duplicate rows.
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

/** POSTs JSON with an Idempotency-Key, bounded in time (register-pet's client-side retry key). */
function postWithKey(url: string, body: unknown, key: string, timeoutMs = 5000): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * Sends `send()` until it gets one of the `final` statuses (a client that
 * sees a failure sends the very same request again), at most 40 times.
 */
async function untilAnswered(
  send: () => Promise<Response>,
  final: readonly number[],
): Promise<{ first: number; last: number; repeats: number; response?: Response }> {
  let first = 0;
  let last = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const answer = await send().catch(() => undefined);
    last = answer?.status ?? 0;
    if (attempt === 0) first = last;
    if (answer && final.includes(last)) return { first, last, repeats: attempt, response: answer };
    await Bun.sleep(100);
  }
  return { first, last: 0, repeats: 39 };
}

const PETS_PER_OWNER = ["Rex", "Tom"] as const;

test("writes repeated after a failure produce no duplicate rows (registrations, register-pet with a key)", async () => {
  // The survivor is the only owner now; start a second one and kill it mid-load.
  const fresh = await mesh.startOwner("owner-3");
  await Bun.sleep(500); // let the gateway's balancer see it
  const tag = `dup-${Date.now().toString(36)}`;
  const emailsToWrite = Array.from({ length: 200 }, (_, i) => `${tag}-${i}@resilience.test`);
  const firstAnswers: number[] = [];
  const finalAnswers: number[] = [];
  let repeated = 0;
  // Per owner, the petId each register-pet finally answered, in PETS_PER_OWNER order.
  const petIds: string[][] = [];
  const petFinalAnswers: number[] = [];
  let petRepeated = 0;
  await runLoad({
    count: emailsToWrite.length,
    concurrency: 8,
    timeoutMs: 25_000,
    request: async (i) => {
      const email = emailsToWrite[i]!;
      const owner = await untilAnswered(
        () => postJson(`${gateway}/api/owner/register`, { email }),
        [201, 409],
      );
      firstAnswers[i] = owner.first;
      finalAnswers[i] = owner.last;
      repeated += owner.repeats;
      if (!owner.response) return new Response("{}", { status: 599 });
      petIds[i] = [];
      for (const [n, name] of PETS_PER_OWNER.entries()) {
        // One key per logical write; every repeat of that write sends the same key.
        const key = `${tag}-${i}-pet-${n}`;
        const body = { email, type: "Dog", race: "Pug", name };
        const pet = await untilAnswered(
          () => postWithKey(`${gateway}/api/owner/register-pet`, body, key),
          [201],
        );
        petFinalAnswers.push(pet.last);
        petRepeated += pet.repeats;
        if (!pet.response) return new Response("{}", { status: 599 });
        petIds[i]!.push(((await pet.response.json()) as { petId: string }).petId);
      }
      return new Response("{}", { status: 201 });
    },
    onProgress: (i) => {
      if (i === 60) fresh.kill("SIGKILL");
    },
  });
  // The kill did make some clients repeat (seen: 5-7 registrations and 1-2 register-pets per run).
  expect(
    repeated + petRepeated,
    `repeats: register ${repeated}, register-pet ${petRepeated}`,
  ).toBeGreaterThan(0);
  for (const email of emailsToWrite) {
    expect(mesh.count("SELECT COUNT(*) AS n FROM owners WHERE email = ?", email)).toBe(1);
  }
  expect(finalAnswers.filter((status) => status !== 201 && status !== 409)).toEqual([]);
  // Nobody retried a write behind the client's back: no first attempt found its own row already there.
  expect(firstAnswers.filter((status) => status === 409)).toEqual([]);
  // Every owner has exactly its pets, once each, and they are the ones the final answers named.
  expect(petFinalAnswers.filter((status) => status !== 201)).toEqual([]);
  for (const [i, email] of emailsToWrite.entries()) {
    const ownerPets = "SELECT COUNT(*) AS n FROM pets p JOIN owners o ON o.id = p.owner_id WHERE o.email = ?";
    expect(mesh.count(ownerPets, email)).toBe(PETS_PER_OWNER.length);
    for (const [n, name] of PETS_PER_OWNER.entries()) {
      const petId = petIds[i]?.[n] ?? "";
      expect(mesh.count("SELECT COUNT(*) AS n FROM pets WHERE id = ? AND name = ?", petId, name)).toBe(1);
      expect(mesh.count("SELECT COUNT(*) AS n FROM pets WHERE request_id = ?", `${tag}-${i}-pet-${n}`)).toBe(
        1,
      );
    }
  }
}, 45_000);
