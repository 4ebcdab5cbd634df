import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { ReminderStage } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createReminderSuite, registerPet } from "./harness.ts";

const T0 = Date.UTC(2024, 0, 1, 8, 0, 0);

const suite = await createReminderSuite(T0, {}, "vet-reminders-");
const { owner, dir } = suite;

describe("reminder scanner", () => {
  test("a vaccination due in 14 days gives exactly one email to the owner, with pet, vaccine, due date, clinic", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "fourteen@asd.com", "Rex");
    const { vaccination } = await vet.recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: "2023-01-15",
      nextDueAt: "2024-01-15T08:00:00Z",
    });
    expect(await app.scanner!.scanOnce()).toEqual({
      claimed: 1,
      sent: 1,
      retried: 0,
      cancelled: 0,
      lost: 0,
      dead: 0,
    });
    expect(await app.scanner!.scanOnce()).toEqual({
      claimed: 0,
      sent: 0,
      retried: 0,
      cancelled: 0,
      lost: 0,
      dead: 0,
    });
    expect(suite.notifications.calls).toHaveLength(1);
    const [email] = suite.notifications.calls;
    expect(email).toMatchObject({
      idempotencyKey: `vaccination:${vaccination!.id}:upcoming`,
      recipient: "fourteen@asd.com",
      subject: "Happy Paws: Rex's Rabies vaccination is due on 2024-01-15",
      text: "Hello,\n\nRex's Rabies vaccination is due on 2024-01-15.\nPlease contact us to book an appointment.\n\nHappy Paws\n",
    });
    expect(email!.html).toContain("Rex&#39;s Rabies vaccination is due on 2024-01-15");
  });

  test("moving the clock through all stages gives exactly three; ListReminders shrinks as they go", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "stages@asd.com", "Bella");
    const { vaccination } = await vet.recordVaccination({
      petId,
      vaccine: "DHPP",
      administeredAt: "2023-02-01",
      nextDueAt: "2024-02-01T08:00:00Z",
    });
    const id = vaccination!.id;
    const listed = await vet.listReminders({ petId });
    expect(listed.reminders.map((r) => [r.stage, r.sendAt, r.dueAt])).toEqual([
      [ReminderStage.UPCOMING, "2024-01-18T08:00:00.000Z", "2024-02-01T08:00:00.000Z"],
      [ReminderStage.DUE, "2024-02-01T08:00:00.000Z", "2024-02-01T08:00:00.000Z"],
      [ReminderStage.OVERDUE, "2024-02-08T08:00:00.000Z", "2024-02-01T08:00:00.000Z"],
    ]);
    await app.scanner!.scanOnce();
    expect(suite.notifications.calls).toHaveLength(0);
    for (const at of [
      "2024-01-18T08:00:00Z",
      "2024-01-25T00:00:00Z",
      "2024-02-01T08:00:00Z",
      "2024-02-08T08:00:00Z",
      "2024-03-01T00:00:00Z",
    ]) {
      suite.clock.set(Date.parse(at));
      await app.scanner!.scanOnce();
    }
    expect(suite.notifications.keys()).toEqual([
      `vaccination:${id}:upcoming`,
      `vaccination:${id}:due`,
      `vaccination:${id}:overdue`,
    ]);
    expect(suite.notifications.calls[2]!.subject).toBe(
      "Happy Paws: Bella's DHPP vaccination is overdue (it was due on 2024-02-01)",
    );
    expect((await vet.listReminders({ petId })).reminders).toEqual([]);
  });

  test("recording a newer vaccination of the same vaccine stops the rest", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "newer@asd.com", "Max");
    const old = await vet.recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: "2023-01-15",
      nextDueAt: "2024-01-15T08:00:00Z",
    });
    await app.scanner!.scanOnce();
    suite.clock.set(Date.parse("2024-01-10T00:00:00Z"));
    await vet.recordVaccination({ petId, vaccine: "rabies", administeredAt: "2024-01-10" });
    for (const at of ["2024-01-15T08:00:00Z", "2024-01-22T08:00:00Z", "2024-02-01T00:00:00Z"]) {
      suite.clock.set(Date.parse(at));
      await app.scanner!.scanOnce();
    }
    expect(suite.notifications.keys()).toEqual([`vaccination:${old.vaccination!.id}:upcoming`]);
    expect((await vet.listReminders({ petId })).reminders.map((r) => r.stage)).toEqual([
      ReminderStage.UPCOMING,
      ReminderStage.DUE,
      ReminderStage.OVERDUE,
    ]);
  });

  test("notification service down: not marked sent, retried after REMINDER_RETRY_MS, then sent once", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "retry@asd.com");
    await vet.recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: "2023-01-15",
      nextDueAt: "2024-01-15T08:00:00Z",
    });
    suite.notifications.state.down = true;
    expect((await app.scanner!.scanOnce()).retried).toBe(1);
    suite.notifications.state.down = false;
    expect((await app.scanner!.scanOnce()).claimed).toBe(0);
    suite.clock.advance(60_000);
    expect((await app.scanner!.scanOnce()).sent).toBe(1);
    expect(await app.scanner!.scanOnce()).toMatchObject({ claimed: 0 });
    expect(suite.notifications.calls).toHaveLength(1);
  });

  test("erased pets and pets gone at the owner service get no email", async () => {
    const { app, vet, internal } = await suite.vetApp();
    const erased = await registerPet(owner.owners, "erased@asd.com");
    await vet.recordVaccination({
      petId: erased,
      vaccine: "Rabies",
      administeredAt: "2023-01-15",
      nextDueAt: "2024-01-15T08:00:00Z",
    });
    await internal.erasePets({ sagaId: "s", petIds: [erased] });
    const gone = await registerPet(owner.owners, "gone@asd.com");
    await vet.recordVaccination({
      petId: gone,
      vaccine: "Rabies",
      administeredAt: "2023-01-15",
      nextDueAt: "2024-01-15T08:00:00Z",
    });
    await owner.owners.removeOwnerData({ ownerRef: "gone@asd.com" });
    expect(await app.scanner!.scanOnce()).toEqual({
      claimed: 1,
      sent: 0,
      retried: 0,
      cancelled: 1,
      lost: 0,
      dead: 0,
    });
    expect(suite.notifications.calls).toEqual([]);
    // only the claimed stage is cancelled; the pet's reads are NotFound while its owner is being removed
    expect((await app.repository.listPendingReminders(gone)).map((r) => r.stage)).toEqual(["due", "overdue"]);
    const read = await vet.listReminders({ petId: gone }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e).code,
    );
    expect(read).toBe(Code.NotFound);
  });

  test("two replicas on one SQLite file scanning at once: each reminder enqueued exactly once", async () => {
    const file = `sqlite:${join(dir, "shared.db")}`;
    const a = await suite.vetApp(file, "vet-a");
    const b = await suite.vetApp(file, "vet-b");
    const pets: string[] = [];
    for (let i = 0; i < 6; i++) {
      const petId = await registerPet(owner.owners, `replica${i}@asd.com`, `Pet ${i}`);
      pets.push(petId);
      await (i % 2 ? a : b).vet.recordVaccination({
        petId,
        vaccine: "Rabies",
        administeredAt: "2023-01-15",
        nextDueAt: "2024-01-10T08:00:00Z",
      });
    }
    for (const at of ["2024-01-01T00:00:00Z", "2024-01-10T08:00:00Z", "2024-01-20T00:00:00Z"]) {
      suite.clock.set(Date.parse(at));
      await Promise.all([
        a.app.scanner!.scanOnce(),
        b.app.scanner!.scanOnce(),
        a.app.scanner!.scanOnce(),
        b.app.scanner!.scanOnce(),
      ]);
    }
    const keys = suite.notifications.keys();
    expect(keys).toHaveLength(18);
    expect(new Set(keys).size).toBe(18);
  });
});
