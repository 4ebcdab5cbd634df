import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness, json } from "../testing/harness.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
const pets: string[] = [];
const ids: string[] = [];

const post = (path: string, body: unknown) => h.app.request(path, json("POST", body));
const get = (path: string) => h.app.request(path);

beforeAll(async () => {
  h = await createGatewayHarness();
  for (const [email, name] of [
    ["front@asd.com", "Rex"],
    ["desk@asd.com", "Tom"],
  ] as const) {
    await post("/api/owner/register", { email });
    const res = await post("/api/owner/register-pet", { email, type: "Dog", race: "x", name });
    pets.push(((await res.json()) as { petId: string }).petId);
  }
  for (const [pet, dateTime] of [
    [pets[1]!, "2032-05-04T15:00:00.000Z"],
    [pets[0]!, "2032-05-04T09:00:00.000Z"],
    [pets[0]!, "2032-05-05T09:00:00.000Z"],
  ] as const) {
    const res = await post("/api/veterinary/make-appointment", { petId: pet, dateTime });
    ids.push(((await res.json()) as { appointmentId: string }).appointmentId);
  }
});
afterAll(async () => {
  await h.close();
});

describe("GET /api/veterinary/appointments without petId (the clinic's calendar)", () => {
  test("?date= lists the whole clinic's day in start order, in the REST appointment shape", async () => {
    const res = await get("/api/veterinary/appointments?date=2032-05-04");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      message: "ok",
      appointments: [
        {
          appointmentId: ids[1],
          petId: pets[0],
          dateTime: "2032-05-04T09:00:00.000Z",
          durationMinutes: 30,
          reason: "",
          status: "scheduled",
        },
        {
          appointmentId: ids[0],
          petId: pets[1],
          dateTime: "2032-05-04T15:00:00.000Z",
          durationMinutes: 30,
          reason: "",
          status: "scheduled",
        },
      ],
    });
  });

  test("?from=&to= without petId; and with petId the first version's form is unchanged", async () => {
    const range = "from=2032-05-04T10:00:00.000Z&to=2032-05-06T00:00:00.000Z";
    const clinic = (await (await get(`/api/veterinary/appointments?${range}`)).json()) as {
      appointments: { appointmentId: string }[];
    };
    expect(clinic.appointments.map((a) => a.appointmentId)).toEqual([ids[0]!, ids[2]!]);
    const pet = (await (await get(`/api/veterinary/appointments?petId=${pets[0]}&${range}`)).json()) as {
      appointments: { appointmentId: string }[];
    };
    expect(pet.appointments.map((a) => a.appointmentId)).toEqual([ids[2]!]);
  });

  test("400 naming the field: no petId and no range, half a range, date with from, bad date, > 31 days", async () => {
    const cases: Array<[string, string, string]> = [
      ["", "petId", "Invalid petId: is required"],
      ["?from=2032-05-04T00:00:00.000Z", "to", "Invalid to: from and to are both required without petId"],
      ["?to=2032-05-04T00:00:00.000Z", "from", "Invalid from: from and to are both required without petId"],
      [
        "?date=2032-05-04&from=2032-05-04T00:00:00.000Z",
        "date",
        "Invalid date: give either date or from and to, not both",
      ],
      ["?date=04.05.2032", "date", "Invalid date: must be a date such as 2026-03-29"],
    ];
    for (const [query, field, error] of cases) {
      const res = await get(`/api/veterinary/appointments${query}`);
      expect([query, res.status, await res.json()]).toEqual([query, 400, { error, details: { field } }]);
    }
    const long = await get(
      "/api/veterinary/appointments?from=2032-05-01T00:00:00.000Z&to=2032-06-02T00:00:00.000Z",
    );
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: string }).error).toContain("at most 31 days");
    const impossible = await get("/api/veterinary/appointments?date=2032-02-30");
    expect(impossible.status).toBe(400);
  });
});
