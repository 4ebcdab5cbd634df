/**
 * Property-based run driven by the spec: fast-check builds requests from the
 * request schemas of /openapi.json — valid bodies, query strings, path
 * parameters and Idempotency-Keys, and bodies that break their schema (a
 * required field missing, a field of a type its schema refuses, not an
 * object, not JSON, a wrong content type) — and sends them to the gateway in
 * front of the real owner, veterinary and demo services (fresh SQLite). Every
 * answer must be below 500, documented for its operation, with a body that
 * matches that status's schema and the headers the spec promises; every
 * invalid body must be a 400 that names the field.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import fc from "fast-check";
import { createGatewayHarness, json } from "../testing/harness.ts";
import {
  arbitraryOf,
  type FieldValues,
  type InvalidBody,
  invalidBodyOf,
  type JsonSchema,
} from "../testing/schema-arbitrary.ts";
import {
  createSpecValidator,
  type OpenApiDocument,
  type OpenApiOperation,
  seen,
} from "../testing/spec-validator.ts";

const RUNS = 6_000;
const SEED = 20_261_203;
const UNLIMITED = { points: 1_000_000_000, durationSeconds: 60 };

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
let spec: OpenApiDocument;
const emails: string[] = [];
const ownerIds: string[] = [];
const petIds: string[] = [];
const appointmentIds: string[] = [];
/** Owners only remove-data is given, so the seeded ones stay for every other route. */
const disposable: string[] = [];

async function post(path: string, body: unknown): Promise<Record<string, string>> {
  const res = await h.app.request(path, json("POST", body));
  expect(res.status).toBe(201);
  return (await res.json()) as Record<string, string>;
}

beforeAll(async () => {
  h = await createGatewayHarness({
    config: { RATE_LIMIT_READ: UNLIMITED, RATE_LIMIT_WRITE: UNLIMITED, RATE_LIMIT_TEST: UNLIMITED },
  });
  spec = (await (await h.app.request("/openapi.json")).json()) as OpenApiDocument;
  for (let i = 0; i < 3; i++) {
    const email = `seed${i}@clinic.example`;
    emails.push(email);
    ownerIds.push((await post("/api/owner/register", { email })).ownerId ?? "");
    const pet = await post("/api/owner/register-pet", { email, type: "Dog", race: "Mutt", name: `Rex ${i}` });
    petIds.push(pet.petId ?? "");
    const when = new Date(Date.UTC(2030, 0, 1 + i, 10)).toISOString();
    appointmentIds.push(
      (await post("/api/veterinary/make-appointment", { petId: pet.petId, dateTime: when })).appointmentId ??
        "",
    );
  }
  for (let i = 0; i < 40; i++) {
    const email = `gone${i}@clinic.example`;
    await post("/api/owner/register", { email });
    await post("/api/owner/register-pet", { email, type: "Cat", race: "Tabby", name: `Tom ${i}` });
    disposable.push(email);
  }
}, 30_000);
afterAll(async () => {
  await h?.close();
});

const instant = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());

/** Real rows and plausible values by field name, mixed with the schema's random ones. */
function fieldValues(method: string): FieldValues {
  return {
    email: fc.oneof(fc.constantFrom(...emails), fc.emailAddress()),
    ref:
      method === "delete"
        ? fc.oneof(fc.constantFrom(...disposable), fc.emailAddress())
        : fc.oneof({ arbitrary: fc.constantFrom(...emails, ...ownerIds), weight: 3 }, fc.emailAddress()),
    petId: fc.constantFrom(...petIds),
    appointmentId: fc.constantFrom(...appointmentIds),
    dateTime: instant,
    administeredAt: instant,
    nextDueAt: instant,
    from: instant,
    to: instant,
    vaccine: fc.constantFrom("rabies", "distemper", "leptospirosis"),
    type: fc.constantFrom("Dog", "Cat"),
  };
}

/** One generated request and what it is meant to test. */
interface Generated {
  method: string;
  template: string;
  url: string;
  init: RequestInit;
  kind: string;
  invalid?: InvalidBody;
}

function requestsFor(template: string, method: string, op: OpenApiOperation): fc.Arbitrary<Generated> {
  const components = (spec.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const fields = fieldValues(method);
  const params = op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === "path");
  const queryParams = params.filter((p) => p.in === "query");
  const hasKey = params.some((p) => p.in === "header" && p.name === "Idempotency-Key");
  const value = (schema: unknown) =>
    fc.oneof(
      { arbitrary: arbitraryOf(schema as JsonSchema, components, fields).map(String), weight: 3 },
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    );
  const path = fc.record(
    Object.fromEntries(
      pathParams.map((p) => [
        p.name,
        // A path segment is never empty, "." or ".." (URLs resolve those to another path).
        (fields[p.name]
          ? fc.oneof({ arbitrary: fields[p.name]!.map(String), weight: 4 }, value(p.schema))
          : value(p.schema)
        ).filter((segment) => segment !== "" && segment !== "." && segment !== ".."),
      ]),
    ),
  );
  const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, value(p.schema)])), {
    requiredKeys: [],
  });
  const key = hasKey
    ? fc.option(fc.oneof(fc.uuid(), fc.string({ maxLength: 140 })), { nil: undefined })
    : fc.constant(undefined);
  const bodySchema = op.requestBody?.content["application/json"]?.schema as JsonSchema | undefined;
  const body: fc.Arbitrary<{ kind: string; text?: string; contentType?: string; invalid?: InvalidBody }> =
    bodySchema
      ? fc.oneof(
          arbitraryOf(bodySchema, components, fields).map((b) => ({
            kind: "valid body",
            text: JSON.stringify(b),
            contentType: "application/json",
          })),
          invalidBodyOf(bodySchema, components, fields).map((invalid) => ({ ...invalid, invalid })),
        )
      : fc.constant({ kind: queryParams.length > 0 ? "query" : "path" });
  return fc.tuple(path, query, key, body).map(([p, q, k, b]) => {
    let url = template.replaceAll(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(p[name])));
    const search = new URLSearchParams(q as Record<string, string>).toString();
    if (search) url += `?${search}`;
    const headers: Record<string, string> = {};
    if (b.contentType) headers["content-type"] = b.contentType;
    if (k !== undefined) headers["Idempotency-Key"] = k;
    return {
      method: method.toUpperCase(),
      template,
      url,
      init: { method: method.toUpperCase(), headers, body: b.text },
      kind: b.kind,
      invalid: b.invalid,
    };
  });
}

test(`${RUNS} generated requests from the spec's schemas: no 5xx, every answer documented and matching its schema, every invalid body a 400 naming the field`, async () => {
  const validator = createSpecValidator(spec);
  const operations: fc.Arbitrary<Generated>[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      // Only operations that take input; the input-free ones (health, demo routes, /api/me) have nothing to generate.
      if ((op.parameters ?? []).length === 0 && !op.requestBody) continue;
      operations.push(requestsFor(template, method, op));
    }
  }
  expect(operations.length).toBeGreaterThanOrEqual(12);
  const byKind = new Map<string, number>();
  const byStatus = new Map<number, number>();
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.oneof(...operations), async (g) => {
      const res = await h.app.request(g.url, g.init);
      const answer = await seen(g.method, g.url, res);
      sent++;
      byKind.set(g.kind, (byKind.get(g.kind) ?? 0) + 1);
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      const problems = validator.responseErrors(answer);
      if (answer.status >= 500) problems.push(`5xx: ${JSON.stringify(answer.body)}`);
      if (g.invalid) {
        const field = (answer.body as { details?: { field?: string } }).details?.field;
        if (answer.status !== 400 || !field)
          problems.push(`invalid body (${g.kind}) answered ${answer.status} ${JSON.stringify(answer.body)}`);
        else if (g.kind === "wrong content type" && field !== "Content-Type")
          problems.push(`field ${field} for ${g.kind}`);
        else if ((g.kind === "malformed JSON" || g.kind === "not an object") && field !== "body")
          problems.push(`field ${field} for ${g.kind}`);
      }
      if (problems.length > 0)
        throw new Error(`${g.method} ${g.url} ${g.init.body ?? ""}\n  ${problems.join("\n  ")}`);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  const count = (m: Map<string | number, number>) =>
    [...m.entries()]
      .sort(([a], [b]) => String(a).localeCompare(String(b)))
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
  console.log(`generated-input run: ${sent} requests over ${operations.length} operations (seed ${SEED})`);
  console.log(`  by input: ${count(byKind)}`);
  console.log(`  by status: ${count(byStatus)}`);
  const twoXx = [...byStatus.entries()].filter(([s]) => s < 300).reduce((n, [, v]) => n + v, 0);
  const fourXx = [...byStatus.entries()].filter(([s]) => s >= 400).reduce((n, [, v]) => n + v, 0);
  expect(sent).toBe(RUNS);
  // Both sides of the API are exercised, not only its refusals.
  expect(twoXx).toBeGreaterThan(RUNS / 10);
  expect(fourXx).toBeGreaterThan(RUNS / 10);
}, 600_000);
