import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createReminderSuite, registerPet } from "./harness.ts";

const T0 = Date.UTC(2031, 2, 25, 8, 0, 0);
const HOUR = 3_600_000;

const suite = await createReminderSuite(
  T0,
  { clinicTimeZone: "Europe/Berlin" },
  "vet-appointment-reminders-",
);
const { owner, dir } = suite;
const none = { claimed: 0, sent: 0, retried: 0, dropped: 0 };
const one = { claimed: 1, sent: 1, retried: 0, dropped: 0 };

describe("appointment reminders (24 h before)", () => {
  test("one email exactly 24 h before, with pet, local time, type and clinic; never a second", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "remind@asd.com", "Rex");
    const startsAt = T0 + 72 * HOUR; // 2031-03-28 08:00Z = 09:00 in Berlin (CET)
    const { appointment } = await vet.makeAppointment({
      petId,
      startsAt: new Date(startsAt).toISOString(),
      type: "consultation",
    });
    const scan = () => app.appointmentScanner!.scanOnce();
    expect(await scan()).toEqual(none);
    suite.clock.set(startsAt - 24 * HOUR - 60_000);
    expect(await scan()).toEqual(none);
    suite.clock.set(startsAt - 24 * HOUR);
    expect(await scan()).toEqual(one);
    suite.clock.set(startsAt - HOUR);
    expect(await scan()).toEqual(none);
    expect(suite.notifications.calls).toHaveLength(1);
    const line = "Rex's consultation appointment is on Friday, 28 March 2031 at 09:00";
    expect(suite.notifications.calls[0]).toMatchObject({
      idempotencyKey: `appointment:${appointment!.id}:24h`,
      recipient: "remind@asd.com",
      subject: `Happy Paws: ${line}`,
      text: `Hello,\n\n${line}.\nIf you cannot come, please cancel or let us know.\n\nHappy Paws\n`,
    });
    expect(suite.notifications.calls[0]!.html).toContain("Rex&#39;s consultation appointment");
  });

  test("a cancelled appointment and an erased pet's appointment get no reminder; a past one neither", async () => {
    const { app, vet } = await suite.vetApp();
    const cancelledPet = await registerPet(owner.owners, "cancel@asd.com", "Tom");
    const erasedPet = await registerPet(owner.owners, "erase@asd.com", "Kit");
    const startsAt = new Date(T0 + 12 * HOUR).toISOString();
    const { appointment } = await vet.makeAppointment({ petId: cancelledPet, startsAt });
    await vet.makeAppointment({ petId: erasedPet, startsAt });
    await vet.makeAppointment({ petId: erasedPet, startsAt: new Date(T0 - HOUR).toISOString() });
    await vet.cancelAppointment({ appointmentId: appointment!.id });
    await app.repository.erasePets([erasedPet], { sagaId: "saga-1", erasedAt: T0 });
    expect(await app.appointmentScanner!.scanOnce()).toEqual(none);
    expect(suite.notifications.calls).toEqual([]);
  });

  test("booked less than 24 h ahead: sent at the next scan; notification down: retried, then sent once", async () => {
    const { app, vet } = await suite.vetApp();
    const petId = await registerPet(owner.owners, "soon@asd.com", "Bo");
    await vet.makeAppointment({ petId, startsAt: new Date(T0 + 3 * HOUR).toISOString() });
    suite.notifications.state.down = true;
    expect(await app.appointmentScanner!.scanOnce()).toEqual({ claimed: 1, sent: 0, retried: 1, dropped: 0 });
    suite.notifications.state.down = false;
    expect(await app.appointmentScanner!.scanOnce()).toEqual(none); // its retry time has not come
    suite.clock.set(T0 + 60_000);
    expect(await app.appointmentScanner!.scanOnce()).toEqual(one);
    expect(suite.notifications.calls.map((c) => c.recipient)).toEqual(["soon@asd.com"]);
  });

  test("two replicas on one SQLite file scanning at once send each reminder once", async () => {
    const file = `sqlite:${join(dir, "shared.db")}`;
    const a = await suite.vetApp(file, "vet-a");
    const b = await suite.vetApp(file, "vet-b");
    for (let i = 0; i < 6; i++) {
      const petId = await registerPet(owner.owners, `pair${i}@asd.com`, `P${i}`);
      await a.vet.makeAppointment({ petId, startsAt: new Date(T0 + (10 + i) * HOUR).toISOString() });
    }
    const results = await Promise.all(
      [a.app, b.app, a.app, b.app].map((one) => one.appointmentScanner!.scanOnce()),
    );
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(6);
    expect(new Set(suite.notifications.calls.map((c) => c.idempotencyKey)).size).toBe(6);
    expect(suite.notifications.calls).toHaveLength(6);
  });
});
