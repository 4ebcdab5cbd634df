import { describe, expect, test } from "bun:test";
import { Code } from "@connectrpc/connect";
import { ReminderStage } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { errorField } from "@vetmesh/kit";
import { expectFailure as failure } from "@vetmesh/kit/testing";
import { createClockedVeterinary, registerPet } from "./harness.ts";

/** RecordVaccination with a request_id, through the real RPC stack and a real owner app. */
const NOW = Date.UTC(2024, 0, 1, 9, 0, 0);
const { clock, owner, vet } = await createClockedVeterinary(NOW);

describe("RecordVaccination with a request_id (idempotency key)", () => {
  test("a repeat returns the first vaccination (same id) and plans no second set of reminders", async () => {
    const petId = await registerPet(owner.owners, "idem-1@example.org");
    const call = { petId, vaccine: "Rabies", administeredAt: "2023-06-01", requestId: "vacc-1" };
    const first = await vet.recordVaccination(call);
    const reminders = await vet.listReminders({ petId });
    expect(reminders.reminders.map((r) => [r.vaccinationId, r.stage])).toEqual([
      [first.vaccination?.id ?? "", ReminderStage.UPCOMING],
      [first.vaccination?.id ?? "", ReminderStage.DUE],
      [first.vaccination?.id ?? "", ReminderStage.OVERDUE],
    ]);
    clock.advance(60_000);
    const again = await vet.recordVaccination(call);
    expect(again).toEqual(first);
    // Even with another body the key decides: the first result, nothing superseded.
    const changed = await vet.recordVaccination({ ...call, administeredAt: "2023-12-01" });
    expect(changed.vaccination?.id).toBe(first.vaccination?.id ?? "");
    const listed = await vet.listVaccinations({ petId });
    expect(listed.vaccinations.map((v) => [v.id, v.supersededBy])).toEqual([
      [first.vaccination?.id ?? "", ""],
    ]);
    expect(await vet.listReminders({ petId })).toEqual(reminders);
  });

  test("without a key every call records; the same key on another pet records there", async () => {
    const petA = await registerPet(owner.owners, "idem-2@example.org", "A");
    const petB = await registerPet(owner.owners, "idem-2@example.org", "B");
    const base = { vaccine: "DHPP", administeredAt: "2023-06-01" };
    await vet.recordVaccination({ ...base, petId: petA });
    await vet.recordVaccination({ ...base, petId: petA });
    expect((await vet.listVaccinations({ petId: petA })).vaccinations).toHaveLength(2);
    const onA = await vet.recordVaccination({ ...base, petId: petA, requestId: "shared" });
    const onB = await vet.recordVaccination({ ...base, petId: petB, requestId: "shared" });
    expect(onB.vaccination?.id).not.toBe(onA.vaccination?.id);
    expect(onB.vaccination?.petId).toBe(petB);
  });

  test("20 concurrent calls with one key: one vaccination, all answers carry its id", async () => {
    const petId = await registerPet(owner.owners, "idem-3@example.org");
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        vet.recordVaccination({ petId, vaccine: "Rabies", administeredAt: "2023-06-01", requestId: "race" }),
      ),
    );
    const ids = [...new Set(results.map((r) => r.vaccination?.id))];
    expect(ids).toHaveLength(1);
    expect((await vet.listVaccinations({ petId })).vaccinations.map((v) => v.id)).toEqual(ids.map(String));
    expect((await vet.listReminders({ petId })).reminders).toHaveLength(3);
  });

  test("a malformed key is InvalidArgument on field request_id, and nothing is recorded", async () => {
    const petId = await registerPet(owner.owners, "idem-4@example.org");
    for (const requestId of ["", "has space", "ünïcode", "a/b", "x".repeat(129)]) {
      const error = await failure(
        vet.recordVaccination({ petId, vaccine: "Rabies", administeredAt: "2023-06-01", requestId }),
      );
      expect([error.code, errorField(error)]).toEqual([Code.InvalidArgument, "request_id"]);
    }
    expect((await vet.listVaccinations({ petId })).vaccinations).toEqual([]);
    const longest = `Az09._:-${"k".repeat(120)}`;
    const ok = await vet.recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: "2023-06-01",
      requestId: longest,
    });
    expect(ok.vaccination?.petId).toBe(petId);
  });
});
