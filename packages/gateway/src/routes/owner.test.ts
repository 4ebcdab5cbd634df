import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness, json } from "../testing/harness.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

beforeAll(async () => {
  h = await createGatewayHarness();
});
afterAll(async () => {
  await h.close();
});

const post = (path: string, body: unknown, headers?: Record<string, string>) =>
  h.app.request(path, json("POST", body, headers));

describe("POST /api/owner/register", () => {
  test("201 with the owner id, then 409 for the same email", async () => {
    const res = await post("/api/owner/register", { email: "reg@asd.com" });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as { message: string; ownerId: string };
    expect(body.message).toBe("Register successful");
    expect(body.ownerId).toMatch(UUID);
    expect(Object.keys(body)).toEqual(["message", "ownerId"]);
    const again = await post("/api/owner/register", { email: "REG@asd.com" });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: "email already registered" });
  });

  test("400 naming the field: bad email, missing, wrong type", async () => {
    const bad = await post("/api/owner/register", { email: "not-an-email" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { details: unknown }).details).toEqual({ field: "email" });
    const missing = await post("/api/owner/register", {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: "Invalid email: is required",
      details: { field: "email" },
    });
    const typed = await post("/api/owner/register", { email: 42 });
    expect(typed.status).toBe(400);
    expect(((await typed.json()) as { details: unknown }).details).toEqual({ field: "email" });
  });

  test("400 on malformed JSON, a non-object body and a wrong content type; 413 over the body limit", async () => {
    const malformed = await post("/api/owner/register", "{bad json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ error: "Malformed JSON body", details: { field: "body" } });
    const array = await post("/api/owner/register", "[1]");
    expect(array.status).toBe(400);
    expect(((await array.json()) as { details: unknown }).details).toEqual({ field: "body" });
    const text = await h.app.request("/api/owner/register", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: '{"email":"x@y.com"}',
    });
    expect(text.status).toBe(400);
    expect(await text.json()).toEqual({
      error: "Content-Type must be application/json",
      details: { field: "Content-Type" },
    });
    const huge = await post("/api/owner/register", { email: `${"a".repeat(70 * 1024)}@asd.com` });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: "Request body too large" });
  });
});

describe("pets", () => {
  test("register-pet 201 with petId; list by email and by id in API.md's exact shape", async () => {
    const reg = (await (await post("/api/owner/register", { email: "pets@asd.com" })).json()) as {
      ownerId: string;
    };
    const res = await post("/api/owner/register-pet", {
      email: "pets@asd.com",
      type: "Dog",
      race: "Chihuaua",
      name: "Devil incarnate",
    });
    expect(res.status).toBe(201);
    const { message, petId } = (await res.json()) as { message: string; petId: string };
    expect(message).toBe("Pet Register successful");
    expect(petId.length).toBeGreaterThan(0);
    const expected = {
      message: "ok",
      pets: [{ Id: petId, Type: "Dog", Race: "Chihuaua", Name: "Devil incarnate" }],
    };
    const byEmail = await h.app.request("/api/owner/pets@asd.com/pets");
    expect(byEmail.status).toBe(200);
    expect(await byEmail.json()).toEqual(expected);
    const byId = await h.app.request(`/api/owner/${reg.ownerId}/pets`);
    expect(byId.status).toBe(200);
    expect(await byId.json()).toEqual(expected);
    const byIdPet = await post("/api/owner/register-pet", {
      email: reg.ownerId,
      type: "Cat",
      race: "Tabby",
      name: "Tom",
    });
    expect(byIdPet.status).toBe(201);
  });

  test("register-pet 404 for an unknown owner, 400 naming a missing field", async () => {
    const unknown = await post("/api/owner/register-pet", {
      email: "nobody@asd.com",
      type: "Dog",
      race: "x",
      name: "y",
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "owner not found" });
    const missing = await post("/api/owner/register-pet", { email: "pets@asd.com", type: "Dog", race: "x" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "Invalid name: is required", details: { field: "name" } });
  });

  test("list 404 for an unknown owner", async () => {
    const res = await h.app.request("/api/owner/ghost@asd.com/pets");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "owner not found" });
  });
});

describe("DELETE /api/owner/remove-data/{email}", () => {
  test("200 when the saga completes; the owner is gone after", async () => {
    await post("/api/owner/register", { email: "gone@asd.com" });
    await post("/api/owner/register-pet", { email: "gone@asd.com", type: "Dog", race: "x", name: "y" });
    const res = await h.app.request("/api/owner/remove-data/gone@asd.com", { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: "Owner deleted successfully" });
    expect((await h.app.request("/api/owner/gone@asd.com/pets")).status).toBe(404);
  });

  test("accepts the owner id; 404 for an unknown owner", async () => {
    const { ownerId } = (await (await post("/api/owner/register", { email: "byid@asd.com" })).json()) as {
      ownerId: string;
    };
    const res = await h.app.request(`/api/owner/remove-data/${ownerId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    const unknown = await h.app.request("/api/owner/remove-data/nobody@asd.com", { method: "DELETE" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "owner not found" });
  });

  test("202 when a participant is down: the owner is hidden at once", async () => {
    const down = await createGatewayHarness({ participantDown: true, removalWaitMs: 200 });
    try {
      await down.app.request("/api/owner/register", json("POST", { email: "slow@asd.com" }));
      const pet = { email: "slow@asd.com", type: "Dog", race: "x", name: "y" };
      expect((await down.app.request("/api/owner/register-pet", json("POST", pet))).status).toBe(201);
      const res = await down.app.request("/api/owner/remove-data/slow@asd.com", { method: "DELETE" });
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ message: "Owner deletion in progress" });
      expect((await down.app.request("/api/owner/slow@asd.com/pets")).status).toBe(404);
    } finally {
      await down.close();
    }
  });
});
