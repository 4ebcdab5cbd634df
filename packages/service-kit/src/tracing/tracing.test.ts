import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Code, ConnectError, createClient, type Interceptor, type ServiceImpl } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { Hono } from "hono";
import { kitConfigShape, loadConfig } from "../config.ts";
import { notFound } from "../errors.ts";
import { createLogger } from "../logger.ts";
import { type RunningService, startService } from "../server.ts";
import { tracingHttpMiddleware } from "./http-middleware.ts";
import { tracingClientInterceptors, tracingServerInterceptors } from "./interceptors.ts";
import { disabledTracing, startTracing, type Tracing } from "./tracing.ts";

/** The SDK's exporter interface, keeping what it is handed (the OTLP one would send it to a collector). */
function collectingExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export(batch, done) {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: async () => {},
  };
}

function traced(service: string, ratio = 1) {
  const exporter = collectingExporter();
  const tracing = startTracing({
    service,
    instance: `${service}-1`,
    config: { OTEL_BSP_SCHEDULE_DELAY: 10, OTEL_TRACES_SAMPLER_ARG: ratio },
    exporter,
  });
  return { exporter, tracing };
}

const config = () =>
  loadConfig(kitConfigShape({ service: "demo", grpcPort: 0, httpPort: 0 }), {
    LOG_LEVEL: "silent",
    DRAIN_DELAY_MS: "0",
  });

/** A kit service (both listeners, port 0) serving DemoService with `impl`, traced by `tracing`. */
function startDemo(
  name: string,
  tracing: Tracing,
  impl: Partial<ServiceImpl<typeof DemoService>>,
  logger = createLogger({ level: "silent" }),
): Promise<RunningService> {
  return startService({
    name,
    config: config(),
    tracing,
    logger,
    routes: (router) => router.service(DemoService, impl),
  });
}

const h2Client = (port: number, interceptors: Interceptor[]) =>
  createClient(
    DemoService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${port}`, httpVersion: "2", interceptors }),
  );

const byName = (spans: ReadableSpan[], name: string, kind: SpanKind) => {
  const found = spans.filter((span) => span.name === name && span.kind === kind);
  expect(found).toHaveLength(1);
  return found[0]!;
};

describe("tracing off", () => {
  test("no endpoint: the inert tracing, no interceptor, no middleware, no log field", async () => {
    const tracing = startTracing({ service: "svc", instance: "svc-1", config: {} });
    expect(tracing).toBe(disabledTracing);
    expect(tracing.enabled).toBe(false);
    expect(tracingServerInterceptors(tracing)).toEqual([]);
    expect(tracingClientInterceptors(tracing)).toEqual([]);
    expect(tracingHttpMiddleware(tracing, () => undefined)).toBeUndefined();
    expect(tracing.logFields).toBeUndefined();
    expect(await tracing.inSpan("step", {}, async () => 42)).toBe(42);
  });

  test("off, a process never loads the SDK (its memory is paid only when tracing is on)", () => {
    // A fresh process: this test file itself turns tracing on elsewhere, which loads the SDK here.
    const telemetry = join(import.meta.dir, "..", "telemetry.ts");
    const script = `
      const { createTelemetry } = await import(${JSON.stringify(telemetry)});
      const loaded = () => Object.keys(require.cache).filter((path) => path.includes("@opentelemetry/sdk-trace")).length;
      createTelemetry("probe", { LOG_LEVEL: "silent", INSTANCE_ID: "probe-1" });
      const off = loaded();
      createTelemetry("probe", { LOG_LEVEL: "silent", INSTANCE_ID: "probe-1", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" });
      console.log(JSON.stringify({ off, on: loaded() }));`;
    const run = Bun.spawnSync({ cmd: [process.execPath, "-e", script], stdout: "pipe", stderr: "pipe" });
    expect(run.stderr.toString()).toBe("");
    const { off, on } = JSON.parse(run.stdout.toString()) as { off: number; on: number };
    expect(off).toBe(0);
    expect(on).toBeGreaterThan(0);
  });
});

describe("tracing across two services over h2c", () => {
  const front = traced("front");
  const back = traced("back");
  const caller = traced("caller");
  const lines: string[] = [];
  let backService: RunningService;
  let frontService: RunningService;

  beforeAll(async () => {
    backService = await startDemo("back", back.tracing, {
      ping: () => ({ message: "pong", instanceId: "back-1" }),
    });
    const logger = createLogger({
      level: "info",
      sink: (line) => lines.push(line),
      contextFields: front.tracing.logFields,
    });
    const toBack = h2Client(backService.grpcPort, tracingClientInterceptors(front.tracing));
    frontService = await startDemo(
      "front",
      front.tracing,
      {
        async ping() {
          logger.info("calling back");
          const answer = await toBack.ping({});
          return { message: `front+${answer.message}`, instanceId: "front-1" };
        },
      },
      logger,
    );
  });

  afterAll(async () => {
    await frontService?.drain();
    await backService?.drain();
  });

  test("one trace id from the caller's span through front to back, each span the child of the one before", async () => {
    const client = h2Client(frontService.grpcPort, tracingClientInterceptors(caller.tracing));
    const answer = await caller.tracing.inSpan("caller work", { "test.case": "chain" }, () =>
      client.ping({}),
    );
    expect(answer.message).toBe("front+pong");
    await Promise.all([caller.tracing.shutdown(), front.tracing.shutdown(), back.tracing.shutdown()]);

    const root = byName(caller.exporter.spans, "caller work", SpanKind.INTERNAL);
    const callFront = byName(caller.exporter.spans, "vetmesh.demo.v1.DemoService/Ping", SpanKind.CLIENT);
    const frontServer = byName(front.exporter.spans, "vetmesh.demo.v1.DemoService/Ping", SpanKind.SERVER);
    const callBack = byName(front.exporter.spans, "vetmesh.demo.v1.DemoService/Ping", SpanKind.CLIENT);
    const backServer = byName(back.exporter.spans, "vetmesh.demo.v1.DemoService/Ping", SpanKind.SERVER);
    const traceId = root.spanContext().traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const chain = [root, callFront, frontServer, callBack, backServer];
    for (const span of chain) expect(span.spanContext().traceId).toBe(traceId);
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.parentSpanContext?.spanId).toBe(chain[i - 1]!.spanContext().spanId);
    }
    expect(backServer.attributes).toMatchObject({
      "rpc.system": "connect_rpc",
      "rpc.service": "vetmesh.demo.v1.DemoService",
      "rpc.method": "Ping",
    });
    expect(callBack.attributes).toMatchObject({
      "server.address": "127.0.0.1",
      "server.port": backService.grpcPort,
    });
    expect(backServer.resource.attributes["service.name"]).toBe("back");
    expect(backServer.resource.attributes["service.instance.id"]).toBe("back-1");

    // The handler's own line and the kit's summary line both name the trace and the server span.
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const calling = logged.find((line) => line.msg === "calling back");
    const summary = logged.find(
      (line) => line.msg === "rpc" && line.method === "vetmesh.demo.v1.DemoService/Ping",
    );
    for (const line of [calling, summary]) {
      expect(line).toMatchObject({ traceId, spanId: frontServer.spanContext().spanId });
    }
  });

  test("an unexpected error marks the server span failed; a not-found answer does not", async () => {
    const fresh = { front: traced("front"), back: traced("back") };
    // Drained services keep their spans in the shut tracings above; these calls use new ones.
    const backAgain = await startDemo("back", fresh.back.tracing, {
      fail: () => {
        throw notFound("nothing here");
      },
    });
    const toBack = h2Client(backAgain.grpcPort, tracingClientInterceptors(fresh.front.tracing));
    const frontAgain = await startDemo("front", fresh.front.tracing, {
      async fail() {
        await toBack.fail({}).catch(() => {});
        throw new Error("front broke");
      },
    });
    try {
      const error = await h2Client(frontAgain.grpcPort, [])
        .fail({})
        .then(
          () => undefined,
          (thrown: unknown) => ConnectError.from(thrown),
        );
      expect(error?.code).toBe(Code.Internal);
    } finally {
      await frontAgain.drain();
      await backAgain.drain();
    }
    const backServer = byName(fresh.back.exporter.spans, "vetmesh.demo.v1.DemoService/Fail", SpanKind.SERVER);
    expect(backServer.attributes["rpc.connect_rpc.error_code"]).toBe("not_found");
    expect(backServer.status.code).toBe(SpanStatusCode.UNSET);
    const callBack = byName(fresh.front.exporter.spans, "vetmesh.demo.v1.DemoService/Fail", SpanKind.CLIENT);
    expect(callBack.status.code).toBe(SpanStatusCode.ERROR);
    const frontServer = byName(
      fresh.front.exporter.spans,
      "vetmesh.demo.v1.DemoService/Fail",
      SpanKind.SERVER,
    );
    expect(frontServer.status.code).toBe(SpanStatusCode.ERROR);
    expect(frontServer.attributes["rpc.connect_rpc.error_code"]).toBe("internal");
    // No traceparent came in: the front's server span started the trace.
    expect(frontServer.parentSpanContext).toBeUndefined();
    expect(callBack.spanContext().traceId).toBe(frontServer.spanContext().traceId);
  });
});

describe("HTTP server span (the gateway's middleware)", () => {
  function appWith(tracing: Tracing) {
    const app = new Hono<{ Variables: { route: string } }>();
    const middleware = tracingHttpMiddleware(tracing, (c) => c.get("route" as never));
    if (middleware) app.use("*", middleware);
    app.get("/pets/:id", (c) => {
      c.set("route", "/pets/{id}");
      return c.json({ ok: true });
    });
    app.get("/boom", () => {
      throw new Error("boom");
    });
    app.get("/status", (c) => c.json({ status: "ok" }));
    app.onError((_error, c) => c.json({ error: "internal" }, 500));
    return app;
  }

  test("continues the caller's traceparent, names the route, records the status; probes are not traced", async () => {
    const { exporter, tracing } = traced("gateway");
    const app = appWith(tracing);
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    const res = await app.request("/pets/abc", { headers: { traceparent: `00-${traceId}-${parentId}-01` } });
    expect(res.status).toBe(200);
    expect((await app.request("/boom")).status).toBe(500);
    expect((await app.request("/status")).status).toBe(200);
    await tracing.shutdown();

    expect(exporter.spans.map((span) => span.name).sort()).toEqual(["GET", "GET /pets/{id}"]);
    const pets = byName(exporter.spans, "GET /pets/{id}", SpanKind.SERVER);
    expect(pets.spanContext().traceId).toBe(traceId);
    expect(pets.parentSpanContext?.spanId).toBe(parentId);
    expect(pets.attributes).toMatchObject({
      "http.request.method": "GET",
      "http.route": "/pets/{id}",
      "url.path": "/pets/abc",
      "http.response.status_code": 200,
    });
    expect(pets.status.code).toBe(SpanStatusCode.UNSET);
    const boom = byName(exporter.spans, "GET", SpanKind.SERVER);
    expect(boom.attributes["http.response.status_code"]).toBe(500);
    expect(boom.status.code).toBe(SpanStatusCode.ERROR);
  });

  test("a caller's sampled flag is not trusted: the gateway's ratio decides, and the trace id is kept", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const parentId = "00f067aa0ba902b7";
    const never = traced("gateway", 0);
    const forced = await appWith(never.tracing).request("/pets/abc", {
      headers: { traceparent: `00-${traceId}-${parentId}-01` },
    });
    expect(forced.status).toBe(200);
    await never.tracing.shutdown();
    expect(never.exporter.spans).toEqual([]);

    const always = traced("gateway", 1);
    await appWith(always.tracing).request("/pets/abc", {
      headers: { traceparent: `00-${traceId}-${parentId}-00` },
    });
    await always.tracing.shutdown();
    const pets = byName(always.exporter.spans, "GET /pets/{id}", SpanKind.SERVER);
    expect(pets.spanContext().traceId).toBe(traceId);
    expect(pets.parentSpanContext?.spanId).toBe(parentId);
  });

  test("inSpan nests under the request span and the log fields name it", async () => {
    const { exporter, tracing } = traced("gateway");
    const seen: Array<Record<string, unknown> | undefined> = [];
    const app = new Hono();
    app.use("*", tracingHttpMiddleware(tracing, () => "/work")!);
    app.get("/work", async (c) => {
      await tracing.inSpan("inner", { n: 1 }, async () => {
        seen.push(tracing.logFields?.());
      });
      return c.text("done");
    });
    await app.request("/work");
    expect(tracing.logFields?.()).toBeUndefined();
    await tracing.shutdown();
    const request = byName(exporter.spans, "GET /work", SpanKind.SERVER);
    const inner = byName(exporter.spans, "inner", SpanKind.INTERNAL);
    expect(inner.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(seen).toEqual([{ traceId: request.spanContext().traceId, spanId: inner.spanContext().spanId }]);
  });
});
