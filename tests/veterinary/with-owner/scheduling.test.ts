import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code } from "@connectrpc/connect";
import { createTestClock, failureParts as failure } from "@vetmesh/kit/testing";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

// Europe/Berlin: +01:00 in winter, +02:00 from 2026-03-29 02:00 (a Sunday) on.
const WEEKDAYS = [1, 2, 3, 4, 5];
const clock = createTestClock(Date.UTC(2026, 0, 1));
const owner = await createTestOwner();
const { app, vet } = await createTestVeterinary({
  ownerTransport: owner.transport,
  clinicTimeZone: "Europe/Berlin",
  clock: clock.now,
});
let ada = "";
let bob = "";
let rex = "";
let tom = "";
let kim = "";

beforeAll(async () => {
  rex = await registerPet(owner.owners, "rex@asd.com", "Rex");
  tom = await registerPet(owner.owners, "tom@asd.com", "Tom");
  kim = await registerPet(owner.owners, "kim@asd.com", "Kim");
  const split = WEEKDAYS.flatMap((weekday) => [
    { weekday, start: "09:00", end: "12:00" },
    { weekday, start: "13:00", end: "17:00" },
  ]);
  ada = (await vet.createVet({ name: "Dr. Ada", workingHours: split })).vet!.id;
  bob = (
    await vet.createVet({
      name: "Dr. Bob",
      workingHours: [...WEEKDAYS.map((weekday) => ({ weekday, start: "09:00", end: "17:00" }))],
    })
  ).vet!.id;
});
afterAll(async () => {
  await app.close();
  await owner.app.close();
});

describe("vets and working hours", () => {
  test("listed in creation order with their hours as local HH:MM", async () => {
    const { vets } = await vet.listVets({});
    expect(vets.map((v) => [v.id, v.name, v.workingHours.length])).toEqual([
      [ada, "Dr. Ada", 10],
      [bob, "Dr. Bob", 5],
    ]);
    expect(vets[0]!.workingHours.slice(0, 2).map((h) => [h.weekday, h.start, h.end])).toEqual([
      [1, "09:00", "12:00"],
      [1, "13:00", "17:00"],
    ]);
  });

  test("bad hours are InvalidArgument naming the field", async () => {
    const bad = (start: string, end: string, weekday = 1) =>
      failure(vet.createVet({ name: "x", workingHours: [{ weekday, start, end }] }));
    expect(await bad("09:00", "17:00", 8)).toEqual([
      Code.InvalidArgument,
      "working_hours[0].weekday",
      "working_hours[0].weekday must be 1 (Monday) to 7 (Sunday)",
    ]);
    expect((await bad("9am", "17:00"))[1]).toBe("working_hours[0].start");
    expect((await bad("17:00", "09:00"))[2]).toBe(
      "working_hours[0].end must be after working_hours[0].start",
    );
    expect((await bad("24:01", "24:00"))[1]).toBe("working_hours[0].start");
    const overlap = await failure(
      vet.createVet({
        name: "x",
        workingHours: [
          { weekday: 2, start: "09:00", end: "12:00" },
          { weekday: 2, start: "11:00", end: "13:00" },
        ],
      }),
    );
    expect(overlap).toEqual([
      Code.InvalidArgument,
      "working_hours",
      "working_hours has overlapping spans on weekday 2",
    ]);
    expect((await failure(vet.createVet({ name: " " })))[1]).toBe("name");
    expect((await failure(vet.setWorkingHours({ vetId: "nope", workingHours: [] })))[0]).toBe(Code.NotFound);
  });

  test("appointment types with their default lengths", async () => {
    const { types } = await vet.listAppointmentTypes({});
    expect(types.map((t) => [t.name, t.durationMinutes])).toEqual([
      ["consultation", 20],
      ["vaccination", 10],
      ["surgery", 90],
    ]);
  });
});

describe("MakeAppointment with vets", () => {
  // Monday 2026-02-02, +01:00: 09:00 local = 08:00Z.
  test("a named vet within hours is booked; the type gives the length", async () => {
    const { appointment } = await vet.makeAppointment({
      petId: rex,
      startsAt: "2026-02-02T08:00:00Z",
      vetId: ada,
      type: "Consultation",
    });
    expect(appointment).toMatchObject({ vetId: ada, type: "consultation", durationMinutes: 20 });
    const explicit = await vet.makeAppointment({
      petId: rex,
      startsAt: "2026-02-02T09:00:00Z",
      vetId: ada,
      type: "surgery",
      durationMinutes: 45,
    });
    expect(explicit.appointment).toMatchObject({ durationMinutes: 45, type: "surgery" });
  });

  test("409 when the named vet is busy, outside hours, or the span runs into the lunch break", async () => {
    expect(
      await failure(vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T08:10:00Z", vetId: ada })),
    ).toEqual([Code.AlreadyExists, undefined, `vet ${ada} is busy at that time`]);
    expect(
      await failure(vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T07:30:00Z", vetId: ada })),
    ).toEqual([Code.AlreadyExists, undefined, `vet ${ada} is not working at that time`]);
    // 11:50 local + 20 minutes crosses 12:00
    const lunch = await failure(
      vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T10:50:00Z", vetId: ada, type: "consultation" }),
    );
    expect(lunch[2]).toBe(`vet ${ada} is not working at that time`);
    // Saturday
    const weekend = await failure(
      vet.makeAppointment({ petId: tom, startsAt: "2026-02-07T09:00:00Z", vetId: bob }),
    );
    expect(weekend[2]).toBe(`vet ${bob} is not working at that time`);
    expect(
      await failure(vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T08:00:00Z", vetId: "nope" })),
    ).toEqual([Code.NotFound, undefined, "vet nope not found"]);
    expect(
      (
        await failure(vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T08:00:00Z", type: "dance" }))
      )[2],
    ).toBe("type must be one of consultation, vaccination, surgery");
  });

  test("no vet named: any vet free then; then 409 'no vet is free'; outside every vet's hours 409", async () => {
    const first = await vet.makeAppointment({ petId: tom, startsAt: "2026-02-02T08:05:00Z" });
    expect(first.appointment!.vetId).toBe(bob); // Ada is busy 08:00-08:20
    expect(await failure(vet.makeAppointment({ petId: kim, startsAt: "2026-02-02T08:10:00Z" }))).toEqual([
      Code.AlreadyExists,
      undefined,
      "no vet is free at that time",
    ]);
    const late = await failure(vet.makeAppointment({ petId: kim, startsAt: "2026-02-02T17:00:00Z" }));
    expect(late[2]).toBe("no vet is working at that time");
    // the per-pet rule still holds with another vet free
    const pet = await failure(
      vet.makeAppointment({ petId: rex, startsAt: "2026-02-02T08:00:00Z", vetId: bob }),
    );
    expect(pet[2]).toStartWith(`pet ${rex} already has an appointment at that time`);
    // a cancelled appointment frees the vet
    await vet.cancelAppointment({ appointmentId: first.appointment!.id });
    expect(
      (await vet.makeAppointment({ petId: kim, startsAt: "2026-02-02T08:10:00Z" })).appointment!.vetId,
    ).toBe(bob);
  });

  test("leave and clinic holidays block booking; removing the exception unblocks", async () => {
    const leave = await vet.addScheduleException({
      vetId: bob,
      from: "2026-02-03",
      to: "2026-02-03",
      reason: "leave",
    });
    expect(leave.exception).toMatchObject({
      vetId: bob,
      startsAt: "2026-02-02T23:00:00.000Z",
      endsAt: "2026-02-03T23:00:00.000Z",
      reason: "leave",
    });
    const onLeave = await failure(
      vet.makeAppointment({ petId: kim, startsAt: "2026-02-03T10:00:00Z", vetId: bob }),
    );
    expect(onLeave[2]).toBe(`vet ${bob} is not working at that time`);
    expect(
      (await vet.makeAppointment({ petId: kim, startsAt: "2026-02-03T10:00:00Z" })).appointment!.vetId,
    ).toBe(ada);
    const holiday = await vet.addScheduleException({
      from: "2026-02-04T00:00:00+01:00",
      to: "2026-02-05T00:00:00+01:00",
    });
    expect(holiday.exception!.vetId).toBe("");
    expect((await failure(vet.makeAppointment({ petId: kim, startsAt: "2026-02-04T10:00:00Z" })))[2]).toBe(
      "no vet is working at that time",
    );
    const listed = await vet.listScheduleExceptions({
      from: "2026-02-01T00:00:00Z",
      to: "2026-02-08T00:00:00Z",
    });
    expect(listed.exceptions.map((e) => e.id)).toEqual([leave.exception!.id, holiday.exception!.id]);
    await vet.removeScheduleException({ exceptionId: holiday.exception!.id });
    expect(
      (await vet.makeAppointment({ petId: kim, startsAt: "2026-02-04T10:00:00Z" })).appointment!.vetId,
    ).toBe(ada);
    expect((await failure(vet.removeScheduleException({ exceptionId: holiday.exception!.id })))[0]).toBe(
      Code.NotFound,
    );
    expect((await failure(vet.addScheduleException({ from: "2026-02-05", to: "2026-02-04" })))[1]).toBe("to");
    expect(
      (await failure(vet.addScheduleException({ vetId: "nope", from: "2026-02-05", to: "2026-02-05" })))[0],
    ).toBe(Code.NotFound);
  });
});

describe("FindFreeSlots", () => {
  test("free starts per vet, every step, skipping appointments and the lunch break", async () => {
    // Monday 2026-02-09: Ada has 09:00-09:20 local taken.
    await vet.makeAppointment({
      petId: rex,
      startsAt: "2026-02-09T08:00:00Z",
      vetId: ada,
      type: "consultation",
    });
    const { slots } = await vet.findFreeSlots({ date: "2026-02-09", vetId: ada, type: "surgery" });
    const starts = slots.map((s) => s.startsAt.slice(11, 16));
    // 90 minutes: morning 09:20-12:00 local fits starts 09:20..10:30; afternoon 13:00..15:30 (local = Z + 1h)
    expect(starts).toEqual([
      "08:20",
      "08:30",
      "08:40",
      "08:50",
      "09:00",
      "09:10",
      "09:20",
      "09:30",
      "12:00",
      "12:10",
      "12:20",
      "12:30",
      "12:40",
      "12:50",
      "13:00",
      "13:10",
      "13:20",
      "13:30",
      "13:40",
      "13:50",
      "14:00",
      "14:10",
      "14:20",
      "14:30",
    ]);
    expect(slots[0]).toEqual(
      expect.objectContaining({
        vetId: ada,
        startsAt: "2026-02-09T08:20:00.000Z",
        endsAt: "2026-02-09T09:50:00.000Z",
      }),
    );
    const both = await vet.findFreeSlots({ date: "2026-02-09", durationMinutes: 480 });
    expect(both.slots.map((s) => [s.vetId, s.startsAt])).toEqual([[bob, "2026-02-09T08:00:00.000Z"]]);
  });

  test("a DST change day: hours stay local, so the instants shift and a span over the gap is shorter", async () => {
    const sunday = (
      await vet.createVet({
        name: "Dr. Night",
        workingHours: [
          { weekday: 7, start: "01:00", end: "05:00" },
          { weekday: 7, start: "09:00", end: "10:00" },
        ],
      })
    ).vet!.id;
    // 60-minute appointments every 10 minutes: [how many, first start, last start]
    const on = async (date: string) => {
      const { slots } = await vet.findFreeSlots({ date, vetId: sunday, durationMinutes: 60 });
      const starts = slots.map((s) => s.startsAt.slice(0, 16));
      return [starts.length, starts[0], starts.at(-2), starts.at(-1)];
    };
    // 01:00-05:00 local is four hours (19 starts), 09:00-10:00 one (1 start)
    expect(await on("2026-03-22")).toEqual([20, "2026-03-22T00:00", "2026-03-22T03:00", "2026-03-22T08:00"]);
    // 01:00+01:00 .. 05:00+02:00 is three hours (13 starts); 09:00 local is 07:00Z
    expect(await on("2026-03-29")).toEqual([14, "2026-03-29T00:00", "2026-03-29T02:00", "2026-03-29T07:00"]);
    // fall back: 01:00+02:00 .. 05:00+01:00 is five hours (25 starts)
    expect(await on("2026-10-25")).toEqual([26, "2026-10-24T23:00", "2026-10-25T03:00", "2026-10-25T08:00"]);
    const booked = await vet.makeAppointment({ petId: tom, startsAt: "2026-03-29T07:00:00Z", vetId: sunday });
    expect(booked.appointment!.vetId).toBe(sunday);
    expect(
      (
        await failure(vet.makeAppointment({ petId: kim, startsAt: "2026-03-29T08:00:00Z", vetId: sunday }))
      )[2],
    ).toBe(`vet ${sunday} is not working at that time`);
  });

  test("past starts are not offered; bad input is InvalidArgument; unknown vet NotFound", async () => {
    clock.set(Date.parse("2026-02-09T12:55:00Z"));
    const { slots } = await vet.findFreeSlots({ date: "2026-02-09", vetId: ada, type: "surgery" });
    expect(slots.map((s) => s.startsAt.slice(11, 16))).toEqual([
      "13:00",
      "13:10",
      "13:20",
      "13:30",
      "13:40",
      "13:50",
      "14:00",
      "14:10",
      "14:20",
      "14:30",
    ]);
    clock.set(Date.UTC(2026, 0, 1));
    expect((await failure(vet.findFreeSlots({ date: "tomorrow" })))[1]).toBe("date");
    expect((await failure(vet.findFreeSlots({ date: "2026-02-09", type: "dance" })))[1]).toBe("type");
    expect((await failure(vet.findFreeSlots({ date: "2026-02-09", durationMinutes: 0 })))[1]).toBe(
      "duration_minutes",
    );
    expect((await failure(vet.findFreeSlots({ date: "2026-02-09", vetId: "nope" })))[0]).toBe(Code.NotFound);
  });
});
