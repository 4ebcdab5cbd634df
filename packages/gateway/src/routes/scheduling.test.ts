import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness, json } from "../testing/harness.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
let petId = "";
let vetId = "";
// 2032-05-03 is a Monday; the harness's clinic is on UTC.
const MONDAY = "2032-05-03";
const at = (clock: string) => `${MONDAY}T${clock}:00.000Z`;

const post = (path: string, body: unknown) => h.app.request(path, json("POST", body));
const get = (path: string) => h.app.request(path);
const read = async (res: Response) => [res.status, await res.json()] as const;
const slotsOf = async (query: string) => {
  const res = await get(`/api/veterinary/slots?${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { slots: { vetId: string; dateTime: string; endsAt: string }[] }).slots;
};

beforeAll(async () => {
  h = await createGatewayHarness();
  await post("/api/owner/register", { email: "slots@asd.com" });
  const pet = await post("/api/owner/register-pet", {
    email: "slots@asd.com",
    type: "Cat",
    race: "x",
    name: "Tom",
  });
  petId = ((await pet.json()) as { petId: string }).petId;
  const created = await post("/api/veterinary/create-vet", {
    name: "Dr. Ada Moss",
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "10:00" })),
  });
  expect(created.status).toBe(201);
  const body = (await created.json()) as { message: string; vetId: string };
  expect(body.message).toBe("Vet created");
  vetId = body.vetId;
});
afterAll(async () => {
  await h.close();
});

describe("scheduling reads", () => {
  test("GET /api/veterinary/appointment-types lists the configured types and lengths", async () => {
    expect(await read(await get("/api/veterinary/appointment-types"))).toEqual([
      200,
      {
        message: "ok",
        types: [
          { name: "consultation", durationMinutes: 20 },
          { name: "vaccination", durationMinutes: 10 },
          { name: "surgery", durationMinutes: 90 },
        ],
      },
    ]);
  });

  test("GET /api/veterinary/vets shows each vet with their weekly hours", async () => {
    const [status, body] = await read(await get("/api/veterinary/vets"));
    expect(status).toBe(200);
    expect(body).toEqual({
      message: "ok",
      vets: [
        {
          vetId,
          name: "Dr. Ada Moss",
          workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "10:00" })),
        },
      ],
    });
  });

  test("GET /api/veterinary/slots: free starts within hours, the type's length; none on a Saturday", async () => {
    const slots = await slotsOf(`date=${MONDAY}&type=consultation`);
    // every 10 minutes (SLOT_STEP_MINUTES) from 09:00 while 20 minutes still fit before 10:00
    expect(slots.map((s) => s.dateTime)).toEqual(["09:00", "09:10", "09:20", "09:30", "09:40"].map(at));
    expect(slots[0]).toEqual({ vetId, dateTime: at("09:00"), endsAt: at("09:20") });
    expect((await slotsOf(`date=${MONDAY}&durationMinutes=60&vetId=${vetId}`)).length).toBe(1);
    expect(await slotsOf("date=2032-05-08")).toEqual([]);
  });

  test("slots: 400 naming the field for bad input, 404 for an unknown vet", async () => {
    const cases: Array<[string, string, string]> = [
      ["", "date", "Invalid date: is required"],
      ["date=03.05.2032", "date", "Invalid date: must be a date such as 2026-03-29"],
      [
        `date=${MONDAY}&durationMinutes=abc`,
        "durationMinutes",
        "Invalid durationMinutes: must be an integer",
      ],
      [`date=${MONDAY}&durationMinutes=0`, "durationMinutes", "Invalid durationMinutes: must be at least 1"],
      [
        `date=${MONDAY}&type=grooming`,
        "type",
        "Invalid type: must be one of consultation, vaccination, surgery",
      ],
      ["date=2032-02-30", "date", "Invalid date: is not a valid date: 2032-02-30"],
    ];
    for (const [query, field, error] of cases) {
      const [status, body] = await read(await get(`/api/veterinary/slots?${query}`));
      expect([query, status, body]).toEqual([query, 400, { error, details: { field } }]);
    }
    expect((await get(`/api/veterinary/slots?date=${MONDAY}&vetId=nobody`)).status).toBe(404);
  });
});

describe("make-appointment with a vet, a type and a length", () => {
  test("books the named vet for the type's length; the slot is then gone; 409 when busy or outside hours", async () => {
    const made = await post("/api/veterinary/make-appointment", {
      petId,
      dateTime: at("09:00"),
      vetId,
      type: "consultation",
    });
    const body = (await made.json()) as { message: string; appointmentId: string; vetId: string };
    expect([made.status, body.message, body.vetId]).toEqual([201, "Appointment made", vetId]);
    const [, list] = await read(await get(`/api/veterinary/appointments?date=${MONDAY}&vetId=${vetId}`));
    expect((list as { appointments: unknown[] }).appointments).toEqual([
      {
        appointmentId: body.appointmentId,
        petId,
        dateTime: at("09:00"),
        durationMinutes: 20,
        reason: "",
        status: "scheduled",
        vetId,
        type: "consultation",
      },
    ]);
    expect((await slotsOf(`date=${MONDAY}&type=consultation`)).map((s) => s.dateTime)).toEqual(
      ["09:20", "09:30", "09:40"].map(at),
    );
    await post("/api/owner/register-pet", { email: "slots@asd.com", type: "Dog", race: "x", name: "Rex" });
    const pets = (await (await get("/api/owner/slots@asd.com/pets")).json()) as { pets: { Id: string }[] };
    const other = pets.pets.find((p) => p.Id !== petId)!.Id;
    // another pet, same vet, overlapping start: the vet is busy
    expect(
      await read(
        await post("/api/veterinary/make-appointment", {
          petId: other,
          dateTime: at("09:10"),
          vetId,
          durationMinutes: 15,
        }),
      ),
    ).toEqual([409, { error: `vet ${vetId} is busy at that time` }]);
    expect(
      await read(
        await post("/api/veterinary/make-appointment", { petId: other, dateTime: at("12:00"), vetId }),
      ),
    ).toEqual([409, { error: `vet ${vetId} is not working at that time` }]);
    // no vet named: any vet working and free then; none is at noon
    expect(
      await read(await post("/api/veterinary/make-appointment", { petId: other, dateTime: at("12:00") })),
    ).toEqual([409, { error: "no vet is working at that time" }]);
    const any = await post("/api/veterinary/make-appointment", { petId: other, dateTime: at("09:30") });
    expect([any.status, ((await any.json()) as { vetId: string }).vetId]).toEqual([201, vetId]);
    expect(
      await read(await post("/api/veterinary/make-appointment", { petId: other, dateTime: at("09:00") })),
    ).toEqual([409, { error: "no vet is free at that time" }]);
  });

  test("400 naming vetId / type; 404 for an unknown vet", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ vetId: "" }, "vetId"],
      [{ vetId: 7 }, "vetId"],
      [{ type: "grooming" }, "type"],
      [{ type: false }, "type"],
    ];
    for (const [extra, field] of cases) {
      const res = await post("/api/veterinary/make-appointment", { petId, dateTime: at("09:50"), ...extra });
      const body = (await res.json()) as { details?: { field: string } };
      expect([extra, res.status, body.details]).toEqual([extra, 400, { field }]);
    }
    const ghost = await post("/api/veterinary/make-appointment", {
      petId,
      dateTime: at("09:50"),
      vetId: "ghost",
    });
    expect(await read(ghost)).toEqual([404, { error: "vet ghost not found" }]);
  });
});

describe("the clinic's set-up", () => {
  test("set-working-hours replaces the week; 404 unknown vet; 400 naming the span at fault", async () => {
    const res = await post("/api/veterinary/set-working-hours", {
      vetId,
      workingHours: [{ weekday: 6, start: "10:00", end: "10:30" }],
    });
    expect(await read(res)).toEqual([
      200,
      {
        message: "Working hours set",
        vet: { vetId, name: "Dr. Ada Moss", workingHours: [{ weekday: 6, start: "10:00", end: "10:30" }] },
      },
    ]);
    expect((await slotsOf("date=2032-05-08&type=consultation")).length).toBe(2);
    expect(
      (await post("/api/veterinary/set-working-hours", { vetId: "ghost", workingHours: [] })).status,
    ).toBe(404);
    const edge = await post("/api/veterinary/set-working-hours", {
      vetId,
      workingHours: [{ weekday: 8, start: "10:00", end: "11:00" }],
    });
    expect(await read(edge)).toEqual([
      400,
      {
        error: "Invalid workingHours[0].weekday: must be at most 7",
        details: { field: "workingHours[0].weekday" },
      },
    ]);
    // found by the service (end before start): the same REST field name
    const service = await post("/api/veterinary/create-vet", {
      name: "Dr. Late",
      workingHours: [
        { weekday: 1, start: "09:00", end: "10:00" },
        { weekday: 2, start: "11:00", end: "10:00" },
      ],
    });
    expect(await read(service)).toEqual([
      400,
      {
        error: "Invalid workingHours[1].end: must be after workingHours[1].start",
        details: { field: "workingHours[1].end" },
      },
    ]);
    expect((await post("/api/veterinary/create-vet", { name: "" })).status).toBe(400);
  });

  test("a vet's leave removes their slots until it is removed; a holiday blocks everyone; list by day", async () => {
    const saturday = "2032-05-08";
    const leave = await post("/api/veterinary/add-schedule-exception", {
      vetId,
      from: saturday,
      to: saturday,
      reason: "conference",
    });
    const { exceptionId, message } = (await leave.json()) as { exceptionId: string; message: string };
    expect([leave.status, message]).toEqual([201, "Schedule exception added"]);
    expect(await slotsOf(`date=${saturday}`)).toEqual([]);
    expect(await read(await get(`/api/veterinary/schedule-exceptions?date=${saturday}`))).toEqual([
      200,
      {
        message: "ok",
        exceptions: [
          {
            exceptionId,
            vetId,
            startsAt: "2032-05-08T00:00:00.000Z",
            endsAt: "2032-05-09T00:00:00.000Z",
            reason: "conference",
          },
        ],
      },
    ]);
    expect(await read(await post("/api/veterinary/remove-schedule-exception", { exceptionId }))).toEqual([
      200,
      { message: "Schedule exception removed" },
    ]);
    expect((await slotsOf(`date=${saturday}`)).length).toBeGreaterThan(0);
    expect((await post("/api/veterinary/remove-schedule-exception", { exceptionId })).status).toBe(404);
    const holiday = await post("/api/veterinary/add-schedule-exception", {
      from: "2032-05-08T10:00:00.000Z",
      to: "2032-05-08T10:20:00.000Z",
    });
    expect(holiday.status).toBe(201);
    expect((await slotsOf(`date=${saturday}&durationMinutes=10`)).map((s) => s.dateTime)).toEqual([
      "2032-05-08T10:20:00.000Z",
    ]);
  });

  test("exceptions: 400 naming the field", async () => {
    const cases: Array<[string, Record<string, unknown> | string, string]> = [
      ["POST", { to: "2032-05-08" }, "from"],
      ["POST", { from: "2032-05-08", to: "2032-05-01" }, "to"],
      ["POST", { from: "soon", to: "2032-05-01" }, "from"],
      ["POST", { vetId: "ghost", from: "2032-05-08", to: "2032-05-08" }, "404"],
      ["GET", "from=2032-05-08T00:00:00.000Z", "to"],
      ["GET", "date=2032-05-08&from=2032-05-08T00:00:00.000Z", "date"],
      ["GET", "from=2032-05-01T00:00:00.000Z&to=2032-07-01T00:00:00.000Z", "to"],
    ];
    for (const [method, input, field] of cases) {
      const res =
        method === "POST"
          ? await post("/api/veterinary/add-schedule-exception", input)
          : await get(`/api/veterinary/schedule-exceptions?${input}`);
      const body = (await res.json()) as { details?: { field: string } };
      if (field === "404") expect(res.status).toBe(404);
      else expect([input, res.status, body.details]).toEqual([input, 400, { field }]);
    }
  });
});
