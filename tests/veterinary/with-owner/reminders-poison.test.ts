import { afterAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { OwnerInternalService } from "@vetmesh/contracts/owner/v1/owner";
import { createKitMetrics } from "@vetmesh/kit";
import { createTestClock } from "@vetmesh/kit/testing";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

const T0 = Date.UTC(2024, 0, 1, 8, 0, 0);
const DAY = 86_400_000;
const owner = await createTestOwner();
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
  await owner.app.close();
});

/** A NotificationService that rejects some recipients the way the real one does (or is down for them). */
function notifications(reject: (recipient: string) => Code | undefined) {
  const sent: string[] = [];
  const transport = createRouterTransport(({ service }) => {
    service(NotificationService, {
      enqueueEmail(req) {
        const code = reject(req.recipient);
        if (code !== undefined) throw new ConnectError(`rejected ${req.recipient}`, code);
        sent.push(req.recipient);
        return { created: true };
      },
      listDeadLetters: () => ({}),
      retryDeadLetter: () => ({}),
      cancelPending: () => ({}),
    });
  });
  return { transport, sent };
}

async function vetApp(notify: ReturnType<typeof notifications>, reminders: Record<string, number> = {}) {
  const clock = createTestClock(T0);
  const metrics = createKitMetrics({ service: "veterinary", instance: `poison-${crypto.randomUUID()}` });
  const built = await createTestVeterinary({
    ownerTransport: owner.transport,
    notificationTransport: notify.transport,
    clock: clock.now,
    instanceId: "vet-a",
    metrics,
    reminders: { retryMs: 60_000, ...reminders },
  });
  closers.push(() => built.app.close());
  const metric = async (name: string, label: string) => {
    const lines = (await metrics.registry.metrics()).split("\n");
    const line = lines.find((l) => l.startsWith(`${name}{`) && l.includes(label));
    return line ? Number(line.split(" ").at(-1)) : 0;
  };
  return { ...built, clock, metric };
}

/** A pet of a new owner with a vaccination whose first reminder (upcoming, -14 d) is due `daysAgo` days before T0. */
async function reminderFor(vet: Awaited<ReturnType<typeof vetApp>>["vet"], email: string, daysAgo: number) {
  const petId = await registerPet(owner.owners, email, "Rex");
  await vet.recordVaccination({
    petId,
    vaccine: "Rabies",
    administeredAt: "2023-01-01",
    nextDueAt: new Date(T0 + 14 * DAY - daysAgo * DAY).toISOString(),
  });
  return petId;
}

describe("poison reminders", () => {
  test("InvalidArgument from the notification service dead-letters the reminder at once: no retry, a metric", async () => {
    const notify = notifications((to) => (to.startsWith("invalid-") ? Code.InvalidArgument : undefined));
    const { app, vet, clock, metric } = await vetApp(notify);
    const petId = await reminderFor(vet, "invalid-1@asd.com", 0);
    expect(await app.scanner!.scanOnce()).toMatchObject({ claimed: 1, sent: 0, retried: 0, dead: 1 });
    clock.advance(10 * 60_000);
    expect(await app.scanner!.scanOnce()).toMatchObject({ claimed: 0, dead: 0 });
    const pending = await app.repository.listPendingReminders(petId);
    expect(pending.map((r) => r.stage)).toEqual(["due", "overdue"]);
    expect(notify.sent).toEqual([]);
    expect(await metric("vetmesh_reminders_dead_lettered_total", 'reason="rejected"')).toBe(1);
  });

  test("a reminder that keeps failing gives up after REMINDER_MAX_ATTEMPTS into the dead state", async () => {
    const notify = notifications((to) => (to.startsWith("down-") ? Code.Unavailable : undefined));
    const { app, vet, clock, metric } = await vetApp(notify, { maxAttempts: 3 });
    await reminderFor(vet, "down-1@asd.com", 0);
    const outcomes = [];
    for (let i = 0; i < 5; i++) {
      const { retried, dead, claimed } = await app.scanner!.scanOnce();
      outcomes.push({ claimed, retried, dead });
      clock.advance(60_000);
    }
    expect(outcomes).toEqual([
      { claimed: 1, retried: 1, dead: 0 },
      { claimed: 1, retried: 1, dead: 0 },
      { claimed: 1, retried: 0, dead: 1 },
      { claimed: 0, retried: 0, dead: 0 },
      { claimed: 0, retried: 0, dead: 0 },
    ]);
    expect(await metric("vetmesh_reminders_dead_lettered_total", 'reason="max_attempts"')).toBe(1);
  });

  test("old failing reminders never starve a newer one", async () => {
    const notify = notifications((to) => (to.startsWith("flaky-") ? Code.Unavailable : undefined));
    const { app, vet, clock } = await vetApp(notify, { batchSize: 2, maxAttempts: 100 });
    for (let i = 0; i < 12; i++) await reminderFor(vet, `flaky-${i}@asd.com`, 10 - i / 10);
    // Every failing row has been tried once and is due again.
    for (let i = 0; i < 6; i++) await app.scanner!.scanOnce();
    clock.advance(60_000);
    await reminderFor(vet, "fresh@asd.com", 0);
    const result = await app.scanner!.scanOnce();
    expect(result.sent).toBe(1);
    expect(notify.sent).toEqual(["fresh@asd.com"]);
  });

  test("the claim skips rows whose lease another replica holds", async () => {
    const notify = notifications(() => undefined);
    const { app, vet } = await vetApp(notify, { batchSize: 2 });
    for (let i = 0; i < 10; i++) await reminderFor(vet, `held-${i}@asd.com`, 10 - i / 10);
    // Another replica claimed the ten oldest and is still sending them (its leases are live).
    const held = await app.repository.claimDueReminders({
      now: T0,
      owner: "vet-b",
      leaseMs: 60_000,
      limit: 10,
    });
    expect(held).toHaveLength(10);
    await reminderFor(vet, "free@asd.com", 0);
    expect(await app.scanner!.scanOnce()).toMatchObject({ claimed: 1, sent: 1 });
    expect(notify.sent).toEqual(["free@asd.com"]);
  });

  test("the scanner exports its backlog and lag: the oldest due reminder's age grows while it keeps failing", async () => {
    const notify = notifications((to) => (to.startsWith("lag-") ? Code.Unavailable : undefined));
    const { app, vet, clock, metric } = await vetApp(notify);
    await reminderFor(vet, "lag-1@asd.com", 2);
    await app.scanner!.scanOnce();
    expect(await metric("vetmesh_reminders_due_backlog", "")).toBe(1);
    expect(await metric("vetmesh_reminders_scan_lag_seconds", "")).toBe(2 * 86_400);
    clock.advance(60_000);
    await app.scanner!.scanOnce();
    expect(await metric("vetmesh_reminders_scan_lag_seconds", "")).toBe(2 * 86_400 + 60);
    expect(await metric("vetmesh_reminders_last_scan_timestamp_seconds", "")).toBe((T0 + 60_000) / 1000);
    expect(await metric("vetmesh_reminders_total", 'outcome="retried"')).toBe(2);
  });

  test("an address or pet name stored before the shared rule (CR/LF) is given up on without calling the notification service", async () => {
    const notify = notifications(() => undefined);
    const stored = { email: "old@asd.com", name: "Rex" };
    const legacyOwner = createRouterTransport(({ service }) => {
      service(OwnerInternalService, {
        getPet: (req) => ({
          pet: { id: req.petId, ownerId: "o-1", type: "Dog", race: "", name: stored.name },
          owner: { id: "o-1", email: stored.email },
        }),
        getOwner: () => ({}),
      });
    });
    const clock = createTestClock(T0);
    const { app, vet } = await createTestVeterinary({
      ownerTransport: legacyOwner,
      notificationTransport: notify.transport,
      clock: clock.now,
      instanceId: "vet-a",
    });
    closers.push(() => app.close());
    for (const [email, name] of [
      ["bad\r\nbcc@asd.com", "Rex"],
      ["old@asd.com", "Rex\r\nBcc: x@evil.test"],
    ] as const) {
      stored.email = email;
      stored.name = name;
      await vet.recordVaccination({
        petId: crypto.randomUUID(),
        vaccine: "Rabies",
        administeredAt: "2023-01-01",
        nextDueAt: new Date(T0 + 14 * DAY).toISOString(),
      });
      expect(await app.scanner!.scanOnce()).toMatchObject({ claimed: 1, dead: 1, sent: 0 });
    }
    expect(notify.sent).toEqual([]);
  });
});
