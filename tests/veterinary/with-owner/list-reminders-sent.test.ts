import { describe, expect, test } from "bun:test";
import { ReminderStage } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createClockedVeterinary, registerPet } from "./harness.ts";

/** ListReminders with include_sent: the front desk's "sent" list beside the pending one. */
const NOW = Date.UTC(2024, 0, 1, 9, 0, 0);
const { app, owner, vet } = await createClockedVeterinary(NOW);

describe("ListReminders include_sent", () => {
  test("pending by send time, then the sent ones with sent_at; without the flag only pending (sent_at empty)", async () => {
    const petId = await registerPet(owner.owners, "sent-list@example.org");
    const { vaccination } = await vet.recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: "2024-01-01",
      nextDueAt: "2024-01-10",
    });
    const id = vaccination?.id ?? "";
    // The scanner's own path: claim what is due (the upcoming stage, 14 days before), mark it sent.
    const [claimed] = await app.repository.claimDueReminders({
      now: NOW,
      owner: "test",
      leaseMs: 60_000,
      limit: 10,
    });
    expect(claimed?.id).toBe(`${id}:upcoming`);
    expect(await app.repository.markReminderSent(claimed?.id ?? "", "test", NOW + 1000)).toBe(true);

    const pending = await vet.listReminders({ petId });
    expect(pending.reminders.map((r) => [r.stage, r.sentAt])).toEqual([
      [ReminderStage.DUE, ""],
      [ReminderStage.OVERDUE, ""],
    ]);
    const all = await vet.listReminders({ petId, includeSent: true });
    expect(all.reminders.map((r) => [r.stage, r.sentAt])).toEqual([
      [ReminderStage.DUE, ""],
      [ReminderStage.OVERDUE, ""],
      [ReminderStage.UPCOMING, new Date(NOW + 1000).toISOString()],
    ]);
  });
});
