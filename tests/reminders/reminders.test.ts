/**
 * Issue 7 acceptance over real processes: discovery, an owner service, two
 * veterinary processes (one SQLite file, reminder scanners on), two
 * notification processes (one outbox, real SMTP), and an SMTP server in the
 * test capturing what is delivered. The veterinary clock is moved through the
 * reminder stages with CLOCK_OFFSET_FILE instead of waiting weeks.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { messageIdFor } from "../../packages/notification-service/src/domain/outbox.ts";
import {
  type CapturedMail,
  type SmtpCapture,
  startSmtpCapture,
} from "../../packages/notification-service/src/testing/smtp-capture.ts";
import { eventually, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const DAY = 86_400_000;
const CLINIC = "Happy Paws Clinic";
const run = Math.random().toString(36).slice(2, 8);
const dir = mkdtempSync(join(tmpdir(), "vetmesh-reminders-"));
const clockFile = join(dir, "clock-offset");

let smtp: SmtpCapture;
const vets: TestProcess[] = [];
const notifications: TestProcess[] = [];
let owners: Client<typeof OwnerService>;
let veterinary: Client<typeof VeterinaryService>[];

const grpc = (process: TestProcess) =>
  createGrpcTransport({ baseUrl: `http://127.0.0.1:${process.grpcPort}` });
const moveClock = (offsetMs: number) => writeFileSync(clockFile, String(offsetMs));
const mailTo = (email: string): CapturedMail[] => smtp.messages.filter((m) => m.envelopeTo.includes(email));
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  moveClock(0);
  smtp = await startSmtpCapture();
  const discovery = await startProcess({
    name: "discovery",
    entry: "mesh/discovery/src/main.ts",
    env: { INSTANCE_ID: "discovery-reminders", DISCOVERY_SWEEP_MS: "50" },
  });
  const DISCOVERY_URL = `http://127.0.0.1:${discovery.httpPort}`;
  const common = { DISCOVERY_URL, DISCOVERY_TTL_MS: "2000" };
  const owner = await startProcess({
    name: "owner",
    entry: "packages/owner-service/src/main.ts",
    env: { ...common, INSTANCE_ID: "owner-reminders", DATABASE_URL: `sqlite:${join(dir, "owner.db")}` },
  });
  const startVet = (id: string) =>
    startProcess({
      name: id,
      entry: "packages/veterinary-service/src/main.ts",
      env: {
        ...common,
        INSTANCE_ID: id,
        DATABASE_URL: `sqlite:${join(dir, "veterinary.db")}`,
        CLOCK_OFFSET_FILE: clockFile,
        REMINDER_SCAN_INTERVAL_MS: "100",
        REMINDER_LEASE_MS: "2000",
        REMINDER_RETRY_MS: "200",
        REMINDER_BATCH_SIZE: "2", // small claims, so both replicas take part
        CLINIC_NAME: CLINIC,
      },
    });
  const startNotification = (id: string) =>
    startProcess({
      name: id,
      entry: "packages/notification-service/src/main.ts",
      env: {
        ...common,
        INSTANCE_ID: id,
        DATABASE_URL: `sqlite:${join(dir, "notification.db")}`,
        SMTP_URL: smtp.url,
        MAIL_FROM: "Happy Paws <reminders@vetmesh.test>",
        NOTIFY_POLL_MS: "50",
        NOTIFY_BACKOFF_BASE_MS: "50",
        NOTIFY_BACKOFF_CAP_MS: "200",
      },
    });
  // Notification first, so the scanners find it when the first reminder falls due.
  notifications.push(
    ...(await Promise.all([startNotification("notification-r1"), startNotification("notification-r2")])),
  );
  vets.push(...(await Promise.all([startVet("veterinary-r1"), startVet("veterinary-r2")])));
  owners = createClient(OwnerService, grpc(owner));
  veterinary = vets.map((vet) => createClient(VeterinaryService, grpc(vet)));
}, 60_000);

afterAll(async () => {
  await stopAll();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An owner with one pet and a rabies vaccination due in 14 days (recorded through veterinary #n). */
async function petWithVaccinationDueIn14Days(label: string, n = 0) {
  const email = `${label}-${run}@example.com`;
  await owners.registerOwner({ email });
  const { pet } = await owners.registerPet({
    ownerRef: email,
    type: "Dog",
    race: "Beagle",
    name: `Rex ${label}`,
  });
  const now = Date.now();
  const dueAt = now + 14 * DAY - 60_000;
  // The veterinary process may not have discovered the owner service yet: retry briefly.
  const recorded = await eventually(
    () =>
      veterinary[n % veterinary.length]!.recordVaccination({
        petId: pet!.id,
        vaccine: "rabies",
        administeredAt: new Date(now - 351 * DAY).toISOString(),
        nextDueAt: new Date(dueAt).toISOString(),
      }),
    10_000,
    100,
  );
  return { email, pet: pet!, vaccination: recorded.vaccination!, dueAt };
}

/** Waits until `email` has `count` messages, then a little longer to see that no more arrive. */
async function expectExactly(email: string, count: number): Promise<CapturedMail[]> {
  await eventually(() => mailTo(email).length >= count, 15_000, 50);
  await Bun.sleep(800); // eight scan intervals, sixteen dispatcher polls
  const received = mailTo(email);
  expect(received).toHaveLength(count);
  return received;
}

describe("vaccination reminders across processes", () => {
  let single: Awaited<ReturnType<typeof petWithVaccinationDueIn14Days>>;
  let stages: Awaited<ReturnType<typeof petWithVaccinationDueIn14Days>>;
  let superseded: Awaited<ReturnType<typeof petWithVaccinationDueIn14Days>>;
  const bulk: Array<Awaited<ReturnType<typeof petWithVaccinationDueIn14Days>>> = [];

  test("a vaccination due in 14 days produces exactly one email to the owner with the right pet and vaccine", async () => {
    single = await petWithVaccinationDueIn14Days("single");
    const [mail] = await expectExactly(single.email, 1);
    expect(mail!.envelopeTo).toEqual([single.email]);
    expect(mail!.subject).toBe(`${CLINIC}: Rex single's rabies vaccination is due on ${day(single.dueAt)}`);
    expect(mail!.raw).toContain(`Rex single's rabies vaccination is due on ${day(single.dueAt)}.`);
    expect(mail!.messageId).toBe(
      messageIdFor(`vaccination:${single.vaccination.id}:upcoming`, "vetmesh.test"),
    );
  }, 30_000);

  test("recording a newer vaccination of the same vaccine stops the remaining reminders", async () => {
    superseded = await petWithVaccinationDueIn14Days("superseded", 1);
    await expectExactly(superseded.email, 1);
    await veterinary[0]!.recordVaccination({
      petId: superseded.pet.id,
      vaccine: "rabies",
      administeredAt: new Date().toISOString(),
    });
    // Checked again after the clock has moved through every stage (next test).
  }, 30_000);

  test("two veterinary and two notification processes: each reminder is delivered exactly once", async () => {
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) => petWithVaccinationDueIn14Days(`bulk${i}`, i)),
    );
    bulk.push(...created);
    await eventually(() => bulk.every((b) => mailTo(b.email).length >= 1), 20_000, 50);
    await Bun.sleep(800);
    expect(bulk.map((b) => mailTo(b.email).length)).toEqual(bulk.map(() => 1));
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);

  test("moving the clock through all stages gives exactly three emails per vaccination; the superseded one stays at one", async () => {
    stages = await petWithVaccinationDueIn14Days("stages");
    await expectExactly(stages.email, 1);
    moveClock(14 * DAY);
    await expectExactly(stages.email, 2);
    moveClock(21 * DAY);
    const mails = await expectExactly(stages.email, 3);
    const due = day(stages.dueAt);
    expect(mails.map((m) => m.subject)).toEqual([
      `${CLINIC}: Rex stages's rabies vaccination is due on ${due}`,
      `${CLINIC}: Rex stages's rabies vaccination is due today (${due})`,
      `${CLINIC}: Rex stages's rabies vaccination is overdue (it was due on ${due})`,
    ]);
    expect(mails.map((m) => m.messageId)).toEqual(
      ["upcoming", "due", "overdue"].map((stage) =>
        messageIdFor(`vaccination:${stages.vaccination.id}:${stage}`, "vetmesh.test"),
      ),
    );
    // Every other vaccination went through the same stages exactly once; the superseded one did not.
    await expectExactly(single.email, 3);
    for (const b of bulk) expect(mailTo(b.email)).toHaveLength(3);
    expect(mailTo(superseded.email)).toHaveLength(1);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(ids).toHaveLength(3 * (bulk.length + 2) + 1);
    expect(new Set(ids).size).toBe(ids.length);
    // Both replicas of each service did part of the work (so "exactly once" was really contested).
    const count = (process: TestProcess, msg: string) =>
      process.lines.filter((line) => line.includes(`"msg":"${msg}"`)).length;
    const enqueuedBy = vets.map((vet) => count(vet, "reminder enqueued"));
    const sentBy = notifications.map((n) => count(n, "message sent"));
    expect(enqueuedBy.every((n) => n > 0)).toBe(true);
    expect(sentBy.every((n) => n > 0)).toBe(true);
    expect(enqueuedBy.reduce((a, b) => a + b)).toBe(ids.length);
    expect(sentBy.reduce((a, b) => a + b)).toBe(ids.length);
  }, 60_000);
});

describe("appointment reminders across processes", () => {
  test("an appointment's owner gets one email 24 h before it, through the outbox and real SMTP; a cancelled one none", async () => {
    const HOUR = 3_600_000;
    const offset = Number(readFileSync(clockFile, "utf8"));
    const email = `appointment-${run}@example.com`;
    await owners.registerOwner({ email });
    const pets = [];
    for (const name of ["Kept", "Cancelled"]) {
      const { pet } = await owners.registerPet({ ownerRef: email, type: "Cat", race: "Any", name });
      pets.push(pet!.id);
    }
    const startsAt = new Date(Date.now() + offset + 25 * HOUR).toISOString();
    const [kept, cancelled] = await Promise.all(
      pets.map((petId, i) =>
        eventually(
          () => veterinary[i % 2]!.makeAppointment({ petId, startsAt, type: "vaccination" }),
          10_000,
          100,
        ),
      ),
    );
    await veterinary[0]!.cancelAppointment({ appointmentId: cancelled!.appointment!.id });
    await Bun.sleep(500); // five scan intervals: nothing is due yet
    expect(mailTo(email)).toEqual([]);
    moveClock(offset + HOUR + 60_000);
    const [mail] = await expectExactly(email, 1);
    expect(mail!.subject).toStartWith(`${CLINIC}: Kept's vaccination appointment is on `);
    expect(mail!.messageId).toBe(messageIdFor(`appointment:${kept!.appointment!.id}:24h`, "vetmesh.test"));
  }, 60_000);
});
