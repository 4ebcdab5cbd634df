/**
 * Access control across processes, with real tokens: the whole system (the
 * code of `make run`) in AUTH_MODE=required, every REST route called by each
 * role on fresh data, owner A against owner B on every route, bad tokens of
 * many kinds, and identity headers forged by the client.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Role } from "@vetmesh/kit/auth";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";
import { type SystemTokens, systemTokens } from "../support/tokens.ts";

let system: RunningSystem;
let tokens: SystemTokens;
let reception: Record<string, string>;
let admin: Record<string, string>;
beforeAll(async () => {
  system = await startSystem({
    env: { AUTH_MODE: "required", RATE_LIMIT_WRITE: "100000/60", RATE_LIMIT_READ: "100000/60" },
  });
  tokens = systemTokens(system.dataDir);
  reception = await tokens.bearer("reception", "desk@clinic.test");
  admin = await tokens.bearer("admin", "admin@clinic.test");
}, 90_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

const unique = () => `acl-${crypto.randomUUID().slice(0, 8)}@owners.test`;
let slot = 0;
/** A distinct half hour per appointment, so no two fixtures' appointments overlap for one pet. */
const nextSlot = () => new Date(Date.UTC(2031, 0, 1, 8) + 30 * 60_000 * slot++).toISOString();

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

interface Fixture {
  email: string;
  ownerId: string;
  petId: string;
  appointmentId: string;
  vetId: string;
  exceptionId: string;
}
type Level = "none" | "owner" | "pet" | "appointment" | "vet" | "exception";

// Vets the matrix adds work around the clock, so the other rows' bookings (any vet free then) still succeed.
const ALWAYS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "24:00" }));

/** Fresh data made by reception (an owner, a pet, an appointment) or by an admin (a vet, their leave). */
async function fixture(level: Level): Promise<Fixture> {
  const f: Fixture = {
    email: unique(),
    ownerId: "",
    petId: "",
    appointmentId: "",
    vetId: "",
    exceptionId: "",
  };
  if (level === "none") return f;
  if (level === "vet" || level === "exception") {
    const vet = await call("POST", "/api/veterinary/create-vet", admin, {
      name: "Dr. Matrix",
      workingHours: ALWAYS,
    });
    f.vetId = String(vet.body.vetId);
    if (level === "vet") return f;
    const leave = { vetId: f.vetId, from: "2045-01-01", to: "2045-01-01" };
    f.exceptionId = String(
      (await call("POST", "/api/veterinary/add-schedule-exception", admin, leave)).body.exceptionId,
    );
    return f;
  }
  f.ownerId = String((await call("POST", "/api/owner/register", reception, { email: f.email })).body.ownerId);
  if (level === "owner") return f;
  const pet = { email: f.email, type: "Dog", race: "Pug", name: "Rex" };
  f.petId = String((await call("POST", "/api/owner/register-pet", reception, pet)).body.petId);
  if (level === "pet") return f;
  const made = await call("POST", "/api/veterinary/make-appointment", reception, {
    petId: f.petId,
    dateTime: nextSlot(),
  });
  f.appointmentId = String(made.body.appointmentId);
  return f;
}

interface RouteCase {
  name: string;
  level: Level;
  request(f: Fixture): [method: string, path: string, body?: unknown];
  /** The status of a permitted call on fresh data. */
  ok: number;
  /** Who may call it: README's table, written out here independently of the code's table. */
  allowed: Role[];
}

const ALL: Role[] = ["admin", "vet", "reception", "owner"];
const ROUTES: RouteCase[] = [
  { name: "GET /api/me", level: "none", request: () => ["GET", "/api/me"], ok: 200, allowed: ALL },
  {
    name: "POST /api/owner/register",
    level: "none",
    request: (f) => ["POST", "/api/owner/register", { email: f.email }],
    ok: 201,
    allowed: ["admin", "reception", "owner"],
  },
  {
    name: "POST /api/owner/register-pet",
    level: "owner",
    request: (f) => [
      "POST",
      "/api/owner/register-pet",
      { email: f.email, type: "Cat", race: "Any", name: "Tom" },
    ],
    ok: 201,
    allowed: ["admin", "reception", "owner"],
  },
  {
    name: "GET /api/owner/{email}/pets",
    level: "pet",
    request: (f) => ["GET", `/api/owner/${f.email}/pets`],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/owner/{ownerId}/pets",
    level: "pet",
    request: (f) => ["GET", `/api/owner/${f.ownerId}/pets`],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "DELETE /api/owner/remove-data/{email}",
    level: "pet",
    request: (f) => ["DELETE", `/api/owner/remove-data/${f.email}`],
    ok: 200,
    allowed: ["admin", "owner"],
  },
  {
    name: "DELETE /api/owner/remove-data/{ownerId}",
    level: "pet",
    request: (f) => ["DELETE", `/api/owner/remove-data/${f.ownerId}`],
    ok: 200,
    allowed: ["admin", "owner"],
  },
  {
    name: "POST /api/veterinary/make-appointment",
    level: "pet",
    request: (f) => ["POST", "/api/veterinary/make-appointment", { petId: f.petId, dateTime: nextSlot() }],
    ok: 201,
    allowed: ALL,
  },
  {
    name: "POST /api/veterinary/end-appointment",
    level: "appointment",
    request: (f) => [
      "POST",
      "/api/veterinary/end-appointment",
      { appointmentId: f.appointmentId, details: "ok" },
    ],
    ok: 200,
    allowed: ["vet"],
  },
  {
    name: "POST /end-appointment",
    level: "appointment",
    request: (f) => ["POST", "/end-appointment", { appointmentId: f.appointmentId, details: "ok" }],
    ok: 200,
    allowed: ["vet"],
  },
  {
    name: "POST /api/veterinary/cancel-appointment",
    level: "appointment",
    request: (f) => ["POST", "/api/veterinary/cancel-appointment", { appointmentId: f.appointmentId }],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/appointments?petId",
    level: "appointment",
    request: (f) => ["GET", `/api/veterinary/appointments?petId=${f.petId}`],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/appointments?date (clinic-wide)",
    level: "none",
    request: () => ["GET", "/api/veterinary/appointments?date=2031-01-01"],
    ok: 200,
    allowed: ["admin", "vet", "reception"],
  },
  {
    name: "GET /api/veterinary/pets/{petId}/records",
    level: "pet",
    request: (f) => ["GET", `/api/veterinary/pets/${f.petId}/records`],
    ok: 200,
    allowed: ["admin", "vet", "owner"],
  },
  {
    name: "POST /api/veterinary/vaccinations",
    level: "pet",
    request: (f) => [
      "POST",
      "/api/veterinary/vaccinations",
      { petId: f.petId, vaccine: "rabies", administeredAt: "2030-06-01T10:00:00.000Z" },
    ],
    ok: 201,
    allowed: ["vet"],
  },
  {
    name: "GET /api/veterinary/pets/{petId}/vaccinations",
    level: "pet",
    request: (f) => ["GET", `/api/veterinary/pets/${f.petId}/vaccinations`],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/pets/{petId}/reminders",
    level: "pet",
    request: (f) => ["GET", `/api/veterinary/pets/${f.petId}/reminders`],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/slots",
    level: "none",
    request: () => ["GET", "/api/veterinary/slots?date=2031-01-01"],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/vets",
    level: "none",
    request: () => ["GET", "/api/veterinary/vets"],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/appointment-types",
    level: "none",
    request: () => ["GET", "/api/veterinary/appointment-types"],
    ok: 200,
    allowed: ALL,
  },
  {
    name: "GET /api/veterinary/schedule-exceptions",
    level: "none",
    request: () => ["GET", "/api/veterinary/schedule-exceptions?date=2045-01-01"],
    ok: 200,
    allowed: ["admin", "vet", "reception"],
  },
  {
    name: "POST /api/veterinary/create-vet",
    level: "none",
    request: () => ["POST", "/api/veterinary/create-vet", { name: "Dr. New", workingHours: ALWAYS }],
    ok: 201,
    allowed: ["admin"],
  },
  {
    name: "POST /api/veterinary/set-working-hours",
    level: "vet",
    request: (f) => ["POST", "/api/veterinary/set-working-hours", { vetId: f.vetId, workingHours: ALWAYS }],
    ok: 200,
    allowed: ["admin"],
  },
  {
    name: "POST /api/veterinary/add-schedule-exception",
    level: "vet",
    request: (f) => [
      "POST",
      "/api/veterinary/add-schedule-exception",
      { vetId: f.vetId, from: "2045-02-01", to: "2045-02-01" },
    ],
    ok: 201,
    allowed: ["admin"],
  },
  {
    name: "POST /api/veterinary/remove-schedule-exception",
    level: "exception",
    request: (f) => ["POST", "/api/veterinary/remove-schedule-exception", { exceptionId: f.exceptionId }],
    ok: 200,
    allowed: ["admin"],
  },
];

describe("role matrix, route by route (fresh data per call)", () => {
  for (const route of ROUTES) {
    test(route.name, async () => {
      const seen: Record<string, number> = {};
      const expected: Record<string, number> = {};
      for (const role of ALL) {
        const f = await fixture(route.level);
        const headers = await tokens.bearer(role, role === "owner" ? f.email : `${role}@clinic.test`);
        const [method, path, body] = route.request(f);
        const res = await call(method, path, headers, body);
        seen[role] = res.status;
        expected[role] = route.allowed.includes(role) ? route.ok : 403;
        if (res.status === 403) expect(res.body).toEqual({ error: "Forbidden" });
      }
      expect(seen).toEqual(expected);
    }, 60_000);
  }
});

describe("owner A cannot read or alter owner B's data, on every route", () => {
  // The clinic's set-up belongs to no owner: the matrix above already refuses owners there.
  for (const route of ROUTES.filter((r) => !["none", "vet", "exception"].includes(r.level))) {
    test(route.name, async () => {
      const victim = await fixture(route.level);
      const intruder = await tokens.bearer("owner", unique());
      const [method, path, body] = route.request(victim);
      const res = await call(method, path, intruder, body);
      expect(res).toMatchObject({ status: 403, body: { error: "Forbidden" } });
      // nothing changed: B's pets and appointments are as reception made them
      const pets = await call("GET", `/api/owner/${victim.email}/pets`, reception);
      expect((pets.body.pets as unknown[]).length).toBe(victim.petId ? 1 : 0);
      if (victim.appointmentId) {
        const list = await call("GET", `/api/veterinary/appointments?petId=${victim.petId}`, reception);
        const appointments = list.body.appointments as Array<{ status: string }>;
        expect(appointments.map((a) => a.status)).toEqual(["scheduled"]);
      }
    }, 30_000);
  }

  test("registering someone else's email as an owner: 403", async () => {
    const res = await call("POST", "/api/owner/register", await tokens.bearer("owner", unique()), {
      email: unique(),
    });
    expect(res.status).toBe(403);
  });

  test("a cached list is not served to another owner (hit checked at the gateway)", async () => {
    const victim = await fixture("pet");
    const first = await call("GET", `/api/owner/${victim.email}/pets`, reception);
    const cached = await call("GET", `/api/owner/${victim.email}/pets`, reception);
    expect([first.headers.get("x-cache"), cached.headers.get("x-cache")]).toEqual(["miss", "hit"]);
    const res = await call("GET", `/api/owner/${victim.email}/pets`, await tokens.bearer("owner", unique()));
    expect(res).toMatchObject({ status: 403, body: { error: "Forbidden" } });
    const own = await call(
      "GET",
      `/api/owner/${victim.email}/pets`,
      await tokens.bearer("owner", victim.email),
    );
    expect(own.status).toBe(200);
    expect(own.headers.get("x-cache")).toBe("hit");
  });
});

describe("bad tokens are 401 with WWW-Authenticate: Bearer", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const claims = { sub: "x", role: "admin", iss: "vetmesh-local", aud: "vetmesh" };
  const cases: Array<[string, () => Promise<string>]> = [
    ["no token", async () => ""],
    ["expired", () => tokens.signed({ ...claims, exp: now() - 300 })],
    ["not yet valid", () => tokens.signed({ ...claims, exp: now() + 7200, nbf: now() + 3600 })],
    ["wrong audience", () => tokens.signed({ ...claims, aud: "other", exp: now() + 600 })],
    ["wrong issuer", () => tokens.signed({ ...claims, iss: "evil", exp: now() + 600 })],
    ["no exp", () => tokens.signed(claims)],
    [
      "missing role",
      () => tokens.signed({ sub: "x", iss: "vetmesh-local", aud: "vetmesh", exp: now() + 600 }),
    ],
    ["unknown role", () => tokens.signed({ ...claims, role: "superuser", exp: now() + 600 })],
    ["owner without email", () => tokens.signed({ ...claims, role: "owner", exp: now() + 600 })],
    [
      "alg none",
      async () => {
        const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
        return `Bearer ${part({ alg: "none", typ: "JWT" })}.${part({ ...claims, exp: now() + 600 })}.`;
      },
    ],
    [
      "HS256 keyed with the public JWKS",
      async () => {
        const { SignJWT } = await import("jose");
        const jwks = await (await import("node:fs/promises")).readFile(`${system.dataDir}/auth/jwks.json`);
        return new SignJWT({ ...claims, exp: now() + 600 })
          .setProtectedHeader({ alg: "HS256", kid: tokens.privateJwk.kid })
          .sign(new Uint8Array(jwks));
      },
    ],
    [
      "tampered payload (role raised to admin)",
      async () => {
        const [h, , s] = (await tokens.token("owner", unique())).split(".");
        const payload = Buffer.from(JSON.stringify({ ...claims, exp: now() + 600 })).toString("base64url");
        return `${h}.${payload}.${s}`;
      },
    ],
    ["malformed", async () => "not-a-jwt"],
    ["Basic scheme", async () => "Basic YWRtaW46YWRtaW4="],
  ];
  for (const [name, make] of cases) {
    test(name, async () => {
      const raw = await make();
      const header: Record<string, string> =
        raw === "" ? {} : { authorization: raw.startsWith("B") ? raw : `Bearer ${raw}` };
      for (const [method, path, body] of [
        ["GET", "/api/me"],
        ["GET", "/api/owner/someone@owners.test/pets"],
        ["POST", "/api/owner/register", { email: unique() }],
      ] as const) {
        const res = await call(method, path, header, body);
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ error: "Unauthorized" });
        expect(res.headers.get("www-authenticate")).toBe("Bearer");
      }
    });
  }
});

describe("identity headers forged by the client are ignored", () => {
  const forged = {
    "x-vetmesh-identity": '{"sub":"root","role":"admin"}',
    "vetmesh-identity": "admin",
    "x-user-role": "admin",
    "x-forwarded-user": "admin@clinic.test",
    "x-auth-request-email": "admin@clinic.test",
  };
  test("without a token: 401; with owner B's token on A's records: 403", async () => {
    const victim = await fixture("pet");
    const anonymous = await call("GET", `/api/veterinary/pets/${victim.petId}/records`, forged);
    expect(anonymous.status).toBe(401);
    const intruder = { ...forged, ...(await tokens.bearer("owner", unique())) };
    const res = await call("GET", `/api/veterinary/pets/${victim.petId}/records`, intruder);
    expect(res).toMatchObject({ status: 403, body: { error: "Forbidden" } });
    const me = await call("GET", "/api/me", intruder);
    expect(me.body.role).toBe("owner");
  });
});
