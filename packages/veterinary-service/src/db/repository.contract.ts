import { beforeEach, describe, expect, test } from "bun:test";
import { DomainError } from "@vetmesh/kit";
import { planReminders, type StageOffset } from "../domain/reminder-stages.ts";
import type { AppointmentRow, VaccinationRow, VeterinaryRepository } from "./repository.ts";

const T0 = Date.UTC(2023, 8, 9, 13, 0, 0);
const MIN = 60_000;
const SAGA_1 = { sagaId: "saga-1", erasedAt: T0 + MIN };

/** A scheduled appointment row with overridable fields. */
export function appointmentRow(overrides: Partial<AppointmentRow> = {}): AppointmentRow {
  const startsAt = overrides.startsAt ?? T0;
  return {
    id: crypto.randomUUID(),
    petId: "pet-1",
    startsAt,
    endsAt: startsAt + 30 * MIN,
    durationMinutes: 30,
    reason: "",
    status: "scheduled",
    createdAt: T0,
    endedAt: null,
    cancelledAt: null,
    vetId: null,
    type: null,
    ...overrides,
  };
}

/** A vaccination row with overridable fields. */
export function vaccinationRow(overrides: Partial<VaccinationRow> = {}): VaccinationRow {
  return {
    id: crypto.randomUUID(),
    petId: "pet-1",
    vaccine: "Rabies",
    vaccineKey: "rabies",
    administeredAt: T0,
    nextDueAt: T0 + 365 * 86_400_000,
    batch: null,
    notes: null,
    supersededBy: null,
    recordedAt: T0,
    requestId: null,
    ...overrides,
  };
}

/**
 * The behaviour every VeterinaryRepository must have, run against each
 * dialect available (SQLite always, SQL Server when MSSQL_URL is set).
 * `open` must return a fresh, empty, migrated repository.
 */
export function repositoryContract(name: string, open: () => Promise<VeterinaryRepository>) {
  describe(`VeterinaryRepository contract (${name})`, () => {
    let repo: VeterinaryRepository;
    beforeEach(async () => {
      repo = await open();
    });
    const DAY = 86_400_000;
    const OFFSETS: StageOffset[] = [
      { stage: "upcoming", offsetMs: -14 * DAY },
      { stage: "due", offsetMs: 0 },
      { stage: "overdue", offsetMs: 7 * DAY },
    ];
    const record = (v: VaccinationRow) => repo.recordVaccination(v, planReminders(v, OFFSETS, T0));
    const claim = (now: number, owner = "a", limit = 10) =>
      repo.claimDueReminders({ now, owner, leaseMs: 1000, limit });

    test("insert rejects overlap for the same pet, allows adjacent, other pets and cancelled slots", async () => {
      const first = appointmentRow();
      expect(await repo.insertAppointment(first)).toEqual({ kind: "created" });
      const overlapping = appointmentRow({ startsAt: T0 + 15 * MIN });
      expect(await repo.insertAppointment(overlapping)).toEqual({ kind: "overlap", existing: first });
      expect(await repo.insertAppointment(appointmentRow({ startsAt: T0 + 30 * MIN }))).toEqual({
        kind: "created",
      });
      expect(await repo.insertAppointment(appointmentRow({ petId: "pet-2" }))).toEqual({ kind: "created" });
      await repo.cancelAppointment(first.id, T0);
      expect(await repo.insertAppointment(appointmentRow({ startsAt: T0 - 10 * MIN }))).toEqual({
        kind: "created",
      });
    });

    test("concurrent inserts of the same slot: exactly one wins", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, () => repo.insertAppointment(appointmentRow({ petId: "pet-race" }))),
      );
      expect(outcomes.filter((o) => o.kind === "created").length).toBe(1);
      expect((await repo.listAppointments("pet-race", {})).length).toBe(1);
    });

    test("request_id: a repeat returns the first appointment and books nothing; another pet or no key books", async () => {
      const first = appointmentRow({ id: "a-first" });
      expect(await repo.insertAppointment(first, [], "book-1")).toEqual({ kind: "created" });
      // Another id and another time under the same key: still the first, and no second row.
      const repeat = appointmentRow({ id: "a-repeat", startsAt: T0 + 120 * MIN, endsAt: T0 + 150 * MIN });
      expect(await repo.insertAppointment(repeat, [], "book-1")).toEqual({
        kind: "repeat",
        appointment: first,
      });
      expect((await repo.listAppointments("pet-1", {})).map((a) => a.id)).toEqual(["a-first"]);
      const otherPet = appointmentRow({ id: "a-other", petId: "pet-2" });
      expect(await repo.insertAppointment(otherPet, [], "book-1")).toEqual({ kind: "created" });
      const later = appointmentRow({ id: "a-nokey", startsAt: T0 + 60 * MIN, endsAt: T0 + 90 * MIN });
      expect(await repo.insertAppointment(later)).toEqual({ kind: "created" });
      expect((await repo.listAppointments("pet-1", {})).map((a) => a.id)).toEqual(["a-first", "a-nokey"]);
    });

    test("request_id: concurrent repeats of one key book one appointment, all see it", async () => {
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          repo.insertAppointment(appointmentRow({ id: `a-race-${n}`, petId: "pet-race" }), [], "race-key"),
        ),
      );
      const ids = outcomes.map((o) => (o.kind === "repeat" ? o.appointment.id : o.kind));
      expect(ids.filter((id) => id === "created")).toHaveLength(1);
      const stored = await repo.listAppointments("pet-race", {});
      expect(stored).toHaveLength(1);
      expect(ids.filter((id) => id !== "created" && id !== stored[0]?.id)).toEqual([]);
    });

    test("vet candidates: the first free one is booked; none free is vet_busy; pets of one vet race, one wins", async () => {
      const first = appointmentRow({ petId: "pet-a" });
      expect(await repo.insertAppointment(first, ["vet-1", "vet-2"])).toEqual({
        kind: "created",
        vetId: "vet-1",
      });
      const second = appointmentRow({ petId: "pet-b", startsAt: T0 + 10 * MIN });
      expect(await repo.insertAppointment(second, ["vet-1", "vet-2"])).toEqual({
        kind: "created",
        vetId: "vet-2",
      });
      expect(await repo.insertAppointment(appointmentRow({ petId: "pet-c" }), ["vet-1", "vet-2"])).toEqual({
        kind: "vet_busy",
        existing: { ...first, vetId: "vet-1" },
      });
      expect((await repo.getAppointment(second.id))?.vetId).toBe("vet-2");
      await repo.cancelAppointment(first.id, T0);
      expect(await repo.insertAppointment(appointmentRow({ petId: "pet-c" }), ["vet-1"])).toEqual({
        kind: "created",
        vetId: "vet-1",
      });
      const later = T0 + 600 * MIN;
      const outcomes = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          repo.insertAppointment(appointmentRow({ petId: `pet-r${i}`, startsAt: later + i * MIN }), [
            "vet-3",
          ]),
        ),
      );
      expect(outcomes.filter((o) => o.kind === "created").length).toBe(1);
      expect(
        await repo.listClinicAppointments({ from: later, to: later + 60 * MIN, vetId: "vet-3" }),
      ).toHaveLength(1);
    });

    test("vets with hours; hours replaced as a whole; exceptions listed by overlap and removed", async () => {
      const hours = [
        { weekday: 1, startMinute: 540, endMinute: 720 },
        { weekday: 1, startMinute: 780, endMinute: 1020 },
      ];
      await repo.createVet({ id: "v1", name: "Ada", createdAt: T0 }, hours);
      await repo.createVet({ id: "v2", name: "Bob", createdAt: T0 + 1 }, []);
      expect(await repo.listVets()).toEqual([
        { id: "v1", name: "Ada", createdAt: T0, hours },
        { id: "v2", name: "Bob", createdAt: T0 + 1, hours: [] },
      ]);
      const friday = [{ weekday: 5, startMinute: 0, endMinute: 1440 }];
      expect(await repo.replaceVetHours("v2", friday)).toEqual({
        id: "v2",
        name: "Bob",
        createdAt: T0 + 1,
        hours: friday,
      });
      expect(await repo.replaceVetHours("v1", [])).toEqual({
        id: "v1",
        name: "Ada",
        createdAt: T0,
        hours: [],
      });
      expect(await repo.replaceVetHours("nope", friday)).toBeUndefined();
      const leave = {
        id: "e1",
        vetId: "v1",
        startsAt: T0,
        endsAt: T0 + 60 * MIN,
        reason: "leave",
        createdAt: T0,
      };
      const holiday = {
        id: "e2",
        vetId: null,
        startsAt: T0 + 60 * MIN,
        endsAt: T0 + 120 * MIN,
        reason: "",
        createdAt: T0,
      };
      await repo.addException(leave);
      await repo.addException(holiday);
      expect(await repo.listExceptions({ from: T0 + 59 * MIN, to: T0 + 61 * MIN })).toEqual([leave, holiday]);
      expect(await repo.listExceptions({ from: T0 + 120 * MIN, to: T0 + 180 * MIN })).toEqual([]);
      expect(await repo.removeException("e1")).toBe(true);
      expect(await repo.removeException("e1")).toBe(false);
      expect(await repo.listExceptions({ from: T0, to: T0 + 180 * MIN })).toEqual([holiday]);
    });

    test("end writes the record; second end and cancel of an ended one are not_scheduled", async () => {
      const row = appointmentRow();
      await repo.insertAppointment(row);
      const input = {
        appointmentId: row.id,
        endedAt: T0 + MIN,
        recordId: "rec-1",
        details: "dog is evil",
        endedBy: "dr",
      };
      const ended = await repo.endAppointment(input);
      expect(ended).toEqual({
        kind: "done",
        appointment: { ...row, status: "ended", endedAt: T0 + MIN },
        record: {
          id: "rec-1",
          petId: "pet-1",
          appointmentId: row.id,
          details: "dog is evil",
          recordedAt: T0 + MIN,
          endedBy: "dr",
        },
      });
      const again = await repo.endAppointment({ ...input, recordId: "rec-2" });
      expect(again.kind).toBe("not_scheduled");
      expect((await repo.cancelAppointment(row.id, T0)).kind).toBe("not_scheduled");
      expect(await repo.endAppointment({ ...input, appointmentId: "nope" })).toEqual({ kind: "not_found" });
      expect(await repo.listRecords("pet-1", 10)).toEqual([
        {
          id: "rec-1",
          petId: "pet-1",
          appointmentId: row.id,
          details: "dog is evil",
          recordedAt: T0 + MIN,
          endedBy: "dr",
        },
      ]);
    });

    test("cancel then end is not_scheduled; unknown cancel is not_found", async () => {
      const row = appointmentRow();
      await repo.insertAppointment(row);
      expect(await repo.cancelAppointment(row.id, T0 + 5)).toEqual({
        kind: "done",
        appointment: { ...row, status: "cancelled", cancelledAt: T0 + 5 },
      });
      const end = await repo.endAppointment({
        appointmentId: row.id,
        endedAt: T0,
        recordId: "r",
        details: "d",
        endedBy: null,
      });
      expect(end.kind).toBe("not_scheduled");
      expect(await repo.cancelAppointment("nope", T0)).toEqual({ kind: "not_found" });
      expect(await repo.getAppointment(row.id)).toEqual({ ...row, status: "cancelled", cancelledAt: T0 + 5 });
    });

    test("list appointments by range [from, to) in start order", async () => {
      const rows = [2, 0, 1].map((h) => appointmentRow({ startsAt: T0 + h * 60 * MIN }));
      for (const row of rows) await repo.insertAppointment(row);
      const all = await repo.listAppointments("pet-1", {});
      expect(all.map((r) => r.startsAt)).toEqual([T0, T0 + 60 * MIN, T0 + 120 * MIN]);
      const some = await repo.listAppointments("pet-1", { from: T0 + 60 * MIN, to: T0 + 120 * MIN });
      expect(some.map((r) => r.startsAt)).toEqual([T0 + 60 * MIN]);
      expect(await repo.listAppointments("pet-x", {})).toEqual([]);
    });

    test("clinic-wide list: every pet's in [from, to), by start then id; optionally one vet's", async () => {
      const rows = [
        appointmentRow({ petId: "pet-b", startsAt: T0 + 60 * MIN, vetId: "vet-1", type: "surgery" }),
        appointmentRow({ petId: "pet-a", startsAt: T0, vetId: "vet-2" }),
        appointmentRow({ petId: "pet-c", startsAt: T0 + 120 * MIN }),
      ];
      for (const row of rows) await repo.insertAppointment(row);
      const all = await repo.listClinicAppointments({ from: T0, to: T0 + 120 * MIN });
      expect(all).toEqual([rows[1]!, rows[0]!]);
      expect(await repo.listClinicAppointments({ from: T0, to: T0 + 180 * MIN, vetId: "vet-1" })).toEqual([
        rows[0]!,
      ]);
      expect(await repo.listClinicAppointments({ from: T0 + MIN, to: T0 + 60 * MIN })).toEqual([]);
    });

    test("busy spans: vets' non-cancelled appointments overlapping [from, to), incl. one that began before", async () => {
      const span = (row: AppointmentRow) => ({
        vetId: row.vetId ?? "",
        startsAt: row.startsAt,
        endsAt: row.endsAt,
      });
      const early = appointmentRow({ petId: "pet-a", startsAt: T0 - 20 * MIN, vetId: "vet-1" });
      const inside = appointmentRow({ petId: "pet-b", startsAt: T0 + 30 * MIN, vetId: "vet-2" });
      const cancelled = appointmentRow({ petId: "pet-c", startsAt: T0, vetId: "vet-1" });
      const noVet = appointmentRow({ petId: "pet-d", startsAt: T0 });
      const ended = appointmentRow({ petId: "pet-e", startsAt: T0 - 60 * MIN, vetId: "vet-1" });
      const later = appointmentRow({ petId: "pet-f", startsAt: T0 + 60 * MIN, vetId: "vet-1" });
      for (const row of [early, inside, cancelled, noVet, ended, later]) await repo.insertAppointment(row);
      await repo.cancelAppointment(cancelled.id, T0);
      const range = { from: T0, to: T0 + 60 * MIN, longestMs: 24 * 60 * MIN };
      const sorted = (spans: { startsAt: number }[]) => [...spans].sort((a, b) => a.startsAt - b.startsAt);
      expect(sorted(await repo.listBusySpans(range))).toEqual([span(early), span(inside)]);
      expect(await repo.listBusySpans({ ...range, vetId: "vet-2" })).toEqual([span(inside)]);
      // an appointment that started more than longestMs before `from` is not looked for
      expect(await repo.listBusySpans({ ...range, vetId: "vet-1", longestMs: 10 * MIN })).toEqual([]);
    });

    test("records page newest first by (recordedAt, id)", async () => {
      for (let i = 0; i < 5; i++) {
        const row = appointmentRow({ startsAt: T0 + i * 60 * MIN });
        await repo.insertAppointment(row);
        await repo.endAppointment({
          appointmentId: row.id,
          endedAt: T0 + (i % 3) * MIN,
          recordId: `r${i}`,
          details: `d${i}`,
          endedBy: null,
        });
      }
      const first = await repo.listRecords("pet-1", 2);
      expect(first.map((r) => r.id)).toEqual(["r2", "r4"]);
      const last = first.at(-1)!;
      const second = await repo.listRecords("pet-1", 10, { recordedAt: last.recordedAt, id: last.id });
      expect(second.map((r) => r.id)).toEqual(["r1", "r3", "r0"]);
    });

    test("a newer vaccination supersedes the older; a backfilled older one is superseded at once", async () => {
      const old = vaccinationRow({ id: "v-old" });
      expect(await repo.recordVaccination(old)).toEqual(old);
      const newer = vaccinationRow({ id: "v-new", administeredAt: T0 + 1000 });
      expect(await repo.recordVaccination(newer)).toEqual(newer);
      const backfill = vaccinationRow({ id: "v-back", administeredAt: T0 - 1000 });
      expect(await repo.recordVaccination(backfill)).toEqual({ ...backfill, supersededBy: "v-new" });
      const other = vaccinationRow({ id: "v-dhpp", vaccine: "DHPP", vaccineKey: "dhpp" });
      await repo.recordVaccination(other);
      const list = await repo.listVaccinations("pet-1");
      expect(list.map((v) => [v.id, v.supersededBy])).toEqual([
        ["v-new", null],
        ["v-dhpp", null],
        ["v-old", "v-new"],
        ["v-back", "v-new"],
      ]);
    });

    test("request_id: a repeat returns the first vaccination and writes nothing (row, reminders, supersession)", async () => {
      const first = vaccinationRow({ id: "v-first", requestId: "key-1" });
      expect(await record(first)).toEqual(first);
      const reminders = await repo.listPendingReminders("pet-1");
      expect(reminders.map((r) => r.vaccinationId)).toEqual(["v-first", "v-first", "v-first"]);
      // Another id and a newer date under the same key: still the first, which must not become superseded.
      const repeat = vaccinationRow({ id: "v-repeat", administeredAt: T0 + 1000, requestId: "key-1" });
      expect(await record(repeat)).toEqual(first);
      expect(await repo.listVaccinations("pet-1")).toEqual([first]);
      expect(await repo.listPendingReminders("pet-1")).toEqual(reminders);
      // The same key on another pet is another request; rows without a key never collide.
      const otherPet = vaccinationRow({ id: "v-other-pet", petId: "pet-2", requestId: "key-1" });
      expect(await record(otherPet)).toEqual(otherPet);
      await record(vaccinationRow({ id: "v-nokey-1", vaccine: "DHPP", vaccineKey: "dhpp" }));
      await record(
        vaccinationRow({ id: "v-nokey-2", vaccine: "DHPP", vaccineKey: "dhpp", administeredAt: T0 + 5 }),
      );
      expect((await repo.listVaccinations("pet-1")).map((v) => [v.id, v.requestId]).sort()).toEqual([
        ["v-first", "key-1"],
        ["v-nokey-1", null],
        ["v-nokey-2", null],
      ]);
    });

    test("request_id: concurrent repeats of one key store one vaccination and one set of reminders", async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, n) =>
          record(vaccinationRow({ id: `v-race-${n}`, petId: "pet-race", requestId: "race-key" })),
        ),
      );
      expect(new Set(results.map((v) => v.id)).size).toBe(1);
      expect((await repo.listVaccinations("pet-race")).map((v) => v.id)).toEqual([results[0]?.id ?? ""]);
      expect((await repo.listPendingReminders("pet-race")).map((r) => r.stage)).toEqual([
        "upcoming",
        "due",
        "overdue",
      ]);
    });

    test("erase removes everything of the pets only, and is idempotent", async () => {
      const a = appointmentRow();
      await repo.insertAppointment(a);
      await repo.endAppointment({
        appointmentId: a.id,
        endedAt: T0,
        recordId: "r",
        details: "d",
        endedBy: null,
      });
      await repo.insertAppointment(appointmentRow({ startsAt: T0 + 60 * MIN }));
      await repo.recordVaccination(vaccinationRow());
      const keep = appointmentRow({ petId: "pet-keep" });
      await repo.insertAppointment(keep);
      const counts = await repo.erasePets(["pet-1", "unknown"], SAGA_1);
      expect(counts).toEqual({ appointments: 2, records: 1, vaccinations: 1, reminders: 0 });
      expect(await repo.erasePets(["pet-1", "unknown"], SAGA_1)).toEqual({
        appointments: 0,
        records: 0,
        vaccinations: 0,
        reminders: 0,
      });
      expect(await repo.erasePets([], SAGA_1)).toEqual({
        appointments: 0,
        records: 0,
        vaccinations: 0,
        reminders: 0,
      });
      expect(await repo.listAppointments("pet-1", {})).toEqual([]);
      expect(await repo.listRecords("pet-1", 10)).toEqual([]);
      expect(await repo.listVaccinations("pet-1")).toEqual([]);
      expect(await repo.listAppointments("pet-keep", {})).toEqual([keep]);
    });

    test("erase tombstones each pet once: first saga and time kept, duplicates and repeats are fine", async () => {
      expect(await repo.getErasedPet("pet-1")).toBeUndefined();
      await repo.erasePets(["pet-1", "pet-1", "pet-2"], SAGA_1);
      await repo.erasePets(["pet-1", "pet-3"], { sagaId: "saga-2", erasedAt: T0 + 5 });
      expect(await repo.getErasedPet("pet-1")).toEqual(SAGA_1);
      expect(await repo.getErasedPet("pet-2")).toEqual(SAGA_1);
      expect(await repo.getErasedPet("pet-3")).toEqual({ sagaId: "saga-2", erasedAt: T0 + 5 });
      expect(await repo.getErasedPet("pet-keep")).toBeUndefined();
    });

    test("erase then insert an appointment: NotFound, nothing written; other pets unaffected", async () => {
      await repo.erasePets(["pet-1"], SAGA_1);
      const error = await repo.insertAppointment(appointmentRow()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect([(error as DomainError).kind, (error as DomainError).message]).toEqual([
        "not_found",
        "pet pet-1 not found",
      ]);
      expect(await repo.listAppointments("pet-1", {})).toEqual([]);
      expect(await repo.insertAppointment(appointmentRow({ petId: "pet-2" }))).toEqual({ kind: "created" });
    });

    test("erase then record a vaccination: NotFound, no vaccination and no reminders written", async () => {
      await repo.erasePets(["pet-1"], SAGA_1);
      const v = vaccinationRow();
      const error = await repo.recordVaccination(v, planReminders(v, OFFSETS, T0)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DomainError);
      expect([(error as DomainError).kind, (error as DomainError).message]).toEqual([
        "not_found",
        "pet pet-1 not found",
      ]);
      expect(await repo.listVaccinations("pet-1")).toEqual([]);
      expect(await repo.listPendingReminders("pet-1")).toEqual([]);
      expect(await claim(T0 + 400 * DAY)).toEqual([]);
    });

    test("inserts racing an erase: whatever committed before it is deleted, nothing survives it", async () => {
      const writes = Array.from({ length: 6 }, (_, i) =>
        i % 2
          ? repo.insertAppointment(appointmentRow({ startsAt: T0 + i * 60 * MIN }))
          : repo.recordVaccination(vaccinationRow({ vaccine: `V${i}`, vaccineKey: `v${i}` })),
      );
      const erase = repo.erasePets(["pet-1"], SAGA_1);
      const outcomes = await Promise.allSettled([...writes, erase]);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") {
          expect((outcome.reason as DomainError).message).toBe("pet pet-1 not found");
        }
      }
      expect(await repo.listAppointments("pet-1", {})).toEqual([]);
      expect(await repo.listVaccinations("pet-1")).toEqual([]);
      expect(await repo.listPendingReminders("pet-1")).toEqual([]);
    });

    test("reminders: each stage claimed once when due, by one owner at a time; lease expiry hands over", async () => {
      const v = vaccinationRow({ id: "v1" });
      const due = v.nextDueAt!;
      await record(v);
      expect((await repo.listPendingReminders("pet-1")).map((r) => [r.stage, r.sendAt])).toEqual([
        ["upcoming", due - 14 * DAY],
        ["due", due],
        ["overdue", due + 7 * DAY],
      ]);
      expect(await claim(due - 15 * DAY)).toEqual([]);
      const [upcoming] = await claim(due - 14 * DAY);
      expect([upcoming?.id, upcoming?.claimedBy, upcoming?.attempts]).toEqual(["v1:upcoming", "a", 1]);
      expect(await claim(due - 14 * DAY, "b")).toEqual([]);
      // the lease expires unsent: another owner takes it, the first can no longer mark it
      const [taken] = await claim(due - 14 * DAY + 1000, "b");
      expect([taken?.id, taken?.attempts]).toEqual(["v1:upcoming", 2]);
      expect(await repo.markReminderSent("v1:upcoming", "a", due)).toBe(false);
      expect(await repo.markReminderSent("v1:upcoming", "b", due)).toBe(true);
      expect(await claim(due - 13 * DAY, "c")).toEqual([]);
      expect((await repo.listPendingReminders("pet-1")).map((r) => r.stage)).toEqual(["due", "overdue"]);
      expect((await repo.listSentReminders("pet-1")).map((r) => [r.id, r.status, r.sentAt])).toEqual([
        ["v1:upcoming", "sent", due],
      ]);
    });

    test("reminders: the sent list holds only sent ones, newest sent first, of that pet", async () => {
      const v = vaccinationRow({ id: "v9" });
      const due = v.nextDueAt!;
      await record(v);
      await record(vaccinationRow({ id: "v9-other", petId: "pet-2" }));
      expect(await repo.listSentReminders("pet-1")).toEqual([]);
      await claim(due - 14 * DAY);
      expect(await repo.markReminderSent("v9:upcoming", "a", due - 14 * DAY + 5)).toBe(true);
      await claim(due);
      expect(await repo.markReminderSent("v9:due", "a", due + 5)).toBe(true);
      await claim(due + 7 * DAY);
      await repo.releaseReminder("v9:overdue", "a", due + 8 * DAY, "smtp down");
      expect((await repo.listSentReminders("pet-1")).map((r) => [r.id, r.sentAt])).toEqual([
        ["v9:due", due + 5],
        ["v9:upcoming", due - 14 * DAY + 5],
      ]);
      expect(await repo.listSentReminders("pet-2")).toEqual([]);
    });

    test("reminders: release schedules a retry; cancel removes it for good", async () => {
      const v = vaccinationRow({ id: "v2" });
      const due = v.nextDueAt!;
      await record(v);
      await claim(due - 14 * DAY);
      await repo.releaseReminder("v2:upcoming", "a", due - 10 * DAY, "owner down");
      expect(await claim(due - 11 * DAY, "b")).toEqual([]);
      expect((await claim(due - 10 * DAY, "b")).map((r) => [r.id, r.lastError, r.attempts])).toEqual([
        ["v2:upcoming", "owner down", 2],
      ]);
      await repo.cancelReminder("v2:upcoming", "pet gone");
      expect((await repo.listPendingReminders("pet-1")).map((r) => r.stage)).toEqual(["due", "overdue"]);
    });

    test("reminders: a late scan sends only the latest due stage and skips the earlier ones", async () => {
      const v = vaccinationRow({ id: "v3" });
      await record(v);
      const claimed = await claim(v.nextDueAt! + 8 * DAY);
      expect(claimed.map((r) => r.id)).toEqual(["v3:overdue"]);
      expect((await repo.listPendingReminders("pet-1")).map((r) => r.stage)).toEqual(["overdue"]);
    });

    test("reminders: superseded vaccinations send nothing more; a backfilled older one plans none", async () => {
      const old = vaccinationRow({ id: "v-old" });
      await record(old);
      const newer = vaccinationRow({
        id: "v-new",
        administeredAt: T0 + DAY,
        nextDueAt: old.nextDueAt! + DAY,
      });
      await record(newer);
      const backfill = vaccinationRow({
        id: "v-back",
        administeredAt: T0 - DAY,
        nextDueAt: old.nextDueAt! - DAY,
      });
      await record(backfill);
      expect((await repo.listPendingReminders("pet-1")).map((r) => r.id)).toEqual([
        "v-new:upcoming",
        "v-new:due",
        "v-new:overdue",
      ]);
      const claimed = await claim(old.nextDueAt! - 14 * DAY + DAY);
      expect(claimed.map((r) => r.id)).toEqual(["v-new:upcoming"]);
    });

    test("reminders: erased with the pet", async () => {
      await record(vaccinationRow({ id: "v-e" }));
      expect((await repo.erasePets(["pet-1"], SAGA_1)).reminders).toBe(3);
      expect(await repo.listPendingReminders("pet-1")).toEqual([]);
      expect(await claim(T0 + 400 * DAY)).toEqual([]);
    });

    test("health is null while the database answers", async () => {
      expect(await repo.health()).toBeNull();
    });
  });
}
