/**
 * SIGKILL one of two veterinary instances (one SQLite file) while clients make
 * appointments through the gateway, each with its own Idempotency-Key and
 * repeating the very same request after a failure: every appointment is
 * booked exactly once, and every final answer names the stored one.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventually, stopAll } from "../support/process.ts";
import {
  getUrl,
  httpBase,
  LOAD_TEST_MS,
  type Mesh,
  postWithKey,
  runLoad,
  SETUP_MS,
  seedOwners,
  startMesh,
  untilAnswered,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const PETS = 25;
const APPOINTMENTS_PER_PET = 8;
let mesh: Mesh;
let gateway: string;
let petIds: string[];

beforeAll(async () => {
  mesh = await startMesh({ owners: 1, gateways: 1, veterinaries: 2, redisUrl: REDIS_URL });
  gateway = httpBase(mesh.gateways[0]!);
  const emails = await seedOwners(gateway, PETS, `killvet-${Date.now().toString(36)}`);
  petIds = [];
  for (const email of emails) {
    const listed = await getUrl(`${gateway}/api/owner/${encodeURIComponent(email)}/pets`);
    const { pets } = (await listed.json()) as { pets: Array<{ Id: string }> };
    petIds.push(pets[0]!.Id);
  }
  // Both instances are in the gateway's snapshot before the load starts.
  await eventually(async () => (await mesh.listInstances("veterinary")).length === 2, 10_000);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

test(
  "SIGKILL of one of two veterinary instances during 200 make-appointments with Idempotency-Key: 0 duplicates",
  async () => {
    const victim = mesh.veterinaries[0]!;
    const tag = `appt-${Date.now().toString(36)}`;
    const key = (i: number) => `${tag}-${i}`;
    // Appointment i: pet i % PETS, in its own hour (no two of a pet overlap).
    const body = (i: number) => ({
      petId: petIds[i % PETS]!,
      dateTime: new Date(Date.UTC(2031, 0, 1, 8) + Math.floor(i / PETS) * 3_600_000).toISOString(),
    });
    const count = PETS * APPOINTMENTS_PER_PET;
    const answered: string[] = [];
    const finals: number[] = [];
    let repeats = 0;
    const tally = await runLoad({
      count,
      concurrency: 8,
      request: async (i) => {
        const made = await untilAnswered(
          () => postWithKey(`${gateway}/api/veterinary/make-appointment`, body(i), key(i)),
          [201, 409],
        );
        finals[i] = made.last;
        repeats += made.repeats;
        if (!made.response) return new Response("{}", { status: 599 });
        if (made.last === 201)
          answered[i] = ((await made.response.json()) as { appointmentId: string }).appointmentId;
        return new Response("{}", { status: made.last });
      },
      onProgress: (i) => {
        if (i === 60) victim.kill("SIGKILL");
      },
    });
    expect(await victim.exited).not.toBe(0);
    expect(tally.sent).toBe(count);
    // No request ended on a 409: a repeat with its key is answered the first booking, never an overlap with itself.
    expect(
      finals.filter((status) => status !== 201),
      `repeats ${repeats}`,
    ).toEqual([]);
    const stored = (sql: string, ...params: string[]) => mesh.countVeterinary(sql, ...params);
    for (let i = 0; i < count; i++) {
      expect(stored("SELECT COUNT(*) FROM appointments WHERE request_id = ?", key(i))).toBe(1);
      expect(
        stored(
          "SELECT COUNT(*) FROM appointments WHERE id = ? AND request_id = ?",
          answered[i] ?? "",
          key(i),
        ),
      ).toBe(1);
    }
    for (const petId of petIds) {
      expect(stored("SELECT COUNT(*) FROM appointments WHERE pet_id = ?", petId)).toBe(APPOINTMENTS_PER_PET);
    }
    console.info(`kill-veterinary: ${count} appointments, ${repeats} client repeats, 0 duplicates`);
  },
  LOAD_TEST_MS,
);
