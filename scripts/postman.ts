/**
 * The Postman collection of the REST API, exported from docs/openapi.json with
 * openapi-to-postmanv2 (one folder per tag, bodies from the spec's examples),
 * then made deterministic (no random ids, so `make openapi` rewrites the same
 * file) and runnable as the first version's clients use it, in order:
 *  - `{{baseUrl}}` (default http://localhost:8080), `{{bearerToken}}` (empty:
 *    an open-mode gateway ignores it; set it to a token for AUTH_MODE=required), `{{email}}`,
 *    `{{petId}}`, `{{appointmentId}}`, `{{dateTime}}` in place of the
 *    examples: a collection pre-request script picks a fresh email once and a
 *    free future minute per request; a collection test script keeps the ids the
 *    answers return;
 *  - end / cancel appointment first make an appointment of their own
 *    (pm.sendRequest), so each ends or cancels one that is still scheduled;
 *  - remove-data runs last, in a folder of its own;
 *  - each request tests its status: one of the operation's documented 2xx, or
 *    the demonstration routes' 408 and 500.
 */
import Converter from "openapi-to-postmanv2";
import schemaFaker from "openapi-to-postmanv2/assets/json-schema-faker.js";

type Json = Record<string, unknown>;
interface Item {
  name: string;
  item?: Item[];
  request?: {
    method: string;
    url: { path: string[]; query?: { key: string; value: string; disabled?: boolean }[]; variable?: Json[] };
    header?: { key: string; value: string; disabled?: boolean }[];
    body?: { mode: string; raw?: string };
  };
  event?: Json[];
}
interface Spec {
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
}

/** What the demonstration routes answer by design, instead of a 2xx. */
const DEMONSTRATED: Record<string, number[]> = {
  "GET /api/test/timeout": [408],
  "GET /api/test/circuit-breaker": [500],
};
/** Request fields and path variables that name the flow's own rows. */
const VARIABLES: Record<string, string> = {
  email: "{{email}}",
  ref: "{{email}}",
  petId: "{{petId}}",
  appointmentId: "{{appointmentId}}",
  dateTime: "{{dateTime}}",
  date: "{{date}}",
  vetId: "{{vetId}}",
  exceptionId: "{{exceptionId}}",
};
/** Query parameters that only narrow a list: off, even where the flow knows a value. */
const FILTERS = new Set(["vetId"]);
// Scheduling after veterinary: once the clinic has a vet, a booking must fall in their hours.
const FOLDER_ORDER = ["health", "auth", "owners", "veterinary", "scheduling", "resilience demonstration"];

const script = (type: "prerequest" | "test", lines: string[]) => ({
  listen: type,
  script: { type: "text/javascript", exec: lines },
});

const COLLECTION_PRE_REQUEST = [
  "// One owner per run; a free future minute for every appointment.",
  'if (!pm.collectionVariables.get("email")) {',
  '  pm.collectionVariables.set("email", "postman-" + Date.now() + "-" + Math.floor(Math.random() * 1e6) + "@clinic.example");',
  "}",
  'pm.collectionVariables.set("dateTime", new Date(Date.UTC(2040, 0, 1) + Math.floor(Math.random() * 5e6) * 60000).toISOString());',
  'pm.collectionVariables.set("date", pm.collectionVariables.get("dateTime").slice(0, 10));',
];
const COLLECTION_TEST = [
  "// Keep the ids the answers name, for the requests after this one.",
  "let body = {};",
  "try { body = pm.response.json(); } catch (e) {}",
  'for (const key of ["ownerId", "petId", "appointmentId", "vetId", "exceptionId"]) {',
  '  if (typeof body[key] === "string" && body[key] !== "") pm.collectionVariables.set(key, body[key]);',
  "}",
];
const OWN_APPOINTMENT = [
  "// End or cancel an appointment of this request's own, still scheduled.",
  "pm.sendRequest({",
  '  url: pm.variables.get("baseUrl") + "/api/veterinary/make-appointment",',
  '  method: "POST",',
  '  header: { "Content-Type": "application/json" },',
  '  body: { mode: "raw", raw: JSON.stringify({ petId: pm.collectionVariables.get("petId"), dateTime: pm.collectionVariables.get("dateTime") }) },',
  "}, (error, res) => {",
  '  if (!error && res.code === 201) pm.collectionVariables.set("appointmentId", res.json().appointmentId);',
  "});",
];

function substitute(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(substitute);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Json).map(([key, v]) => [key, VARIABLES[key] ?? substitute(v)]),
    );
  }
  return value;
}

function dropIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropIds);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Json)
        .filter(([key]) => key !== "id" && key !== "_postman_id")
        .map(([key, v]) => [key, dropIds(v)]),
    );
  }
  return value;
}

function operationOf(item: Item): string {
  const request = item.request!;
  const path = `/${request.url.path.map((part) => part.replace(/^:(.+)$/, "{$1}")).join("/")}`;
  return `${request.method} ${path}`;
}

function prepare(item: Item, spec: Spec): Item {
  const request = item.request!;
  const operation = operationOf(item);
  const [method, path] = operation.split(" ") as [string, string];
  const documented = Object.keys(spec.paths[path]?.[method.toLowerCase()]?.responses ?? {}).map(Number);
  const expected = DEMONSTRATED[operation] ?? documented.filter((status) => status >= 200 && status < 300);
  for (const variable of request.url.variable ?? []) {
    const key = String(variable.key);
    if (VARIABLES[key]) variable.value = VARIABLES[key];
  }
  for (const query of request.url.query ?? []) {
    if (VARIABLES[query.key] && !FILTERS.has(query.key)) query.value = VARIABLES[query.key]!;
    else query.disabled = true; // optional filters stay visible, off
  }
  for (const header of request.header ?? []) {
    if (header.key === "Idempotency-Key") header.value = "{{$guid}}";
  }
  if (request.body?.raw) request.body.raw = JSON.stringify(substitute(JSON.parse(request.body.raw)), null, 2);
  const events = [
    script("test", [
      `pm.test("${operation} answers ${expected.join(" or ")}", () => {`,
      `  pm.expect(${JSON.stringify(expected)}).to.include(pm.response.code);`,
      "});",
    ]),
  ];
  if (/end-appointment|cancel-appointment/.test(path)) events.unshift(script("prerequest", OWN_APPOINTMENT));
  return { ...item, event: events };
}

/** mulberry32: the converter fills values the spec gives no example for from Math.random; seeded, they repeat. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function convert(specText: string): Promise<Json> {
  // The converter's bundled json-schema-faker draws from its `random` option (Math.random captured at load).
  schemaFaker.option({ random: seededRandom(20_261_203) });
  const random = Math.random;
  Math.random = seededRandom(20_261_204);
  try {
    return await convertWith(specText);
  } finally {
    Math.random = random;
  }
}

function convertWith(specText: string): Promise<Json> {
  return new Promise((resolve, reject) => {
    Converter.convert(
      { type: "string", data: specText },
      {
        folderStrategy: "Tags",
        requestParametersResolution: "Example",
        exampleParametersResolution: "Example",
      },
      (error, result) => {
        const data = result?.result ? result.output?.[0]?.data : undefined;
        if (error || !data) reject(error ?? new Error(String(result?.reason)));
        else resolve(data as Json);
      },
    );
  });
}

/** The collection for `specText` (docs/openapi.json), as docs/vetmesh.postman_collection.json holds it. */
export async function postmanCollection(specText: string): Promise<string> {
  const spec = JSON.parse(specText) as Spec;
  const converted = dropIds(await convert(specText)) as Json & { item: Item[] };
  const folders = converted.item.map((folder) => ({
    ...folder,
    item: (folder.item ?? []).map((item) => prepare(item, spec)),
  }));
  const isRemoval = (item: Item) => item.request?.method === "DELETE";
  const rank = (name: string) =>
    FOLDER_ORDER.includes(name) ? FOLDER_ORDER.indexOf(name) : FOLDER_ORDER.length;
  const ordered = [...folders].sort((a, b) => rank(a.name) - rank(b.name));
  const removal = ordered.flatMap((folder) => folder.item.filter(isRemoval));
  const collection = {
    info: converted.info,
    item: [
      ...ordered.map((folder) => ({ ...folder, item: folder.item.filter((item) => !isRemoval(item)) })),
      { name: "removal (last: it deletes the run's owner)", item: removal },
    ],
    event: [script("prerequest", COLLECTION_PRE_REQUEST), script("test", COLLECTION_TEST)],
    variable: [
      { key: "baseUrl", value: "http://localhost:8080", type: "string" },
      // Empty for an open-mode gateway; with AUTH_MODE=required, the output of `make token ROLE=admin`.
      { key: "bearerToken", value: "", type: "string" },
      { key: "email", value: "", type: "string" },
      { key: "ownerId", value: "", type: "string" },
      { key: "petId", value: "", type: "string" },
      { key: "appointmentId", value: "", type: "string" },
      { key: "dateTime", value: "", type: "string" },
      { key: "date", value: "", type: "string" },
      { key: "vetId", value: "", type: "string" },
      { key: "exceptionId", value: "", type: "string" },
    ],
  };
  return `${JSON.stringify(collection, null, 2)}\n`;
}
