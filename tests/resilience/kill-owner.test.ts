/**
 * SIGKILL one of two owner instances under a bounded read load through the
 * gateway from several clients, each its own rate-limit bucket (distinct
 * X-Forwarded-For behind a trusted proxy): the balancer retries the idempotent
 * ListPets on the survivor and ejects the dead instance, so at most 0.1% of
 * reads fail; 429s are counted apart from 5xx. Writes repeated
 * after a failure (a client retrying the same registration, or the same
 * register-pet under its Idempotency-Key) leave no duplicate rows.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { stopAll } from "../support/process.ts";
import {
  describe as describeTally,
  failures,
  httpBase,
  LOAD_TEST_MS,
  type Mesh,
  postJson,
  postWithKey,
  rateLimited,
  runLoad,
  SETUP_MS,
  seedOwners,
  serverErrors,
  startMesh,
  untilAnswered,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let mesh: Mesh;
let gateway: string;
let emails: string[];

beforeAll(async () => {
  // Cache TTL 1 ms: every read reaches an owner instance, so the kill is felt. The gateway's breakers
  // keep their defaults: the few writes that fail with the killed instance must not open the owner breaker.
  // Reads keep the default limit (300/60 per client); the test runner is the trusted proxy.
  mesh = await startMesh({
    owners: 2,
    gateways: 1,
    redisUrl: REDIS_URL,
    gatewayEnv: { CACHE_TTL_MS: "1", RATE_LIMIT_READ: "300/60", TRUSTED_PROXIES: "127.0.0.1,::1" },
  });
  gateway = httpBase(mesh.gateways[0]!);
  emails = await seedOwners(gateway, 40, `kill-${Date.now().toString(36)}`);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

/** Reads a client sends under the limit, how many such clients, and a greedy one's reads (over 300/60). */
const READS_PER_CLIENT = 250;
const CLIENTS = 12;
const GREEDY_READS = 400;

test(
  "SIGKILL of one of two owners under 3000 reads from 12 clients (distinct IPs): at most 0.1% fail; 429s apart",
  async () => {
    const victim = mesh.owners[0]!;
    let sent = 0;
    const read = (ip: string) => (i: number) =>
      fetch(`${gateway}/api/owner/${encodeURIComponent(emails[i % emails.length]!)}/pets`, {
        headers: { "X-Forwarded-For": ip },
        signal: AbortSignal.timeout(5000),
      });
    const client = (ip: string, count: number) =>
      runLoad({
        count,
        concurrency: 2,
        request: read(ip),
        onProgress: () => {
          if (++sent === 600) victim.kill("SIGKILL");
        },
      });
    const [greedy, ...polite] = await Promise.all([
      client("10.0.0.99", GREEDY_READS),
      ...Array.from({ length: CLIENTS }, (_, n) => client(`10.0.1.${n + 1}`, READS_PER_CLIENT)),
    ]);
    expect(await victim.exited).not.toBe(0);
    const report = polite.map((tally, n) => `client ${n + 1}: ${describeTally(tally)}`).join("\n");
    expect(polite.map((tally) => tally.sent)).toEqual(Array(CLIENTS).fill(READS_PER_CLIENT));
    // Clients under their limit are never limited, whatever the greedy one does.
    expect(polite.map(rateLimited), report).toEqual(Array(CLIENTS).fill(0));
    // Failed reads: 5xx and no answer at all, at most 0.1% of the 3000.
    const failed = polite.reduce((sum, tally) => sum + serverErrors(tally) + tally.transportErrors, 0);
    expect(failed, report).toBeLessThanOrEqual((CLIENTS * READS_PER_CLIENT) / 1000);
    expect(
      polite.reduce((sum, tally) => sum + failures(tally), 0),
      report,
    ).toBe(failed);
    // The greedy client is limited, and only that: its other answers are the same 2xx (or the same rare 5xx).
    expect(rateLimited(greedy), describeTally(greedy)).toBeGreaterThan(0);
    expect(failures(greedy) - rateLimited(greedy), describeTally(greedy)).toBeLessThanOrEqual(1);
    console.info(
      `kill-owner reads: ${CLIENTS * READS_PER_CLIENT} polite, failed ${failed}; greedy 429 ${rateLimited(greedy)} of ${greedy.sent}`,
    );
  },
  LOAD_TEST_MS,
);

const PETS_PER_OWNER = ["Rex", "Tom"] as const;

test(
  "writes repeated after a failure produce no duplicate rows (registrations, register-pet with a key)",
  async () => {
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
      const ownerPets =
        "SELECT COUNT(*) AS n FROM pets p JOIN owners o ON o.id = p.owner_id WHERE o.email = ?";
      expect(mesh.count(ownerPets, email)).toBe(PETS_PER_OWNER.length);
      for (const [n, name] of PETS_PER_OWNER.entries()) {
        const petId = petIds[i]?.[n] ?? "";
        expect(mesh.count("SELECT COUNT(*) AS n FROM pets WHERE id = ? AND name = ?", petId, name)).toBe(1);
        expect(
          mesh.count("SELECT COUNT(*) AS n FROM pets WHERE request_id = ?", `${tag}-${i}-pet-${n}`),
        ).toBe(1);
      }
    }
  },
  LOAD_TEST_MS,
);
