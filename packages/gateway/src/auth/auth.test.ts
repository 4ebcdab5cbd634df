import { afterAll, describe, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { createLogger } from "@vetmesh/kit";
import { createTestIssuer } from "@vetmesh/kit/auth";
import { createGatewayHarness, json } from "../testing/harness.ts";

const issuer = await createTestIssuer();
const lines: string[] = [];
const h = await createGatewayHarness({
  auth: { mode: "required", verifier: issuer.verifier() },
  logger: createLogger({ level: "info", sink: (line) => lines.push(line) }),
});
const open = await createGatewayHarness();
afterAll(async () => {
  await h.close();
  await open.close();
  issuer.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const reception = bearer(await issuer.token("reception", "desk@clinic.example"));
const vet = bearer(await issuer.token("vet", "vet@clinic.example"));
const admin = bearer(await issuer.token("admin", "admin@clinic.example"));
const ownerA = bearer(await issuer.token("owner", "a@owners.example"));
const ownerB = bearer(await issuer.token("owner", "b@owners.example"));

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await h.app.request(
    path,
    body === undefined ? { method, headers } : json(method, body, headers),
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

// Owner A with a pet and an appointment, owner B with a pet; set up by reception.
await call("POST", "/api/owner/register", reception, { email: "a@owners.example" });
await call("POST", "/api/owner/register", reception, { email: "b@owners.example" });
const petA = (
  await call("POST", "/api/owner/register-pet", reception, {
    email: "a@owners.example",
    type: "Dog",
    race: "Pug",
    name: "A",
  })
).body.petId as string;
const petB = (
  await call("POST", "/api/owner/register-pet", reception, {
    email: "b@owners.example",
    type: "Cat",
    race: "Tabby",
    name: "B",
  })
).body.petId as string;
const apptB = (
  await call("POST", "/api/veterinary/make-appointment", reception, {
    petId: petB,
    dateTime: "2030-01-01T10:00:00.000Z",
  })
).body.appointmentId as string;

describe("open mode (the default on loopback)", () => {
  test("GET /api/me says open; tokens, even bogus ones, are ignored", async () => {
    const me = await open.app.request("/api/me", { headers: { authorization: "Bearer nonsense" } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ mode: "open" });
    const res = await open.app.request(
      "/api/owner/register",
      json("POST", { email: "x@y.example" }, { authorization: "Bearer junk" }),
    );
    expect(res.status).toBe(201);
  });
});

describe("required mode", () => {
  test("no token: 401 {error: Unauthorized} with WWW-Authenticate: Bearer; health stays public", async () => {
    const res = await call("GET", `/api/owner/a@owners.example/pets`, {});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: "Unauthorized" });
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
    expect((await h.app.request("/api/status")).status).toBe(200);
  });

  test("a bad token is 401 on every kind of route", async () => {
    for (const [method, path, body] of [
      ["GET", "/api/me", undefined],
      ["POST", "/api/owner/register", { email: "z@z.example" }],
      ["GET", `/api/veterinary/pets/${petA}/records`, undefined],
    ] as const) {
      const res = await call(method, path, { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." }, body);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: "Unauthorized" });
    }
  });

  test("GET /api/me names the verified caller", async () => {
    const res = await call("GET", "/api/me", vet);
    expect(res).toMatchObject({
      status: 200,
      body: { mode: "required", subject: "vet@clinic.example", role: "vet", email: "vet@clinic.example" },
    });
  });

  test("roles: reception cannot read records; only vets end appointments; only admin or owner removes data", async () => {
    expect((await call("GET", `/api/veterinary/pets/${petA}/records`, reception)).status).toBe(403);
    expect((await call("GET", `/api/veterinary/pets/${petA}/records`, vet)).status).toBe(200);
    const denied = await call("POST", "/api/veterinary/end-appointment", reception, {
      appointmentId: apptB,
      details: "x",
    });
    expect(denied).toMatchObject({ status: 403, body: { error: "Forbidden" } });
    expect((await call("DELETE", "/api/owner/remove-data/b@owners.example", vet)).status).toBe(403);
    expect((await call("DELETE", "/api/owner/remove-data/b@owners.example", reception)).status).toBe(403);
  });

  test("owner A: own data yes; owner B's pets, records, vaccinations, appointments: 403 (cache miss and hit)", async () => {
    expect((await call("GET", "/api/owner/a@owners.example/pets", ownerA)).status).toBe(200);
    // B's list: first a miss (the owner service refuses), then cached by staff, then a hit (the gateway refuses)
    expect(await call("GET", "/api/owner/b@owners.example/pets", ownerA)).toMatchObject({
      status: 403,
      body: { error: "Forbidden" },
    });
    expect((await call("GET", "/api/owner/b@owners.example/pets", reception)).status).toBe(200);
    const hit = await call("GET", "/api/owner/b@owners.example/pets", ownerA);
    expect(hit).toMatchObject({ status: 403, body: { error: "Forbidden" } });
    for (const path of [
      `/api/veterinary/pets/${petB}/records`,
      `/api/veterinary/pets/${petB}/vaccinations`,
      `/api/veterinary/appointments?petId=${petB}`,
    ]) {
      expect((await call("GET", path, ownerA)).status).toBe(403);
      expect((await call("GET", path, ownerB)).status).toBe(200);
    }
    expect(
      (
        await call("POST", "/api/veterinary/make-appointment", ownerA, {
          petId: petB,
          dateTime: "2030-02-01T10:00:00.000Z",
        })
      ).status,
    ).toBe(403);
    expect(
      (await call("POST", "/api/veterinary/cancel-appointment", ownerA, { appointmentId: apptB })).status,
    ).toBe(403);
    expect(
      (
        await call("POST", "/api/owner/register-pet", ownerA, {
          email: "b@owners.example",
          type: "Dog",
          race: "x",
          name: "y",
        })
      ).status,
    ).toBe(403);
    expect((await call("DELETE", "/api/owner/remove-data/b@owners.example", ownerA)).status).toBe(403);
    expect(
      (
        await call("POST", "/api/veterinary/make-appointment", ownerA, {
          petId: petA,
          dateTime: "2030-02-01T10:00:00.000Z",
        })
      ).status,
    ).toBe(201);
  });

  test("writes and medical reads are audited: request id, subject, role, action, target, outcome", async () => {
    lines.length = 0;
    await h.app.request(`/api/veterinary/pets/${petB}/records`, {
      headers: { ...ownerA, "x-request-id": "audit-1" },
    });
    await h.app.request(`/api/veterinary/pets/${petB}/records`, {
      headers: { ...vet, "x-request-id": "audit-2" },
    });
    const audit = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === "audit");
    expect(
      audit.map(({ requestId, subject, role, action, target, outcome }) => ({
        requestId,
        subject,
        role,
        action,
        target,
        outcome,
      })),
    ).toEqual([
      {
        requestId: "audit-1",
        subject: "a@owners.example",
        role: "owner",
        action: "records.read",
        target: petB,
        outcome: "denied",
      },
      {
        requestId: "audit-2",
        subject: "vet@clinic.example",
        role: "vet",
        action: "records.read",
        target: petB,
        outcome: "ok",
      },
    ]);
  });

  test("rate limits are charged to the subject when a token verified, else to the IP", async () => {
    const first = bearer(await issuer.token("admin", undefined, "rate-subject-1"));
    const second = bearer(await issuer.token("admin", undefined, "rate-subject-2"));
    const remaining = async (headers: Record<string, string>) =>
      Number((await call("GET", "/api/me", headers)).headers.get("ratelimit-remaining"));
    const read = h.config.RATE_LIMIT_READ.points;
    expect(await remaining(first)).toBe(read - 1);
    expect(await remaining(first)).toBe(read - 2);
    expect(await remaining(second)).toBe(read - 1);
    // without a valid token: the client's IP bucket, refused or not
    const anonymous = await remaining({});
    expect(await remaining({ authorization: "Bearer bad.token.here" })).toBe(anonymous - 1);
  });
});

describe("Connect pass-through in required mode", () => {
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (request, srv) => h.app.fetch(request, { server: srv }),
  });
  afterAll(() => server.stop(true));
  const client = createClient(
    OwnerService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${server.port}`, httpVersion: "1.1" }),
  );

  test("no token: Unauthenticated; a forged identity header is ignored; owner A on B: PermissionDenied", async () => {
    await expect(client.listPets({ ownerRef: "b@owners.example" })).rejects.toMatchObject({ code: 16 });
    await expect(
      client.listPets(
        { ownerRef: "b@owners.example" },
        { headers: { "x-vetmesh-identity": '{"role":"admin"}', "x-user-role": "admin" } },
      ),
    ).rejects.toMatchObject({ code: 16 });
    await expect(
      client.listPets({ ownerRef: "b@owners.example" }, { headers: ownerA }),
    ).rejects.toMatchObject({ code: 7 });
    const own = await client.listPets({ ownerRef: "a@owners.example" }, { headers: ownerA });
    expect(own.owner?.email).toBe("a@owners.example");
    await expect(
      client.removeOwnerData({ ownerRef: "a@owners.example" }, { headers: vet }),
    ).rejects.toMatchObject({ code: 7 });
    // the role passes for admin: the call reaches the owner service, which knows no such owner
    await expect(
      client.removeOwnerData({ ownerRef: "nobody@none.example" }, { headers: admin }),
    ).rejects.toMatchObject({ code: 5 });
  });
});
