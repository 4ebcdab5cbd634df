/**
 * The service kit over real sockets, with the demo service as the kit-based
 * process: real gRPC (@grpc/grpc-js over HTTP/2), Connect and gRPC-Web over
 * HTTP/1.1, unary and server streaming, error codes, drain and bad config.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { ROOT, scrapeMetrics, startProcess, stopAll, type TestProcess } from "../support/process.ts";

// biome-ignore lint/suspicious/noExplicitAny: grpc-js clients from proto-loader are untyped
type GrpcClient = any;

function grpcDemoClient(port: number): GrpcClient {
  const definition = protoLoader.loadSync(`${ROOT}/proto/vetmesh/demo/v1/demo.proto`, { defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as GrpcClient;
  return new loaded.vetmesh.demo.v1.DemoService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

const unary = (client: GrpcClient, method: string, request: object, metadata = new grpc.Metadata()) =>
  new Promise<{ value?: unknown; error?: grpc.ServiceError }>((resolve) => {
    client[method](request, metadata, (error: grpc.ServiceError | null, value: unknown) =>
      resolve(error ? { error } : { value }),
    );
  });

let demo: TestProcess;
beforeAll(async () => {
  demo = await startProcess({
    name: "demo",
    entry: "packages/demo-service/src/main.ts",
    env: { INSTANCE_ID: "demo-wire" },
  });
});
afterAll(stopAll);

describe("real gRPC client over HTTP/2", () => {
  test("unary call answers and carries the request id back", async () => {
    const client = grpcDemoClient(demo.grpcPort);
    const metadata = new grpc.Metadata();
    metadata.set("x-request-id", "req-grpc-1");
    const { value, error } = await unary(client, "Ping", {}, metadata);
    expect(error).toBeUndefined();
    expect(value).toEqual({ message: "ok", instanceId: "demo-wire" });
    await demo.waitForLine((line) => line.includes('"requestId":"req-grpc-1"') && line.includes("Ping"));
    client.close();
  });

  test("server streaming delivers every message in order", async () => {
    const client = grpcDemoClient(demo.grpcPort);
    const ticks: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const call = client.Ticks({ count: 5, intervalMs: 1 });
      call.on("data", (message: { tick: number }) => ticks.push(message.tick));
      call.on("end", resolve);
      call.on("error", reject);
    });
    expect(ticks).toEqual([1, 2, 3, 4, 5]);
    client.close();
  });

  test("errors arrive with their code, message and offending field", async () => {
    const client = grpcDemoClient(demo.grpcPort);
    const failed = await unary(client, "Fail", {});
    expect(failed.error?.code).toBe(grpc.status.INTERNAL);
    expect(failed.error?.details).toBe("Exception thrown on purpose");
    const invalid = await unary(client, "Slow", { delayMs: -5 });
    expect(invalid.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(invalid.error?.metadata.get("vetmesh-field")).toEqual(["delay_ms"]);
    client.close();
  });
});

describe("Connect and gRPC-Web over HTTP/1.1", () => {
  for (const [name, make] of [
    ["connect", createConnectTransport],
    ["grpc-web", createGrpcWebTransport],
  ] as const) {
    test(`${name}: unary, streaming and error codes`, async () => {
      const client = createClient(
        DemoService,
        make({ baseUrl: `http://127.0.0.1:${demo.httpPort}`, httpVersion: "1.1" }),
      );
      expect((await client.ping({})).message).toBe("ok");
      const ticks: number[] = [];
      for await (const message of client.ticks({ count: 3, intervalMs: 1 })) ticks.push(message.tick);
      expect(ticks).toEqual([1, 2, 3]);
      const error = await client.fail({}).catch((e: unknown) => ConnectError.from(e));
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.Internal);
      expect((error as ConnectError).rawMessage).toBe("Exception thrown on purpose");
    });
  }

  test("/status on the HTTP port; /metrics only on the admin port (404 on the HTTP port)", async () => {
    const status = await fetch(`http://127.0.0.1:${demo.httpPort}/status`);
    expect(status.status).toBe(200);
    expect(await status.text()).toBe('{"status":"ok"}');
    const onServicePort = await fetch(`http://127.0.0.1:${demo.httpPort}/metrics`);
    expect(onServicePort.status).toBe(404);
    expect(await onServicePort.json()).toEqual({ error: "Not found" });
    expect(demo.adminPort).not.toBe(demo.httpPort);
    const metrics = await scrapeMetrics(demo);
    expect(metrics).toMatch(
      /vetmesh_rpc_server_total\{rpc_service="vetmesh\.demo\.v1\.DemoService",method="Ping",code="ok"/,
    );
    expect(metrics).toContain("vetmesh_rpc_server_duration_seconds_bucket");
  });
});

describe("graceful drain", () => {
  test("SIGTERM during an in-flight call: it completes, /status is 503 meanwhile, exit 0", async () => {
    const victim = await startProcess({
      name: "demo-drain",
      entry: "packages/demo-service/src/main.ts",
      env: { DRAIN_DELAY_MS: "400" },
    });
    const client = grpcDemoClient(victim.grpcPort);
    const inFlight = unary(client, "Slow", { delayMs: 1200 });
    await Bun.sleep(150);
    victim.kill("SIGTERM");
    await victim.waitForLine((line) => line.includes('"msg":"draining"'));
    const status = await fetch(`http://127.0.0.1:${victim.httpPort}/status`);
    expect(status.status).toBe(503);
    expect(await status.json()).toEqual({ status: "unavailable", reason: "draining" });
    const { value, error } = await inFlight;
    expect(error).toBeUndefined();
    expect((value as { waitedMs: number }).waitedMs).toBeGreaterThanOrEqual(1100);
    expect(await victim.exited).toBe(0);
    client.close();
  });
});

describe("configuration", () => {
  test("a bad variable stops the process with a message naming it", async () => {
    const proc = Bun.spawn({
      cmd: [process.execPath, `${ROOT}/packages/demo-service/src/main.ts`],
      env: { ...process.env, GRPC_PORT: "not-a-port", LOG_LEVEL: "loud" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const code = await proc.exited;
    const stderr = await new Response(proc.stderr).text();
    expect(code).toBe(78);
    expect(stderr).toContain("GRPC_PORT");
    expect(stderr).toContain("LOG_LEVEL");
  });
});
