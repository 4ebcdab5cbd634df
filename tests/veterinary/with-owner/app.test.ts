import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { OwnerInternalService } from "@vetmesh/contracts/owner/v1/owner";
import { AppointmentStatus, DueState } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { errorField } from "@vetmesh/kit";
import { createTestClock, expectFailure as failure } from "@vetmesh/kit/testing";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

async function expectInvalid(call: Promise<unknown>, field: string) {
  const error = await failure(call);
  expect([error.code, errorField(error)]).toEqual([Code.InvalidArgument, field]);
}

const NOW = Date.UTC(2024, 0, 1, 9, 0, 0);
const DAY = 86_400_000;
const clock = createTestClock(NOW);
const owner = await createTestOwner();
const { app, vet, internal } = await createTestVeterinary({
  ownerTransport: owner.transport,
  clock: clock.now,
});
let petId = "";
let otherPetId = "";

beforeAll(async () => {
  petId = await registerPet(owner.owners, "email@asd.com");
  otherPetId = await registerPet(owner.owners, "other@asd.com", "Angel");
});
afterAll(async () => {
  await app.close();
  await owner.app.close();
});

describe("MakeAppointment", () => {
  test("makes one with the default 30 minutes; past instants are accepted", async () => {
    const { appointment } = await vet.makeAppointment({
      petId,
      startsAt: "2023-09-09T13:00:00.000Z",
      reason: "checkup",
    });
    expect(appointment).toMatchObject({
      petId,
      startsAt: "2023-09-09T13:00:00.000Z",
      durationMinutes: 30,
      reason: "checkup",
      status: AppointmentStatus.SCHEDULED,
      endedAt: "",
      cancelledAt: "",
    });
    expect(appointment!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test("an overlapping one for the same pet is AlreadyExists; adjacent and other pets are fine", async () => {
    const error = await failure(vet.makeAppointment({ petId, startsAt: "2023-09-09T13:15:00Z" }));
    expect(error.code).toBe(Code.AlreadyExists);
    const adjacent = await vet.makeAppointment({
      petId,
      startsAt: "2023-09-09T13:30:00Z",
      durationMinutes: 15,
    });
    expect(adjacent.appointment!.durationMinutes).toBe(15);
    const other = await vet.makeAppointment({ petId: otherPetId, startsAt: "2023-09-09T13:00:00Z" });
    expect(other.appointment!.petId).toBe(otherPetId);
  });

  test("the same slot requested concurrently: exactly one succeeds", async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => vet.makeAppointment({ petId, startsAt: "2025-01-01T10:00:00Z" })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
    const codes = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason).code] : []));
    expect(codes).toEqual([Code.AlreadyExists, Code.AlreadyExists, Code.AlreadyExists, Code.AlreadyExists]);
  });

  test("invalid instants are InvalidArgument naming starts_at", async () => {
    for (const startsAt of [
      "2023-13-45",
      "tomorrow",
      "1694264400",
      "",
      "2023-02-30T10:00:00Z",
      "2023-09-09T13:00:00",
    ]) {
      await expectInvalid(vet.makeAppointment({ petId, startsAt }), "starts_at");
    }
  });

  test("other bad fields are InvalidArgument naming the field", async () => {
    await expectInvalid(vet.makeAppointment({ petId: " ", startsAt: "2023-09-09T13:00:00Z" }), "pet_id");
    await expectInvalid(
      vet.makeAppointment({ petId, startsAt: "2023-09-09T18:00:00Z", durationMinutes: 0 }),
      "duration_minutes",
    );
    await expectInvalid(
      vet.makeAppointment({ petId, startsAt: "2023-09-09T18:00:00Z", durationMinutes: 5000 }),
      "duration_minutes",
    );
  });

  test("an unknown pet is NotFound", async () => {
    const error = await failure(
      vet.makeAppointment({ petId: "no-such-pet", startsAt: "2023-09-09T13:00:00Z" }),
    );
    expect(error.code).toBe(Code.NotFound);
  });
});

describe("MakeAppointment with the owner service down", () => {
  test("a hung owner service gives Unavailable within the deadline", async () => {
    const hung = createRouterTransport(({ service }) => {
      service(OwnerInternalService, {
        getPet: (_req, ctx) =>
          new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason))),
        getOwner: () => ({}),
      });
    });
    const { app: down, vet: client } = await createTestVeterinary({
      ownerTransport: hung,
      ownerTimeoutMs: 300,
    });
    const started = performance.now();
    const error = await failure(client.makeAppointment({ petId: "p", startsAt: "2023-09-09T13:00:00Z" }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(Code.Unavailable);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1500);
    expect(await down.repository.listAppointments("p", {})).toEqual([]);
    await down.close();
  });

  test("an owner service answering Unavailable gives Unavailable", async () => {
    const failing = createRouterTransport(({ service }) => {
      service(OwnerInternalService, {
        getPet: () => {
          throw new ConnectError("connection refused", Code.Unavailable);
        },
        getOwner: () => ({}),
      });
    });
    const { app: down, vet: client } = await createTestVeterinary({ ownerTransport: failing });
    const error = await failure(client.makeAppointment({ petId: "p", startsAt: "2023-09-09T13:00:00Z" }));
    expect(error.code).toBe(Code.Unavailable);
    await down.close();
  });
});

describe("EndAppointment, CancelAppointment, ListAppointments", () => {
  test("end writes the record; ending again is AlreadyExists; unknown is NotFound", async () => {
    const { appointment } = await vet.makeAppointment({ petId, startsAt: "2024-02-01T10:00:00Z" });
    clock.set(NOW + 1000);
    const ended = await vet.endAppointment({
      appointmentId: appointment!.id,
      details: "dog is evil",
      endedBy: "dr. who",
    });
    expect(ended.appointment).toMatchObject({
      id: appointment!.id,
      status: AppointmentStatus.ENDED,
      endedAt: new Date(NOW + 1000).toISOString(),
    });
    expect(ended.record).toMatchObject({
      petId,
      appointmentId: appointment!.id,
      details: "dog is evil",
      recordedAt: new Date(NOW + 1000).toISOString(),
      endedBy: "dr. who",
    });
    expect((await failure(vet.endAppointment({ appointmentId: appointment!.id, details: "x" }))).code).toBe(
      Code.AlreadyExists,
    );
    expect((await failure(vet.cancelAppointment({ appointmentId: appointment!.id }))).code).toBe(
      Code.AlreadyExists,
    );
    expect((await failure(vet.endAppointment({ appointmentId: "nope", details: "x" }))).code).toBe(
      Code.NotFound,
    );
    await expectInvalid(vet.endAppointment({ appointmentId: "", details: "x" }), "appointment_id");
    await expectInvalid(vet.endAppointment({ appointmentId: appointment!.id, details: " " }), "details");
  });

  test("cancel; cancelling or ending a cancelled one is AlreadyExists; unknown is NotFound", async () => {
    const { appointment } = await vet.makeAppointment({ petId, startsAt: "2024-03-01T10:00:00Z" });
    const cancelled = await vet.cancelAppointment({ appointmentId: appointment!.id });
    expect(cancelled.appointment!.status).toBe(AppointmentStatus.CANCELLED);
    expect(cancelled.appointment!.cancelledAt).toBe(new Date(NOW + 1000).toISOString());
    expect((await failure(vet.cancelAppointment({ appointmentId: appointment!.id }))).code).toBe(
      Code.AlreadyExists,
    );
    expect((await failure(vet.endAppointment({ appointmentId: appointment!.id, details: "x" }))).code).toBe(
      Code.AlreadyExists,
    );
    expect((await failure(vet.cancelAppointment({ appointmentId: "nope" }))).code).toBe(Code.NotFound);
    // the cancelled slot is free again
    await vet.makeAppointment({ petId, startsAt: "2024-03-01T10:00:00Z" });
  });

  test("list by pet and [from, to)", async () => {
    const { appointments } = await vet.listAppointments({
      petId,
      from: "2024-02-01T10:00:00Z",
      to: "2024-03-01T10:00:00Z",
    });
    expect(appointments.map((a) => [a.startsAt, a.status])).toEqual([
      ["2024-02-01T10:00:00.000Z", AppointmentStatus.ENDED],
    ]);
    const all = await vet.listAppointments({ petId });
    expect(all.appointments.map((a) => a.startsAt.slice(0, 16))).toEqual([
      "2023-09-09T13:00",
      "2023-09-09T13:30",
      "2024-02-01T10:00",
      "2024-03-01T10:00",
      "2024-03-01T10:00",
      "2025-01-01T10:00",
    ]);
    expect(all.appointments.map((a) => a.status).sort()).toEqual([1, 1, 1, 1, 2, 3]);
    await expectInvalid(vet.listAppointments({ petId, from: "yesterday" }), "from");
    await expectInvalid(
      vet.listAppointments({ petId, from: "2024-02-01T10:00:00Z", to: "2024-01-01T10:00:00Z" }),
      "to",
    );
    await expectInvalid(vet.listAppointments({ petId: "" }), "pet_id");
  });
});

describe("ListRecords", () => {
  test("newest first, paginated with an opaque token", async () => {
    const pet = await registerPet(owner.owners, "records@asd.com");
    for (let i = 0; i < 5; i++) {
      const { appointment } = await vet.makeAppointment({
        petId: pet,
        startsAt: `2024-04-0${i + 1}T10:00:00Z`,
      });
      clock.set(NOW + i * DAY);
      await vet.endAppointment({ appointmentId: appointment!.id, details: `visit ${i}` });
    }
    const first = await vet.listRecords({ petId: pet, pageSize: 2 });
    expect(first.records.map((r) => r.details)).toEqual(["visit 4", "visit 3"]);
    expect(first.nextPageToken).not.toBe("");
    const second = await vet.listRecords({ petId: pet, pageSize: 2, pageToken: first.nextPageToken });
    expect(second.records.map((r) => r.details)).toEqual(["visit 2", "visit 1"]);
    const third = await vet.listRecords({ petId: pet, pageSize: 2, pageToken: second.nextPageToken });
    expect(third.records.map((r) => r.details)).toEqual(["visit 0"]);
    expect(third.nextPageToken).toBe("");
    await expectInvalid(vet.listRecords({ petId: pet, pageToken: "garbage" }), "page_token");
    await expectInvalid(vet.listRecords({ petId: pet, pageSize: -1 }), "page_size");
  });
});

describe("RecordVaccination and ListVaccinations", () => {
  test("next due from the interval table; a newer one supersedes; due states follow the clock", async () => {
    const pet = await registerPet(owner.owners, "vacc@asd.com");
    clock.set(NOW);
    const first = await vet.recordVaccination({
      petId: pet,
      vaccine: "Rabies",
      administeredAt: "2023-01-10",
      batch: "B1",
    });
    expect(first.vaccination).toMatchObject({
      vaccine: "Rabies",
      administeredAt: "2023-01-10T00:00:00.000Z",
      nextDueAt: "2024-01-10T00:00:00.000Z",
      batch: "B1",
      dueState: DueState.DUE_SOON,
    });
    const given = await vet.recordVaccination({
      petId: pet,
      vaccine: "DHPP",
      administeredAt: "2023-12-01T10:00:00Z",
      nextDueAt: "2023-12-30",
    });
    expect(given.vaccination!.dueState).toBe(DueState.DUE);
    const unknown = await vet.recordVaccination({
      petId: pet,
      vaccine: "Exotic",
      administeredAt: "2023-12-01",
    });
    expect([unknown.vaccination!.nextDueAt, unknown.vaccination!.dueState]).toEqual(["", DueState.NONE]);
    const newer = await vet.recordVaccination({
      petId: pet,
      vaccine: "rabies",
      administeredAt: "2023-12-31",
    });
    expect(newer.vaccination!.dueState).toBe(DueState.NOT_DUE);
    const { vaccinations } = await vet.listVaccinations({ petId: pet });
    expect(vaccinations.map((v) => [v.vaccine, v.dueState, v.supersededBy])).toEqual([
      ["rabies", DueState.NOT_DUE, ""],
      ["DHPP", DueState.DUE, ""],
      ["Exotic", DueState.NONE, ""],
      ["Rabies", DueState.SUPERSEDED, newer.vaccination!.id],
    ]);
    clock.set(Date.UTC(2024, 0, 7));
    const later = await vet.listVaccinations({ petId: pet });
    expect(later.vaccinations[1]!.dueState).toBe(DueState.OVERDUE);
  });

  test("bad input is InvalidArgument naming the field; unknown pet is NotFound", async () => {
    await expectInvalid(
      vet.recordVaccination({ petId, vaccine: "", administeredAt: "2023-01-10" }),
      "vaccine",
    );
    // The vaccine name goes into the reminder's subject line: no CR/LF or other control character.
    for (const vaccine of ["Rabies\r\nBcc: x@y.com", "Rab\u0000ies", "Rab\u2028ies"]) {
      await expectInvalid(vet.recordVaccination({ petId, vaccine, administeredAt: "2023-01-10" }), "vaccine");
    }
    await expectInvalid(
      vet.recordVaccination({ petId, vaccine: "Rabies", administeredAt: "2023-13-45" }),
      "administered_at",
    );
    await expectInvalid(
      vet.recordVaccination({ petId, vaccine: "Rabies", administeredAt: "2023-01-10", nextDueAt: "soon" }),
      "next_due_at",
    );
    await expectInvalid(
      vet.recordVaccination({
        petId,
        vaccine: "Rabies",
        administeredAt: "2023-01-10",
        nextDueAt: "2022-01-10",
      }),
      "next_due_at",
    );
    const error = await failure(
      vet.recordVaccination({ petId: "ghost", vaccine: "Rabies", administeredAt: "2023-01-10" }),
    );
    expect(error.code).toBe(Code.NotFound);
    await expectInvalid(vet.listVaccinations({ petId: "" }), "pet_id");
  });
});

describe("ErasePets", () => {
  test("erases appointments, records and vaccinations of the pets and tombstones them; twice and unknown pets succeed", async () => {
    const pet = await registerPet(owner.owners, "erase@asd.com");
    const { appointment } = await vet.makeAppointment({ petId: pet, startsAt: "2024-05-01T10:00:00Z" });
    await vet.endAppointment({ appointmentId: appointment!.id, details: "fine" });
    await vet.makeAppointment({ petId: pet, startsAt: "2024-06-01T10:00:00Z" });
    await vet.recordVaccination({ petId: pet, vaccine: "Rabies", administeredAt: "2024-01-01" });
    const before = (await vet.listAppointments({ petId: otherPetId })).appointments;

    const first = await internal.erasePets({ sagaId: "saga-1", petIds: [pet, "unknown-pet"] });
    expect([first.appointmentsErased, first.recordsErased, first.vaccinationsErased]).toEqual([2, 1, 1]);
    const second = await internal.erasePets({ sagaId: "saga-1", petIds: [pet, "unknown-pet"] });
    expect([second.appointmentsErased, second.recordsErased, second.vaccinationsErased]).toEqual([0, 0, 0]);
    const empty = await internal.erasePets({ sagaId: "saga-2", petIds: [] });
    expect(empty.appointmentsErased).toBe(0);
    await expectInvalid(internal.erasePets({ sagaId: " ", petIds: [pet] }), "saga_id");
    await expectInvalid(internal.erasePets({ sagaId: "saga-3", petIds: ["x".repeat(129)] }), "pet_ids");

    expect(await app.repository.listAppointments(pet, {})).toEqual([]);
    expect(await app.repository.listRecords(pet, 10)).toEqual([]);
    expect(await app.repository.listVaccinations(pet)).toEqual([]);
    expect(await app.repository.listPendingReminders(pet)).toEqual([]);
    // tombstoned: reads and writes are NotFound although the owner service still knows the pet
    for (const call of [
      vet.listAppointments({ petId: pet }),
      vet.listRecords({ petId: pet }),
      vet.listVaccinations({ petId: pet }),
      vet.listReminders({ petId: pet }),
      vet.makeAppointment({ petId: pet, startsAt: "2024-07-01T10:00:00Z" }),
      vet.recordVaccination({ petId: pet, vaccine: "Rabies", administeredAt: "2024-02-01" }),
    ]) {
      const error = await failure(call);
      expect([error.code, error.rawMessage]).toEqual([Code.NotFound, `pet ${pet} not found`]);
    }
    expect(await app.repository.getErasedPet(pet)).toEqual({
      sagaId: "saga-1",
      erasedAt: clock.now().getTime(),
    });
    expect((await vet.listAppointments({ petId: otherPetId })).appointments).toEqual(before);
  });
});
