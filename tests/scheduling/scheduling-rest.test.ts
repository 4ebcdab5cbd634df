/**
 * Clinic scheduling over real sockets (issue 18): a private `make run` with
 * the clinic in Europe/Berlin; the gateway's scheduling routes in front of the
 * two veterinary replicas. Hours are local, instants UTC, across a DST change.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { jsonCall } from "../support/json-call.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let system: RunningSystem;
let vetId = "";
const pets: string[] = [];

async function call(method: string, path: string, body?: unknown) {
  const { status, body: answer } = await jsonCall(system.gateway, method, path, body);
  return { status, body: answer };
}
const starts = (body: Record<string, unknown>) =>
  (body.slots as { dateTime: string }[]).map((slot) => slot.dateTime);

beforeAll(async () => {
  system = await startSystem({
    env: {
      CLINIC_TIME_ZONE: "Europe/Berlin",
      REDIS_KEY_PREFIX: `vetmesh:scheduling-${crypto.randomUUID()}:`,
    },
  });
  const email = "schedule@owners.test";
  expect((await call("POST", "/api/owner/register", { email })).status).toBe(201);
  for (const name of ["Rex", "Tom"]) {
    const pet = await call("POST", "/api/owner/register-pet", { email, type: "Dog", race: "Pug", name });
    pets.push(String(pet.body.petId));
  }
}, 90_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

describe("scheduling through the gateway (Europe/Berlin)", () => {
  test("an admin adds a vet with local hours; the vets and the appointment types are listed", async () => {
    // Saturday and Sunday 09:00-10:00 local: 2031-03-30 is the day Berlin moves to summer time.
    const workingHours = [6, 7].map((weekday) => ({ weekday, start: "09:00", end: "10:00" }));
    const created = await call("POST", "/api/veterinary/create-vet", { name: "Dr. Ada Moss", workingHours });
    expect(created.status).toBe(201);
    vetId = String(created.body.vetId);
    expect(await call("GET", "/api/veterinary/vets")).toEqual({
      status: 200,
      body: { message: "ok", vets: [{ vetId, name: "Dr. Ada Moss", workingHours }] },
    });
    const types = await call("GET", "/api/veterinary/appointment-types");
    expect(types.body.types).toEqual([
      { name: "consultation", durationMinutes: 20 },
      { name: "vaccination", durationMinutes: 10 },
      { name: "surgery", durationMinutes: 90 },
    ]);
  });

  test("slots: 09:00 local is 08:00Z before the DST change and 07:00Z on the day of it", async () => {
    const saturday = await call(
      "GET",
      `/api/veterinary/slots?date=2031-03-29&type=consultation&vetId=${vetId}`,
    );
    expect(saturday.status).toBe(200);
    expect(starts(saturday.body)).toEqual(
      ["08:00", "08:10", "08:20", "08:30", "08:40"].map((t) => `2031-03-29T${t}:00.000Z`),
    );
    const sunday = await call("GET", "/api/veterinary/slots?date=2031-03-30&durationMinutes=30");
    expect(starts(sunday.body)).toEqual(
      ["07:00", "07:10", "07:20", "07:30"].map((t) => `2031-03-30T${t}:00.000Z`),
    );
    expect(await call("GET", "/api/veterinary/slots?date=2031-03-30&type=grooming")).toEqual({
      status: 400,
      body: {
        error: "Invalid type: must be one of consultation, vaccination, surgery",
        details: { field: "type" },
      },
    });
    expect((await call("GET", "/api/veterinary/slots?vetId=x")).body).toEqual({
      error: "Invalid date: is required",
      details: { field: "date" },
    });
  });

  test("make-appointment books the vet for the type's length; busy and outside hours are 409 with the reason", async () => {
    const dateTime = "2031-03-30T07:00:00.000Z";
    const made = await call("POST", "/api/veterinary/make-appointment", {
      petId: pets[0],
      dateTime,
      vetId,
      type: "consultation",
    });
    expect(made).toMatchObject({ status: 201, body: { message: "Appointment made", vetId } });
    expect(
      await call("POST", "/api/veterinary/make-appointment", { petId: pets[1], dateTime, vetId }),
    ).toEqual({ status: 409, body: { error: `vet ${vetId} is busy at that time` } });
    // 10:00 local on the DST day is 08:00Z: past the end of the vet's hours
    expect(
      await call("POST", "/api/veterinary/make-appointment", {
        petId: pets[1],
        dateTime: "2031-03-30T08:00:00.000Z",
      }),
    ).toEqual({ status: 409, body: { error: "no vet is working at that time" } });
    const day = await call("GET", "/api/veterinary/appointments?date=2031-03-30");
    expect(day.body.appointments).toEqual([
      {
        appointmentId: made.body.appointmentId,
        petId: pets[0],
        dateTime,
        durationMinutes: 20,
        reason: "",
        status: "scheduled",
        vetId,
        type: "consultation",
      },
    ]);
    const after = await call("GET", "/api/veterinary/slots?date=2031-03-30&type=consultation");
    expect(starts(after.body)).toEqual(["07:20", "07:30", "07:40"].map((t) => `2031-03-30T${t}:00.000Z`));
  });

  test("leave on the DST day takes the vet's slots away until it is removed; hours can be replaced", async () => {
    const leave = await call("POST", "/api/veterinary/add-schedule-exception", {
      vetId,
      from: "2031-03-30",
      to: "2031-03-30",
      reason: "ill",
    });
    expect(leave.status).toBe(201);
    const listed = await call("GET", "/api/veterinary/schedule-exceptions?date=2031-03-30");
    // the local day of the DST change is 23 hours long: 23:00Z (CET midnight) to 22:00Z (CEST midnight)
    expect(listed.body.exceptions).toEqual([
      {
        exceptionId: leave.body.exceptionId,
        vetId,
        startsAt: "2031-03-29T23:00:00.000Z",
        endsAt: "2031-03-30T22:00:00.000Z",
        reason: "ill",
      },
    ]);
    expect(starts((await call("GET", "/api/veterinary/slots?date=2031-03-30")).body)).toEqual([]);
    expect(
      await call("POST", "/api/veterinary/remove-schedule-exception", {
        exceptionId: leave.body.exceptionId,
      }),
    ).toEqual({ status: 200, body: { message: "Schedule exception removed" } });
    const hours = await call("POST", "/api/veterinary/set-working-hours", {
      vetId,
      workingHours: [{ weekday: 7, start: "12:00", end: "12:30" }],
    });
    expect(hours.status).toBe(200);
    expect(starts((await call("GET", "/api/veterinary/slots?date=2031-03-30")).body)).toEqual([
      "2031-03-30T10:00:00.000Z",
    ]);
  });
});
