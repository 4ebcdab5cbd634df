/**
 * The malformed requests of the fuzz test: a seeded generator (the same seed
 * gives the same 10,000+ requests, so a failure can be replayed) over every
 * gateway route and every kind of bad input the issue names.
 */

/** One generated request. */
export interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array | string;
}

/** Mulberry32: small, fast, good enough to pick cases; seeded for replay. */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A gateway route and the inputs the fuzzer damages. */
export interface Route {
  method: "GET" | "POST" | "DELETE";
  /** `:x` marks a path parameter that gets fuzzed. */
  path: string;
  /** Fields of the JSON body, for POST routes. */
  fields?: string[];
  /** Query parameters that get fuzzed. */
  query?: string[];
}

const OWNER = "/vetmesh.owner.v1.OwnerService";
const VET = "/vetmesh.veterinary.v1.VeterinaryService";

/**
 * The health, owner and test routes of API.md plus the owner Connect pass-through. Left out:
 * /api/test/circuit-breaker (it answers 500 by design, API.md) and /api/test/timeout (408 after a
 * 1 s wait; the gateway's own tests cover it). The veterinary routes are listed apart below.
 */
export const ROUTES: Route[] = [
  { method: "GET", path: "/status" },
  { method: "GET", path: "/api/status" },
  { method: "POST", path: "/api/owner/register", fields: ["email"] },
  { method: "POST", path: "/api/owner/register-pet", fields: ["email", "type", "race", "name"] },
  { method: "GET", path: "/api/owner/:ref/pets" },
  { method: "DELETE", path: "/api/owner/remove-data/:ref" },
  { method: "GET", path: "/api/test/rate-limit" },
  { method: "POST", path: `${OWNER}/RegisterOwner`, fields: ["email"] },
  { method: "POST", path: `${OWNER}/RegisterPet`, fields: ["ownerRef", "type", "race", "name"] },
  { method: "POST", path: `${OWNER}/ListPets`, fields: ["ownerRef"] },
  { method: "POST", path: `${OWNER}/RemoveOwnerData`, fields: ["ownerRef"] },
];

/** The veterinary routes and RPCs (REST and pass-through). */
export const VETERINARY_ROUTES: Route[] = [
  {
    method: "POST",
    path: "/api/veterinary/make-appointment",
    fields: ["petId", "dateTime", "durationMinutes"],
  },
  { method: "POST", path: "/api/veterinary/end-appointment", fields: ["appointmentId", "details"] },
  { method: "POST", path: "/end-appointment", fields: ["appointmentId", "details"] },
  { method: "POST", path: "/api/veterinary/cancel-appointment", fields: ["appointmentId"] },
  {
    method: "POST",
    path: "/api/veterinary/vaccinations",
    fields: ["petId", "vaccine", "administeredAt", "nextDueAt"],
  },
  { method: "GET", path: "/api/veterinary/appointments", query: ["petId", "from", "to"] },
  { method: "GET", path: "/api/veterinary/pets/:petId/records", query: ["pageSize", "pageToken"] },
  { method: "GET", path: "/api/veterinary/pets/:petId/vaccinations" },
  { method: "GET", path: "/api/veterinary/pets/:petId/reminders" },
  { method: "POST", path: `${VET}/MakeAppointment`, fields: ["petId", "dateTime"] },
  { method: "POST", path: `${VET}/EndAppointment`, fields: ["appointmentId", "details"] },
  { method: "POST", path: `${VET}/ListAppointments`, fields: ["petId", "from", "to"] },
  { method: "POST", path: `${VET}/ListRecords`, fields: ["petId", "pageSize"] },
  { method: "POST", path: `${VET}/RecordVaccination`, fields: ["petId", "vaccine", "administeredAt"] },
];

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE owners; --",
  '" OR ""="',
  "1; SELECT * FROM pets",
  "admin'--",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  "javascript:alert(1)",
  "{{7*7}}",
  ["$", "{7*7}"].join(""),
  "%00",
  "\u0000",
  "../../../../etc/passwd",
  "\r\nX-Injected: yes",
];

const WRONG_TYPES: unknown[] = [
  123,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  {},
  ["a"],
  { $ne: null },
  { $gt: "" },
  [[[[]]]],
  "",
  " ",
];

const BAD_JSON = [
  "{",
  "}",
  '{"email":',
  '{"email":"a@b.c"',
  "{'email':'a@b.c'}",
  '{"email":"a@b.c",}',
  "[1,2",
  "null",
  "true",
  "123",
  '"just a string"',
  "[]",
  "undefined",
  "NaN",
  '{"a":1}{"b":2}',
  '{"email":"\\x41"}',
  '{"email":"\\ud800"}',
  "\u0000\u0001\u0002",
  "<xml/>",
  "email=a@b.c",
  `${"[".repeat(5000)}${"]".repeat(5000)}`,
];

const SHORT_BAD_JSON = BAD_JSON.filter((text) => text.length < 100);

const PATH_TRICKS = [
  "..",
  "%2e%2e",
  "..%2f..%2fetc%2fpasswd",
  "%2e%2e%2f%2e%2e%2f",
  "a%2Fb",
  "%00",
  "%ff%fe",
  "%c3%28",
  "%E0%A4%A",
  "%",
  "%zz",
  "%25",
  "%20",
  "%0d%0aSet-Cookie:%20x=y",
  "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
  "'%20OR%201=1--",
  "%F0%9F%90%B6@dog.test",
  "x".repeat(4000),
  "a@b.c%00.evil",
  "null",
  "-1",
  "0",
  "99999999999999999999999",
];

/** Bytes that are not UTF-8: lone continuation, overlong, surrogate, truncated, 0xFF. */
const INVALID_UTF8: number[][] = [
  [0xff, 0xfe],
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

function fill(route: Route, value: (field: string) => unknown): Record<string, unknown> {
  return Object.fromEntries((route.fields ?? []).map((field) => [field, value(field)]));
}

function plausible(field: string): unknown {
  if (field.toLowerCase().includes("email") || field === "ownerRef") return "fuzz@vetmesh.test";
  if (field === "durationMinutes" || field === "pageSize") return 30;
  if (field.endsWith("At") || field === "dateTime" || field === "from" || field === "to") {
    return "2030-01-01T10:00:00.000Z";
  }
  return "value";
}

function invalidUtf8Body(rng: () => number, route: Route): Uint8Array {
  const field = route.fields?.[0] ?? "x";
  const prefix = new TextEncoder().encode(`{"${field}":"a`);
  const bad = pick(rng, INVALID_UTF8);
  const suffix = new TextEncoder().encode('"}');
  return new Uint8Array([...prefix, ...bad, ...suffix]);
}

const KINDS = [
  "bad-json",
  "wrong-types",
  "huge-strings",
  "invalid-utf8",
  "path-tricks",
  "injection",
  "oversized",
  "content-type",
  "extra-and-missing",
  "wrong-method",
] as const;

/** Builds request number `i` (deterministic for a seed): route i mod routes, a random kind of damage. */
export function buildRequest(rng: () => number, i: number, routes: Route[] = ROUTES): FuzzRequest {
  const route = routes[i % routes.length]!;
  const kind = pick(rng, KINDS);
  const json = { "content-type": "application/json" };
  let path = route.path.replace(/:(\w+)/g, () => pick(rng, ["fuzz@vetmesh.test", "1", "abc"]));
  if (route.query) {
    const params = route.query.map((name) => `${name}=${encodeURIComponent(String(plausible(name)))}`);
    path = `${path}?${params.join("&")}`;
  }
  const request: FuzzRequest = { kind, method: route.method, path, headers: { ...json } };
  const hasBody = route.method === "POST";
  switch (kind) {
    case "bad-json":
      // In a query string only the short ones: a 30 KB URL gets Bun.serve's own 431 (no body) before any app.
      if (hasBody) request.body = pick(rng, BAD_JSON);
      else
        request.path = `${path}${path.includes("?") ? "&" : "?"}q=${encodeURIComponent(pick(rng, SHORT_BAD_JSON))}`;
      break;
    case "wrong-types":
      if (hasBody) request.body = JSON.stringify(fill(route, () => pick(rng, WRONG_TYPES)));
      else if (route.query)
        request.path = `${route.path.split("?")[0]}?${route.query.map((q) => `${q}[]=1&${q}=x&${q}=`).join("&")}`;
      else
        request.path = route.path.replace(/:(\w+)/g, () =>
          encodeURIComponent(JSON.stringify(pick(rng, WRONG_TYPES))),
        );
      break;
    case "huge-strings": {
      const size = pick(rng, [1_000, 10_000, 60_000]);
      if (hasBody) request.body = JSON.stringify(fill(route, () => "x".repeat(size)));
      else request.path = route.path.replace(/:(\w+)/g, () => "y".repeat(Math.min(size, 6000)));
      break;
    }
    case "invalid-utf8":
      if (hasBody) request.body = invalidUtf8Body(rng, route);
      else
        request.path = route.path.replace(/:(\w+)/g, () =>
          pick(rng, ["%ff%fe", "%c3%28", "%ed%a0%80", "%c0%af"]),
        );
      break;
    case "path-tricks":
      request.path = route.path.includes(":")
        ? route.path.replace(/:(\w+)/g, () => pick(rng, PATH_TRICKS))
        : `${route.path}/${pick(rng, PATH_TRICKS)}`;
      if (hasBody) request.body = JSON.stringify(fill(route, plausible));
      break;
    case "injection":
      if (hasBody) request.body = JSON.stringify(fill(route, () => pick(rng, INJECTIONS)));
      else request.path = route.path.replace(/:(\w+)/g, () => encodeURIComponent(pick(rng, INJECTIONS)));
      if (!route.path.includes(":") && !hasBody)
        request.path = `${route.path}?x=${encodeURIComponent(pick(rng, INJECTIONS))}`;
      break;
    case "oversized":
      request.method = hasBody ? route.method : "POST";
      request.body = JSON.stringify({
        ...fill(route, plausible),
        pad: "z".repeat(pick(rng, [70_000, 300_000, 1_200_000])),
      });
      break;
    case "content-type":
      // Not application/grpc-web: the gateway serves gRPC-Web on the RPC paths, whose errors are binary
      // trailers by that protocol, rightly not JSON.
      request.headers = pick<Record<string, string>>(rng, [
        { "content-type": "text/plain" },
        { "content-type": "application/x-www-form-urlencoded" },
        { "content-type": "multipart/form-data; boundary=x" },
        { "content-type": "application/json; charset=latin1" },
        {},
      ]);
      request.body = hasBody ? JSON.stringify(fill(route, plausible)) : undefined;
      break;
    case "extra-and-missing":
      if (hasBody) {
        const body = fill(route, plausible);
        const first = route.fields?.[0];
        if (first && rng() < 0.5) delete body[first];
        request.body = JSON.stringify({
          ...body,
          __proto__: { polluted: true },
          constructor: { prototype: { x: 1 } },
          extra: "field",
        });
      } else request.path = `${path}${path.includes("?") ? "&" : "?"}extra=1&extra=2&__proto__[x]=1`;
      break;
    case "wrong-method":
      request.method = pick(rng, ["PUT", "PATCH", "OPTIONS", route.method === "GET" ? "POST" : "GET"]);
      request.body = request.method === "GET" || request.method === "OPTIONS" ? undefined : "{}";
      break;
  }
  if (request.method === "GET" || request.method === "DELETE") request.body = undefined;
  return request;
}
