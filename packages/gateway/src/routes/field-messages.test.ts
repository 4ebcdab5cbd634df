import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness, json } from "../testing/harness.ts";

let h: Awaited<ReturnType<typeof createGatewayHarness>>;
let petId: string;
beforeAll(async () => {
  h = await createGatewayHarness();
  await h.app.request("/api/owner/register", json("POST", { email: "fields@asd.com" }));
  const pet = await h.app.request(
    "/api/owner/register-pet",
    json("POST", { email: "fields@asd.com", type: "Dog", race: "", name: "Rex" }),
  );
  petId = ((await pet.json()) as { petId: string }).petId;
});
afterAll(async () => {
  await h.close();
});

const answer = async (res: Response) => ({ status: res.status, body: await res.json() });
const post = async (path: string, body: unknown) => answer(await h.app.request(path, json("POST", body)));
const get = async (path: string) => answer(await h.app.request(path));
const bad = (field: string, error: string) => ({ status: 400, body: { error, details: { field } } });

describe("every 400 names the field the client sent and what was wrong (issue #19)", () => {
  test("a wrongly typed field says the type it must be, not 'is required'", async () => {
    expect(await post("/api/owner/register", { email: 123 })).toEqual(
      bad("email", "Invalid email: must be a string (got number)"),
    );
    expect(await post("/api/owner/register", { email: null })).toEqual(
      bad("email", "Invalid email: must be a string (got null)"),
    );
    expect(
      await post("/api/owner/register-pet", { email: "fields@asd.com", type: "Dog", race: [], name: "x" }),
    ).toEqual(bad("race", "Invalid race: must be a string (got array)"));
    expect(
      await post("/api/veterinary/make-appointment", { petId: true, dateTime: "2030-01-01T10:00:00.000Z" }),
    ).toEqual(bad("petId", "Invalid petId: must be a string or a number (got boolean)"));
    expect(
      await post("/api/veterinary/make-appointment", { petId: 1.5, dateTime: "2030-01-01T10:00:00.000Z" }),
    ).toEqual(bad("petId", "Invalid petId: must be a string or an integer (got number)"));
    expect(
      await post("/api/veterinary/make-appointment", {
        petId,
        dateTime: "2030-01-01T10:00:00.000Z",
        durationMinutes: 1.5,
      }),
    ).toEqual(bad("durationMinutes", "Invalid durationMinutes: must be an integer (got number)"));
    expect(await post("/api/owner/register", [1])).toEqual(
      bad("body", "Invalid body: must be a JSON object (got array)"),
    );
  });

  test("a missing field is still 'is required' (the first version's wording)", async () => {
    expect(await post("/api/owner/register", {})).toEqual(bad("email", "Invalid email: is required"));
  });

  test("query parameters: pageSize=abc must be an integer; bounds are said as numbers", async () => {
    const records = `/api/veterinary/pets/${petId}/records`;
    expect(await get(`${records}?pageSize=abc`)).toEqual(
      bad("pageSize", "Invalid pageSize: must be an integer"),
    );
    expect(await get(`${records}?pageSize=1.5`)).toEqual(
      bad("pageSize", "Invalid pageSize: must be an integer"),
    );
    expect(await get(`${records}?pageSize=-1`)).toEqual(
      bad("pageSize", "Invalid pageSize: must be at least 0"),
    );
    expect(await get(`${records}?pageSize=1001`)).toEqual(
      bad("pageSize", "Invalid pageSize: must be at most 1000"),
    );
    expect((await get(`${records}?pageSize=20`)).status).toBe(200);
  });

  test("a bad dateTime found by the veterinary service names dateTime, never starts_at", async () => {
    const res = await post("/api/veterinary/make-appointment", { petId, dateTime: "next tuesday" });
    expect(res).toEqual(
      bad("dateTime", "Invalid dateTime: must be an ISO-8601 instant such as 2023-09-09T13:00:00.000Z"),
    );
    expect(JSON.stringify(res.body)).not.toContain("starts_at");
    const vaccination = await post("/api/veterinary/vaccinations", {
      petId,
      vaccine: "Rabies",
      administeredAt: "2024-01-10",
      nextDueAt: "soon",
    });
    expect(vaccination.status).toBe(400);
    expect((vaccination.body as { details: unknown }).details).toEqual({ field: "nextDueAt" });
    expect((vaccination.body as { error: string }).error).toStartWith("Invalid nextDueAt: ");
    expect((vaccination.body as { error: string }).error).not.toContain("next_due_at");
  });
});
