import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Client, Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { kitRouterTransport } from "@vetmesh/kit/testing";
import { createGatewayHarness, json } from "../testing/harness.ts";

/**
 * `Idempotency-Key` on register-pet, vaccinations and make-appointment: passed to the services
 * as request_id, checked at the edge, and a repeat answers the first result.
 */
type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
let petId = "";
const email = "idem@asd.com";
const pet = { email, type: "Dog", race: "Pug", name: "Rex" };

const post = (path: string, body: unknown, key?: string) =>
  h.app.request(path, json("POST", body, key === undefined ? {} : { "Idempotency-Key": key }));

beforeAll(async () => {
  h = await createGatewayHarness();
  await post("/api/owner/register", { email });
  petId = ((await (await post("/api/owner/register-pet", pet)).json()) as { petId: string }).petId;
});
afterAll(async () => {
  await h.close();
});

const petNames = async (ref: string) => {
  const res = await h.app.request(`/api/owner/${encodeURIComponent(ref)}/pets`);
  return ((await res.json()) as { pets: Array<{ Id: string; Name: string }> }).pets;
};

describe("POST /api/owner/register-pet with Idempotency-Key", () => {
  test("a repeat is the same 201 body with the same petId; one pet stored", async () => {
    const before = (await petNames(email)).length;
    const first = await post("/api/owner/register-pet", { ...pet, name: "Once" }, "pet-key-1");
    expect(first.status).toBe(201);
    const body = (await first.json()) as { message: string; petId: string };
    expect(body.message).toBe("Pet Register successful");
    const again = await post("/api/owner/register-pet", { ...pet, name: "Once" }, "pet-key-1");
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(body);
    const pets = await petNames(email);
    expect(pets.length).toBe(before + 1);
    expect(pets.filter((p) => p.Name === "Once").map((p) => p.Id)).toEqual([body.petId]);
    // Another key (or none) is another pet.
    const other = (await (await post("/api/owner/register-pet", pet, "pet-key-2")).json()) as {
      petId: string;
    };
    expect(other.petId).not.toBe(body.petId);
  });

  test("a bad key is 400 naming Idempotency-Key, and nothing is stored", async () => {
    const before = (await petNames(email)).length;
    for (const key of ["", "with space", "a/b", "x".repeat(129), "clé"]) {
      const res = await post("/api/owner/register-pet", pet, key);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: "Invalid Idempotency-Key: must be 1..128 characters of A-Z a-z 0-9 . _ : -",
        details: { field: "Idempotency-Key" },
      });
    }
    expect((await petNames(email)).length).toBe(before);
  });
});

describe("POST /api/veterinary/vaccinations with Idempotency-Key", () => {
  const vaccination = () => ({ petId, vaccine: "rabies", administeredAt: "2030-01-01T00:00:00.000Z" });

  test("a repeat is the same 201 body with the same vaccinationId; one vaccination and one set of reminders", async () => {
    const first = await post("/api/veterinary/vaccinations", vaccination(), "vacc-key-1");
    expect(first.status).toBe(201);
    const body = (await first.json()) as { message: string; vaccinationId: string };
    const reminders = await (await h.app.request(`/api/veterinary/pets/${petId}/reminders`)).json();
    const again = await post("/api/veterinary/vaccinations", vaccination(), "vacc-key-1");
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(body);
    const list = await h.app.request(`/api/veterinary/pets/${petId}/vaccinations`);
    const ids = ((await list.json()) as { vaccinations: Array<{ vaccinationId: string }> }).vaccinations.map(
      (v) => v.vaccinationId,
    );
    expect(ids).toEqual([body.vaccinationId]);
    expect(await (await h.app.request(`/api/veterinary/pets/${petId}/reminders`)).json()).toEqual(reminders);
  });

  test("a bad key is 400 naming Idempotency-Key", async () => {
    const res = await post("/api/veterinary/vaccinations", vaccination(), "no spaces allowed");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown }).details).toEqual({ field: "Idempotency-Key" });
  });
});

describe("POST /api/veterinary/make-appointment with Idempotency-Key", () => {
  const appointment = (dateTime: string) => ({ petId, dateTime });
  const listed = async () => {
    const res = await h.app.request(`/api/veterinary/appointments?petId=${petId}`);
    return ((await res.json()) as { appointments: Array<{ appointmentId: string }> }).appointments.map(
      (a) => a.appointmentId,
    );
  };

  test("a repeat is the same 201 body with the same appointmentId (not a 409 against itself); one stored", async () => {
    const before = await listed();
    const first = await post(
      "/api/veterinary/make-appointment",
      appointment("2031-03-01T09:00:00.000Z"),
      "appt-1",
    );
    expect(first.status).toBe(201);
    const body = (await first.json()) as { message: string; appointmentId: string };
    expect(body.message).toBe("Appointment made");
    const again = await post(
      "/api/veterinary/make-appointment",
      appointment("2031-03-01T09:00:00.000Z"),
      "appt-1",
    );
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(body);
    expect(await listed()).toEqual([...before, body.appointmentId]);
    // Without a key the same slot is the overlap it always was.
    const unkeyed = await post("/api/veterinary/make-appointment", appointment("2031-03-01T09:00:00.000Z"));
    expect(unkeyed.status).toBe(409);
  });

  test("a bad key is 400 naming Idempotency-Key, and nothing is booked", async () => {
    const before = await listed();
    const res = await post(
      "/api/veterinary/make-appointment",
      appointment("2031-04-01T09:00:00.000Z"),
      "a b",
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { details: unknown }).details).toEqual({ field: "Idempotency-Key" });
    expect(await listed()).toEqual(before);
  });
});

test("register-pet whose answer was lost (503) and repeated with its key: 201 with the first pet, stored once", async () => {
  let real: Client<typeof OwnerService> | undefined;
  let lose = 1;
  const seen: Array<string | undefined> = [];
  const lossy = createRouterTransport((router) => {
    router.service(OwnerService, {
      async registerOwner(req) {
        return real!.registerOwner(req);
      },
      async registerPet(req) {
        seen.push(req.requestId);
        const res = await real!.registerPet(req);
        if (lose-- > 0) throw new ConnectError("connection reset after the write", Code.Unavailable);
        return res;
      },
      async listPets(req) {
        return real!.listPets(req);
      },
    });
  });
  const local = await createGatewayHarness({ transports: { owner: lossy } });
  real = createClient(OwnerService, kitRouterTransport("owner", local.owner.routes));
  try {
    const send = () =>
      local.app.request("/api/owner/register-pet", json("POST", pet, { "Idempotency-Key": "lost-answer-1" }));
    expect((await local.app.request("/api/owner/register", json("POST", { email }))).status).toBe(201);
    const lost = await send();
    expect(lost.status).toBe(503);
    const repeat = await send();
    expect(repeat.status).toBe(201);
    const { petId: kept } = (await repeat.json()) as { petId: string };
    const listed = await real.listPets({ ownerRef: email });
    expect(listed.pets.map((p) => p.id)).toEqual([kept]);
    expect(seen).toEqual(["lost-answer-1", "lost-answer-1"]);
  } finally {
    await local.close();
  }
});
