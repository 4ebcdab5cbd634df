/**
 * Tracing across real processes (issue 17): the whole system, started by the
 * `make run` code with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real OTLP/HTTP
 * receiver (tests/support/otlp-receiver.ts). Each request carries a W3C
 * `traceparent` the test chose, so its trace id is known; the test waits
 * (bounded) for the exported spans and checks the chain gateway → veterinary →
 * owner for make-appointment, the removal saga's steps and their participants,
 * the balancer proxy's hop, the demo service and discovery, and that log
 * lines name the trace.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  SpanKind,
  startOtlpReceiver,
} from "../support/otlp-receiver.ts";
import { eventually } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let receiver: OtlpReceiver;
let system: RunningSystem;
beforeAll(async () => {
  receiver = startOtlpReceiver();
  system = await startSystem({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: "200" },
  });
}, 60_000);
afterAll(async () => {
  await system?.stop();
  receiver?.stop();
}, STOP_BOUND_MS);

const randomHex = (bytes: number) =>
  Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");

/** A sampled W3C trace context the test starts, as a client's tracing would. */
function newTraceparent() {
  const traceId = randomHex(16);
  const parentId = randomHex(8);
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

async function call(method: string, path: string, body?: unknown, traceparent?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (traceparent) headers.traceparent = traceparent;
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Waits (bounded) until every wanted span of the trace has arrived, and returns them all. */
async function spansOf(traceId: string, wanted: Array<Pick<ReceivedSpan, "service" | "name" | "kind">>) {
  return eventually(
    () => {
      const spans = receiver.trace(traceId);
      const missing = wanted.filter(
        (want) =>
          !spans.some((s) => s.service === want.service && s.name === want.name && s.kind === want.kind),
      );
      return missing.length === 0 ? spans : undefined;
    },
    20_000,
    100,
  ).catch((error: unknown) => {
    const got = receiver
      .trace(traceId)
      .map((s) => `${s.service} ${s.kind} ${s.name}`)
      .join("\n  ");
    throw new Error(`${String(error)}; spans of the trace so far:\n  ${got}\nrejected: ${receiver.rejected}`);
  });
}

/** The one span with this service, name and kind. */
function only(spans: ReceivedSpan[], service: string, name: string, kind: number): ReceivedSpan {
  const found = spans.filter((s) => s.service === service && s.name === name && s.kind === kind);
  expect(found.map((s) => `${s.service} ${s.name}`)).toEqual([`${service} ${name}`]);
  return found[0]!;
}

/** JSON log lines of every process whose name starts with `prefix` that carry this trace id. */
function logLinesOf(prefix: string, traceId: string): Array<Record<string, unknown>> {
  return readdirSync(system.runDir)
    .filter((file) => file.startsWith(prefix) && file.endsWith(".log"))
    .flatMap((file) => readFileSync(join(system.runDir, file), "utf8").split("\n"))
    .filter((line) => line.includes(traceId))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const MAKE = "vetmesh.veterinary.v1.VeterinaryService/MakeAppointment";
const GET_PET = "vetmesh.owner.v1.OwnerInternalService/GetPet";
const REMOVE = "vetmesh.owner.v1.OwnerService/RemoveOwnerData";
const ERASE = "vetmesh.veterinary.v1.VeterinaryInternalService/ErasePets";
const CANCEL = "vetmesh.notification.v1.NotificationService/CancelPending";
const LIST_PETS = "vetmesh.owner.v1.OwnerService/ListPets";
const PING = "vetmesh.demo.v1.DemoService/Ping";
const LIST = "vetmesh.discovery.v1.DiscoveryService/List";

describe("one trace across processes", () => {
  let email = "";
  let petId = "";

  beforeAll(async () => {
    email = `trace-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    expect((await call("POST", "/api/owner/register", { email })).status).toBe(201);
    const pet = await call("POST", "/api/owner/register-pet", {
      email,
      type: "Dog",
      race: "Beagle",
      name: "Rex",
    });
    expect(pet.status).toBe(201);
    petId = String(pet.body.petId);
  });

  test("make-appointment: gateway → veterinary → owner under the caller's trace id, each span the child of the one before", async () => {
    const context = newTraceparent();
    const made = await call(
      "POST",
      "/api/veterinary/make-appointment",
      { petId, dateTime: "2023-09-09T13:00:00.000Z" },
      context.header,
    );
    expect(made.status).toBe(201);

    const route = "POST /api/veterinary/make-appointment";
    const spans = await spansOf(context.traceId, [
      { service: "gateway", name: route, kind: SpanKind.server },
      { service: "gateway", name: MAKE, kind: SpanKind.client },
      { service: "veterinary", name: MAKE, kind: SpanKind.server },
      { service: "veterinary", name: GET_PET, kind: SpanKind.client },
      { service: "owner", name: GET_PET, kind: SpanKind.server },
    ]);
    const request = only(spans, "gateway", route, SpanKind.server);
    const toVet = only(spans, "gateway", MAKE, SpanKind.client);
    const vet = only(spans, "veterinary", MAKE, SpanKind.server);
    const toOwner = only(spans, "veterinary", GET_PET, SpanKind.client);
    const owner = only(spans, "owner", GET_PET, SpanKind.server);
    expect(request.parentSpanId).toBe(context.parentId);
    expect(toVet.parentSpanId).toBe(request.spanId);
    expect(vet.parentSpanId).toBe(toVet.spanId);
    expect(toOwner.parentSpanId).toBe(vet.spanId);
    expect(owner.parentSpanId).toBe(toOwner.spanId);
    expect(request.attributes).toMatchObject({
      "http.request.method": "POST",
      "http.route": "/api/veterinary/make-appointment",
      "http.response.status_code": 201,
    });
    expect(vet.instance).toMatch(/^veterinary-[12]$/);
    expect(owner.instance).toMatch(/^owner-[12]$/);
    // The client span names the instance the balancer picked (its h2c address).
    expect(toVet.attributes["server.address"]).toBe("127.0.0.1");
    expect(system.processes.find((row) => row.name === vet.instance)?.grpc).toBe(
      `127.0.0.1:${toVet.attributes["server.port"]}`,
    );

    // Log lines written inside those spans carry the trace id (and the span they were written in).
    const gatewayLine = logLinesOf("gateway", context.traceId).find((line) => line.msg === "request");
    expect(gatewayLine).toMatchObject({ route: "/api/veterinary/make-appointment", status: 201 });
    expect(gatewayLine?.spanId).toBe(request.spanId);
    const vetLine = logLinesOf("veterinary", context.traceId).find((line) => line.msg === "rpc");
    expect(vetLine).toMatchObject({ method: MAKE, code: "ok", spanId: vet.spanId });
    const ownerLine = logLinesOf("owner", context.traceId).find((line) => line.msg === "rpc");
    expect(ownerLine).toMatchObject({ method: GET_PET, code: "ok", spanId: owner.spanId });
  });

  test("remove-data: the saga's steps are spans of the request's trace, with the participants' calls under them", async () => {
    const context = newTraceparent();
    const removed = await call("DELETE", `/api/owner/remove-data/${email}`, undefined, context.header);
    expect(removed.status).toBe(200);

    const steps = ["erase_veterinary", "cancel_notifications", "erase_owner"].map(
      (step) => `removal-saga ${step}`,
    );
    const spans = await spansOf(context.traceId, [
      { service: "gateway", name: REMOVE, kind: SpanKind.client },
      { service: "owner", name: REMOVE, kind: SpanKind.server },
      ...steps.map((name) => ({ service: "owner", name, kind: SpanKind.internal })),
      { service: "owner", name: ERASE, kind: SpanKind.client },
      { service: "veterinary", name: ERASE, kind: SpanKind.server },
      { service: "owner", name: CANCEL, kind: SpanKind.client },
      { service: "notification", name: CANCEL, kind: SpanKind.server },
    ]);
    const server = only(spans, "owner", REMOVE, SpanKind.server);
    const [erase, cancel, finish] = steps.map((name) => only(spans, "owner", name, SpanKind.internal));
    for (const step of [erase, cancel, finish]) {
      expect(step!.parentSpanId).toBe(server.spanId);
      expect(step!.attributes["vetmesh.saga.id"]).toBeString();
      expect(step!.statusCode).toBe(0);
    }
    expect(erase!.attributes["vetmesh.saga.step"]).toBe("erase_veterinary");
    const toVet = only(spans, "owner", ERASE, SpanKind.client);
    expect(toVet.parentSpanId).toBe(erase!.spanId);
    expect(only(spans, "veterinary", ERASE, SpanKind.server).parentSpanId).toBe(toVet.spanId);
    const toNotification = only(spans, "owner", CANCEL, SpanKind.client);
    expect(toNotification.parentSpanId).toBe(cancel!.spanId);
    expect(only(spans, "notification", CANCEL, SpanKind.server).parentSpanId).toBe(toNotification.spanId);
    expect(logLinesOf("owner", context.traceId).some((line) => line.msg === "owner removed")).toBe(true);
  });

  test("the balancer proxy's hop: its server span and its call to the owner instance are in the caller's trace", async () => {
    const context = newTraceparent();
    const proxy = createClient(
      OwnerService,
      createConnectTransport({ baseUrl: `http://${system.grpcAddress("balancer")}`, httpVersion: "2" }),
    );
    const fresh = `proxy-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    await proxy.registerOwner({ email: fresh });
    await proxy.listPets({ ownerRef: fresh }, { headers: { traceparent: context.header } });
    const spans = await spansOf(context.traceId, [
      { service: "balancer", name: LIST_PETS, kind: SpanKind.server },
      { service: "balancer", name: LIST_PETS, kind: SpanKind.client },
      { service: "owner", name: LIST_PETS, kind: SpanKind.server },
    ]);
    const atProxy = only(spans, "balancer", LIST_PETS, SpanKind.server);
    const forwarded = only(spans, "balancer", LIST_PETS, SpanKind.client);
    expect(atProxy.parentSpanId).toBe(context.parentId);
    expect(forwarded.parentSpanId).toBe(atProxy.spanId);
    expect(only(spans, "owner", LIST_PETS, SpanKind.server).parentSpanId).toBe(forwarded.spanId);
  });

  test("the demo service: /api/test/rate-limit's call to DemoService.Ping is a span of the demo under the gateway's", async () => {
    const context = newTraceparent();
    expect((await call("GET", "/api/test/rate-limit", undefined, context.header)).status).toBe(200);
    const spans = await spansOf(context.traceId, [
      { service: "gateway", name: PING, kind: SpanKind.client },
      { service: "demo", name: PING, kind: SpanKind.server },
    ]);
    const toDemo = only(spans, "gateway", PING, SpanKind.client);
    expect(only(spans, "demo", PING, SpanKind.server).parentSpanId).toBe(toDemo.spanId);
  });

  test("discovery: a List that carries a trace context is a server span of discovery in that trace", async () => {
    const context = newTraceparent();
    const discovery = createClient(
      DiscoveryService,
      createConnectTransport({ baseUrl: `http://${system.grpcAddress("discovery")}`, httpVersion: "2" }),
    );
    const listed = await discovery.list({ service: "owner" }, { headers: { traceparent: context.header } });
    expect(listed.instances.length).toBeGreaterThan(0);
    const spans = await spansOf(context.traceId, [
      { service: "discovery", name: LIST, kind: SpanKind.server },
    ]);
    expect(only(spans, "discovery", LIST, SpanKind.server).parentSpanId).toBe(context.parentId);
  });

  test("no export was refused, and probes (/status) are not traced", async () => {
    expect(receiver.rejected).toEqual([]);
    expect(receiver.spans.some((s) => s.attributes["url.path"] === "/status")).toBe(false);
  });
});
