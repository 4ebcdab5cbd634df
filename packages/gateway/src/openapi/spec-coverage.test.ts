import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness } from "../testing/harness.ts";
import { createSpecValidator, type OpenApiDocument } from "../testing/spec-validator.ts";
import { OPENAPI_PATH } from "./document.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;
type Spec = { openapi: string; paths: Record<string, Record<string, unknown>> };
let spec: Spec;

beforeAll(async () => {
  h = await createGatewayHarness();
  spec = (await (await h.app.request(OPENAPI_PATH)).json()) as Spec;
});
afterAll(async () => {
  await h.close();
});

/**
 * Served on purpose without an entry in the REST spec: the spec itself, the
 * docs page, the Connect / gRPC-Web pass-through (whose
 * contract is proto/), and the web app's page and bundle (`/`, `/assets/…`).
 * Everything else the app serves must be in the spec.
 */
const NOT_REST = [
  /^\/openapi\.json$/,
  /^\/docs(\/[a-z.-]+)?$/,
  /^\/vetmesh\.[a-z]+\.v1\.[A-Za-z]+\//,
  /^\/$/,
  /^\/assets\//,
];
const HTTP_METHODS = new Set(["get", "post", "put", "patch", "delete", "head", "options"]);

function served(): Set<string> {
  const routes = new Set<string>();
  for (const route of h.app.routes) {
    if (route.method === "ALL") continue; // middleware of every route (request id, headers, body limit)
    if (NOT_REST.some((pattern) => pattern.test(route.path))) continue;
    routes.add(`${route.method.toLowerCase()} ${route.path.replaceAll(/:([^/]+)/g, "{$1}")}`);
  }
  return routes;
}

function documented(): Set<string> {
  const routes = new Set<string>();
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of Object.keys(item).filter((key) => HTTP_METHODS.has(key)))
      routes.add(`${method} ${path}`);
  }
  return routes;
}

describe("GET /openapi.json", () => {
  test("is an OpenAPI 3.1 document", async () => {
    const res = await h.app.request(OPENAPI_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(spec.openapi).toBe("3.1.0");
  });

  test("every route the app serves is in the spec and every spec path is served", () => {
    const app = served();
    const doc = documented();
    expect([...app].filter((route) => !doc.has(route)).sort()).toEqual([]);
    expect([...doc].filter((route) => !app.has(route)).sort()).toEqual([]);
    // The test would pass on two empty sets: the first version's routes must be there.
    for (const route of [
      "get /api/status",
      "post /api/owner/register",
      "post /api/owner/register-pet",
      "get /api/owner/{ref}/pets",
      "delete /api/owner/remove-data/{ref}",
      "post /api/veterinary/make-appointment",
      "post /api/veterinary/end-appointment",
      "post /end-appointment",
      "get /api/test/timeout",
      "get /api/test/rate-limit",
      "get /api/test/circuit-breaker",
    ]) {
      expect(doc.has(route)).toBe(true);
    }
  });

  test("every operation documents its error body and every rate-limited one its 429 with Retry-After", () => {
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(
        item as Record<string, { responses: Record<string, unknown> }>,
      )) {
        const responses = op.responses as Record<string, { headers?: Record<string, unknown> }>;
        expect({ route: `${method} ${path}`, hasResponses: Object.keys(responses).length > 0 }).toEqual({
          route: `${method} ${path}`,
          hasResponses: true,
        });
        if (path.includes("/status")) continue;
        expect(Object.keys(responses["429"]?.headers ?? {})).toContain("Retry-After");
        expect(Object.keys(responses["200"]?.headers ?? responses["201"]?.headers ?? {})).toContain(
          "RateLimit-Remaining",
        );
      }
    }
  });

  test("every example in the spec matches its own schema (bodies, parameters, headers, components)", () => {
    const validator = createSpecValidator(spec as unknown as OpenApiDocument);
    expect(validator.exampleErrors()).toEqual([]);
    // The walk reaches the examples: the spec has dozens of them.
    expect(JSON.stringify(spec).match(/"example":/g)?.length ?? 0).toBeGreaterThan(40);
  });
});
