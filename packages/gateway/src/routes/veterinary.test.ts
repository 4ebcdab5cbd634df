import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createRouterTransport } from "@connectrpc/connect";
import { ReminderStage, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createGatewayHarness, json } from "../testing/harness.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
let petId = "";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const post = (path: string, body: unknown) => h.app.request(path, json("POST", body));
const get = (path: string) => h.app.request(path);

beforeAll(async () => {
  h = await createGatewayHarness();
  await post("/api/owner/register", { email: "vet@asd.com" });
  const res = await post("/api/owner/register-pet", {
    email: "vet@asd.com",
    type: "Dog",
    race: "x",
    name: "Rex",
  });
  petId = ((await res.json()) as { petId: string }).petId;
});
afterAll(async () => {
  await h.close();
});

async function makeAppointment(dateTime: string) {
  const res = await post("/api/veterinary/make-appointment", { petId, dateTime });
  expect(res.status).toBe(201);
  return ((await res.json()) as { appointmentId: string }).appointmentId;
}

describe("appointments", () => {
  test("make-appointment 201 with appointmentId; 409 at the same time; 404 unknown pet", async () => {
    const res = await post("/api/veterinary/make-appointment", {
      petId,
      dateTime: "2030-09-09T13:00:00.000Z",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { message: string; appointmentId: string };
    expect(body.message).toBe("Appointment made");
    expect(body.appointmentId).toMatch(UUID);
    // no vets configured: the first version's answer, no vetId
    expect(Object.keys(body)).toEqual(["message", "appointmentId"]);
    const clash = await post("/api/veterinary/make-appointment", {
      petId,
      dateTime: "2030-09-09T13:00:00.000Z",
    });
    expect(clash.status).toBe(409);
    expect(Object.keys((await clash.json()) as object)).toEqual(["error"]);
    const unknown = await post("/api/veterinary/make-appointment", {
      petId: "nope",
      dateTime: "2030-09-10T13:00:00.000Z",
    });
    expect(unknown.status).toBe(404);
  });

  test("make-appointment 400 naming the field: bad date, missing petId, wrongly typed", async () => {
    const badDate = await post("/api/veterinary/make-appointment", { petId, dateTime: "not a date" });
    expect(badDate.status).toBe(400);
    expect(((await badDate.json()) as { details: unknown }).details).toEqual({ field: "dateTime" });
    const missing = await post("/api/veterinary/make-appointment", { dateTime: "2030-09-09T13:00:00.000Z" });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { details: unknown }).details).toEqual({ field: "petId" });
    const typed = await post("/api/veterinary/make-appointment", {
      petId: true,
      dateTime: "2030-09-09T13:00:00.000Z",
    });
    expect(typed.status).toBe(400);
    expect(((await typed.json()) as { details: unknown }).details).toEqual({ field: "petId" });
  });

  test("end-appointment on both paths: 200, then 409 already ended; 404 unknown; 400 missing details", async () => {
    const first = await makeAppointment("2030-10-01T10:00:00.000Z");
    const res = await post("/api/veterinary/end-appointment", {
      appointmentId: first,
      details: "dog is evil",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Appointment ended" });
    const again = await post("/api/veterinary/end-appointment", { appointmentId: first, details: "again" });
    expect(again.status).toBe(409);
    const second = await makeAppointment("2030-10-02T10:00:00.000Z");
    const old = await post("/end-appointment", { appointmentId: second, details: "still evil" });
    expect(old.status).toBe(200);
    expect(await old.json()).toEqual({ message: "Appointment ended" });
    const unknown = await post("/end-appointment", { appointmentId: crypto.randomUUID(), details: "x" });
    expect(unknown.status).toBe(404);
    const missing = await post("/api/veterinary/end-appointment", { appointmentId: first });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: "Invalid details: is required",
      details: { field: "details" },
    });

    const records = await get(`/api/veterinary/pets/${petId}/records`);
    expect(records.status).toBe(200);
    const list = (await records.json()) as {
      message: string;
      records: Array<{ appointmentId: string; details: string }>;
    };
    expect(list.message).toBe("ok");
    expect(list.records.map((r) => [r.appointmentId, r.details])).toEqual([
      [second, "still evil"],
      [first, "dog is evil"],
    ]);
  });

  test("list and cancel", async () => {
    const id = await makeAppointment("2031-01-01T09:00:00.000Z");
    const cancel = await post("/api/veterinary/cancel-appointment", { appointmentId: id });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ message: "Appointment cancelled" });
    const res = await get(
      `/api/veterinary/appointments?petId=${petId}&from=2031-01-01T00:00:00.000Z&to=2031-01-02T00:00:00.000Z`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      appointments: Array<{ appointmentId: string; petId: string; dateTime: string; status: string }>;
    };
    expect(body.appointments.map((a) => [a.appointmentId, a.petId, a.dateTime, a.status])).toEqual([
      [id, petId, "2031-01-01T09:00:00.000Z", "cancelled"],
    ]);
    const noPet = await get("/api/veterinary/appointments");
    expect(noPet.status).toBe(400);
    expect(((await noPet.json()) as { details: unknown }).details).toEqual({ field: "petId" });
    const unknown = await post("/api/veterinary/cancel-appointment", { appointmentId: crypto.randomUUID() });
    expect(unknown.status).toBe(404);
  });
});

describe("vaccinations and reminders", () => {
  test("record 201, list, reminders; 400 naming the field", async () => {
    const res = await post("/api/veterinary/vaccinations", {
      petId,
      vaccine: "rabies",
      administeredAt: "2030-01-01T00:00:00.000Z",
      nextDueAt: "2031-01-01T00:00:00.000Z",
    });
    expect(res.status).toBe(201);
    const { message, vaccinationId } = (await res.json()) as { message: string; vaccinationId: string };
    expect(message).toBe("Vaccination recorded");
    const list = await get(`/api/veterinary/pets/${petId}/vaccinations`);
    expect(list.status).toBe(200);
    const body = (await list.json()) as {
      vaccinations: Array<{ vaccinationId: string; vaccine: string; nextDueAt: string }>;
    };
    expect(body.vaccinations.map((v) => [v.vaccinationId, v.vaccine, v.nextDueAt])).toEqual([
      [vaccinationId, "rabies", "2031-01-01T00:00:00.000Z"],
    ]);
    const bad = await post("/api/veterinary/vaccinations", {
      petId,
      vaccine: "rabies",
      administeredAt: "yesterday",
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: unknown }).details).toEqual({ field: "administeredAt" });
    const missing = await post("/api/veterinary/vaccinations", {
      petId,
      administeredAt: "2030-01-01T00:00:00.000Z",
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { details: unknown }).details).toEqual({ field: "vaccine" });
  });
});

test("reminders: REST shape of ListReminders (test-local veterinary upstream)", async () => {
  const local = await createGatewayHarness({
    transports: {
      veterinary: createRouterTransport((router) => {
        router.service(VeterinaryService, {
          listReminders: (req) => ({
            reminders: [
              {
                vaccinationId: "v1",
                petId: req.petId,
                vaccine: "rabies",
                stage: ReminderStage.UPCOMING,
                sendAt: "2031-01-01T00:00:00.000Z",
                dueAt: "2031-01-15T00:00:00.000Z",
              },
            ],
          }),
        });
      }),
    },
  });
  try {
    const res = await local.app.request("/api/veterinary/pets/p1/reminders");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      message: "ok",
      reminders: [
        {
          vaccinationId: "v1",
          petId: "p1",
          vaccine: "rabies",
          stage: "upcoming",
          sendAt: "2031-01-01T00:00:00.000Z",
          dueAt: "2031-01-15T00:00:00.000Z",
        },
      ],
    });
    // A method the upstream does not implement maps through the table: Unimplemented → 501.
    const missing = await local.app.request("/api/veterinary/pets/p1/vaccinations");
    expect(missing.status).toBe(501);
  } finally {
    await local.close();
  }
});

test("reminders?include=sent: asks for the sent ones too and shows sentAt; any other include is 400", async () => {
  const asked: boolean[] = [];
  const local = await createGatewayHarness({
    transports: {
      veterinary: createRouterTransport((router) => {
        router.service(VeterinaryService, {
          listReminders: (req) => {
            asked.push(req.includeSent);
            const sent = {
              vaccinationId: "v1",
              petId: req.petId,
              vaccine: "rabies",
              stage: ReminderStage.UPCOMING,
              sendAt: "2031-01-01T00:00:00.000Z",
              dueAt: "2031-01-15T00:00:00.000Z",
              sentAt: "2031-01-01T00:00:05.000Z",
            };
            return { reminders: req.includeSent ? [sent] : [] };
          },
        });
      }),
    },
  });
  try {
    const res = await local.app.request("/api/veterinary/pets/p1/reminders?include=sent");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      message: "ok",
      reminders: [
        {
          vaccinationId: "v1",
          petId: "p1",
          vaccine: "rabies",
          stage: "upcoming",
          sendAt: "2031-01-01T00:00:00.000Z",
          dueAt: "2031-01-15T00:00:00.000Z",
          sentAt: "2031-01-01T00:00:05.000Z",
        },
      ],
    });
    expect(await (await local.app.request("/api/veterinary/pets/p1/reminders")).json()).toEqual({
      message: "ok",
      reminders: [],
    });
    const bad = await local.app.request("/api/veterinary/pets/p1/reminders?include=everything");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: unknown }).details).toEqual({ field: "include" });
    expect(asked).toEqual([true, false]);
  } finally {
    await local.close();
  }
});
