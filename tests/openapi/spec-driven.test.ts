/**
 * The served spec against a private run of the whole system (startSystem, the
 * code of `make run`): GET /openapi.json validates as OpenAPI 3.1
 * (@readme/openapi-parser) and is byte for byte docs/openapi.json; then the
 * first version's seed flow, its error cases and the resilience routes are
 * driven over real sockets, and every response is checked against the spec:
 * status documented for the operation, JSON body matching that status's
 * schema (Ajv, JSON Schema 2020-12), documented headers present and typed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validate } from "@readme/openapi-parser";
import {
  createSpecValidator,
  type OpenApiDocument,
  seen,
} from "../../packages/gateway/src/testing/spec-validator.ts";
import { ROOT } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let system: RunningSystem;
let specText: string;
let spec: OpenApiDocument;

beforeAll(async () => {
  // Own rate-limit buckets come with the system: each copy has its own Redis namespace (scripts/processes.ts).
  system = await startSystem();
  specText = await (await fetch(`${system.gateway}/openapi.json`)).text();
  spec = JSON.parse(specText) as OpenApiDocument;
}, 60_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

describe("GET /openapi.json of a running gateway", () => {
  test("validates as OpenAPI 3.1 with @readme/openapi-parser", async () => {
    expect(spec.openapi).toBe("3.1.0");
    const result = await validate(structuredClone(spec) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  test("passes the README's check: curl …/openapi.json | bun scripts/validate-openapi.ts", async () => {
    const check = (input: string) =>
      Bun.spawnSync([process.execPath, join(ROOT, "scripts", "validate-openapi.ts")], {
        stdin: new TextEncoder().encode(input),
        cwd: ROOT,
      });
    const served = check(specText);
    expect(served.stderr.toString()).toBe("");
    expect(served.stdout.toString()).toMatch(/^valid OpenAPI 3\.1\.0: \d+ paths, \d+ operations\n$/);
    expect(served.exitCode).toBe(0);
    const broken = check(JSON.stringify({ openapi: "3.1.0", info: { title: "x" } }));
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr.toString()).toContain("version");
  });

  test("is docs/openapi.json (the checked-in copy is what clients get)", () => {
    const file = readFileSync(join(ROOT, "docs", "openapi.json"), "utf8");
    expect(`${JSON.stringify(JSON.parse(specText), null, 2)}\n`).toBe(file);
  });
});

describe("the seed flow, checked against the spec", () => {
  test("every response matches its documented status, body schema and headers", async () => {
    const validator = createSpecValidator(spec);
    const problems: string[] = [];
    const covered = new Set<string>();
    const statuses: string[] = [];
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.headers = { "content-type": "application/json", ...headers };
        init.body = typeof body === "string" ? body : JSON.stringify(body);
      }
      const res = await fetch(`${system.gateway}${path}`, init);
      const answer = await seen(method, path, res);
      problems.push(...validator.responseErrors(answer));
      covered.add(`${method} ${validator.templateOf(answer.path)}`);
      statuses.push(`${method} ${path.split("?")[0]} ${answer.status}`);
      return { status: answer.status, body: answer.body as Record<string, unknown>, headers: res.headers };
    };
    const email = `spec-${crypto.randomUUID().slice(0, 8)}@clinic.test`;

    expect((await call("GET", "/status")).status).toBe(200);
    expect((await call("GET", "/api/status")).status).toBe(200);
    expect((await call("GET", "/api/me")).body).toEqual({ mode: "open" });
    const owner = await call("POST", "/api/owner/register", { email });
    expect(owner.status).toBe(201);
    expect((await call("POST", "/api/owner/register", { email })).status).toBe(409);
    expect((await call("POST", "/api/owner/register", { email: "not-an-email" })).status).toBe(400);
    expect((await call("POST", "/api/owner/register", "{bad json")).status).toBe(400);
    expect((await call("POST", "/api/owner/register", { email: `${"a".repeat(70_000)}@x.com` })).status).toBe(
      413,
    );
    const petBody = { email, type: "Dog", race: "Chihuaua", name: "Devil incarnate" };
    const key = { "Idempotency-Key": crypto.randomUUID() };
    const pet = await call("POST", "/api/owner/register-pet", petBody, key);
    expect(pet.status).toBe(201);
    expect((await call("POST", "/api/owner/register-pet", petBody, key)).body.petId).toBe(pet.body.petId);
    expect(
      (await call("POST", "/api/owner/register-pet", { ...petBody, email: "nobody@clinic.test" })).status,
    ).toBe(404);
    const petId = String(pet.body.petId);
    expect((await call("GET", `/api/owner/${encodeURIComponent(email)}/pets`)).headers.get("x-cache")).toBe(
      "miss",
    );
    expect((await call("GET", `/api/owner/${owner.body.ownerId}/pets`)).status).toBe(200);
    expect((await call("GET", "/api/owner/nobody%40clinic.test/pets")).status).toBe(404);

    const dateTime = "2031-09-09T13:00:00.000Z";
    const made = await call("POST", "/api/veterinary/make-appointment", { petId, dateTime });
    expect(made.status).toBe(201);
    expect((await call("POST", "/api/veterinary/make-appointment", { petId, dateTime })).status).toBe(409);
    expect(
      (await call("POST", "/api/veterinary/make-appointment", { petId, dateTime: "tomorrow" })).status,
    ).toBe(400);
    expect((await call("GET", `/api/veterinary/appointments?petId=${petId}`)).status).toBe(200);
    expect((await call("GET", "/api/veterinary/appointments?date=2031-09-09")).status).toBe(200);
    const appointmentId = String(made.body.appointmentId);
    expect(
      (await call("POST", "/api/veterinary/end-appointment", { appointmentId, details: "dog is evil" }))
        .status,
    ).toBe(200);
    expect((await call("POST", "/end-appointment", { appointmentId, details: "again" })).status).toBe(409);
    const second = await call("POST", "/api/veterinary/make-appointment", {
      petId,
      dateTime: "2031-10-09T13:00:00.000Z",
    });
    expect(
      (await call("POST", "/api/veterinary/cancel-appointment", { appointmentId: second.body.appointmentId }))
        .status,
    ).toBe(200);
    expect((await call("POST", "/api/veterinary/cancel-appointment", { appointmentId: "nope" })).status).toBe(
      404,
    );
    expect((await call("GET", `/api/veterinary/pets/${petId}/records`)).status).toBe(200);
    const vaccination = { petId, vaccine: "rabies", administeredAt: new Date().toISOString() };
    expect((await call("POST", "/api/veterinary/vaccinations", vaccination, key)).status).toBe(201);
    expect((await call("GET", `/api/veterinary/pets/${petId}/vaccinations`)).status).toBe(200);
    expect((await call("GET", `/api/veterinary/pets/${petId}/reminders`)).status).toBe(200);
    // scheduling, after the bookings above (with a vet configured, a booking must fall in their hours)
    const hours = [{ weekday: 1, start: "09:00", end: "12:00" }];
    const vet = await call("POST", "/api/veterinary/create-vet", { name: "Dr. Spec", workingHours: hours });
    expect(vet.status).toBe(201);
    const vetId = vet.body.vetId;
    expect((await call("POST", "/api/veterinary/create-vet", { name: "" })).status).toBe(400);
    expect((await call("GET", "/api/veterinary/vets")).status).toBe(200);
    expect((await call("GET", "/api/veterinary/appointment-types")).status).toBe(200);
    expect((await call("GET", `/api/veterinary/slots?date=2031-09-08&vetId=${vetId}`)).status).toBe(200);
    expect((await call("GET", "/api/veterinary/slots?date=nope")).status).toBe(400);
    expect((await call("GET", "/api/veterinary/slots?date=2031-09-08&vetId=ghost")).status).toBe(404);
    const slot = { petId, dateTime: "2031-09-08T09:00:00.000Z", vetId, type: "vaccination" };
    expect((await call("POST", "/api/veterinary/make-appointment", slot)).status).toBe(201);
    expect((await call("POST", "/api/veterinary/make-appointment", slot)).status).toBe(409);
    expect(
      (await call("POST", "/api/veterinary/set-working-hours", { vetId, workingHours: hours })).status,
    ).toBe(200);
    expect(
      (await call("POST", "/api/veterinary/set-working-hours", { vetId: "ghost", workingHours: [] })).status,
    ).toBe(404);
    const exception = await call("POST", "/api/veterinary/add-schedule-exception", {
      vetId,
      from: "2031-09-15",
      to: "2031-09-15",
    });
    expect(exception.status).toBe(201);
    expect((await call("GET", "/api/veterinary/schedule-exceptions?date=2031-09-15")).status).toBe(200);
    expect((await call("GET", "/api/veterinary/schedule-exceptions")).status).toBe(400);
    const removal = { exceptionId: exception.body.exceptionId };
    expect((await call("POST", "/api/veterinary/remove-schedule-exception", removal)).status).toBe(200);
    expect((await call("POST", "/api/veterinary/remove-schedule-exception", removal)).status).toBe(404);
    expect((await call("DELETE", `/api/owner/remove-data/${encodeURIComponent(email)}`)).status).toBe(200);
    expect((await call("GET", `/api/owner/${encodeURIComponent(email)}/pets`)).status).toBe(404);
    expect((await call("DELETE", `/api/owner/remove-data/${encodeURIComponent(email)}`)).status).toBe(404);

    expect((await call("GET", "/api/test/timeout")).status).toBe(408);
    const limited: number[] = [];
    for (let i = 0; i < 12; i++) limited.push((await call("GET", "/api/test/rate-limit")).status);
    expect(limited).toContain(200);
    expect(limited).toContain(429);
    // The demo target's breaker opens once half of its recent calls failed (the pings above count as healthy).
    const breaker: number[] = [];
    while (breaker.length < 40 && breaker.at(-1) !== 503) {
      breaker.push((await call("GET", "/api/test/circuit-breaker")).status);
    }
    expect(breaker[0]).toBe(500);
    expect(breaker.at(-1)).toBe(503);
    console.log(
      `seed flow: ${statuses.length} responses over ${covered.size} operations checked against the spec`,
    );
    expect(problems).toEqual([]);
    // Every operation of the spec was exercised at least once.
    const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.filter((operation) => !covered.has(operation))).toEqual([]);
  }, 120_000);
});
