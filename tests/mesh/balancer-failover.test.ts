/**
 * The balancer over real processes: three kit-based demo instances registered
 * in a real discovery process, called through the embedded transport
 * (generated Connect client over gRPC/h2c) and through the standalone proxy
 * (real @grpc/grpc-js and Connect clients). Kills one instance under load,
 * then discovery itself, then restarts discovery.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { type Balancer, createBalancer, ROUTING_KEY_HEADER } from "@vetmesh/balancer";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { eventually, ROOT, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const TTL_MS = 1500;
// biome-ignore lint/suspicious/noExplicitAny: grpc-js clients from proto-loader are untyped
type GrpcClient = any;

let discovery: TestProcess;
let discoveryPorts: { grpc: number; http: number };
const demos = new Map<string, TestProcess>();
let proxy: TestProcess;
let balancer: Balancer;

const discoveryUrl = () => `http://127.0.0.1:${discoveryPorts.http}`;

async function startDiscovery(ports?: { grpc: number; http: number }) {
  discovery = await startProcess({
    name: "discovery",
    entry: "mesh/discovery/src/main.ts",
    env: {
      INSTANCE_ID: "discovery-1",
      DISCOVERY_SWEEP_MS: "50",
      ...(ports ? { GRPC_PORT: String(ports.grpc), HTTP_PORT: String(ports.http) } : {}),
    },
  });
  discoveryPorts = { grpc: discovery.grpcPort, http: discovery.httpPort };
}

async function startDemo(instanceId: string) {
  const demo = await startProcess({
    name: instanceId,
    entry: "packages/demo-service/src/main.ts",
    env: { INSTANCE_ID: instanceId, DISCOVERY_URL: discoveryUrl(), DISCOVERY_TTL_MS: String(TTL_MS) },
  });
  await demo.waitForLine((line) => line.includes("registered with discovery"));
  demos.set(instanceId, demo);
  return demo;
}

const listDemo = async () =>
  (
    await createClient(
      DiscoveryService,
      createConnectTransport({ baseUrl: discoveryUrl(), httpVersion: "1.1" }),
    ).list({ service: "demo" }, { timeoutMs: 1000 })
  ).instances
    .map((i) => i.instanceId)
    .join(",");

function grpcDemoClient(port: number): GrpcClient {
  const definition = protoLoader.loadSync(`${ROOT}/proto/vetmesh/demo/v1/demo.proto`, { defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as GrpcClient;
  return new loaded.vetmesh.demo.v1.DemoService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}

const grpcPing = (client: GrpcClient, key?: string) =>
  new Promise<string>((resolve, reject) => {
    const metadata = new grpc.Metadata();
    if (key) metadata.set(ROUTING_KEY_HEADER, key);
    client.Ping(
      {},
      metadata,
      { deadline: Date.now() + CALL_DEADLINE_MS },
      (error: grpc.ServiceError | null, value: { instanceId: string }) =>
        error ? reject(error) : resolve(value.instanceId),
    );
  });

/**
 * How long a condition that must come true (an expired lease, a re-registration)
 * may take before the test fails: generous, because `eventually` returns as soon
 * as it holds, and a busy machine stretches every sweep and heartbeat.
 */
const SETTLE_BOUND_MS = 30_000;
/** Per-call deadline: long enough that a busy machine never fails a call that was only slow. */
const CALL_DEADLINE_MS = 10_000;

/**
 * Runs `total` calls, `concurrency` at a time; after `killAfter` of them
 * completed, runs `onKill` (which resolves once the instance is gone). Returns
 * the failures (with their messages) and who answered the calls that started
 * after the instance was gone.
 */
async function load(options: {
  total: number;
  concurrency: number;
  call: (i: number) => Promise<string>;
  killAfter?: number;
  onKill?: () => Promise<unknown>;
}) {
  let next = 0;
  let done = 0;
  const failures: string[] = [];
  const afterKill = new Map<string, number>();
  let killing = false;
  let gone = false;
  const worker = async () => {
    while (next < options.total) {
      const i = next++;
      const startedAfterKill = gone;
      try {
        const instanceId = await options.call(i);
        if (startedAfterKill) afterKill.set(instanceId, (afterKill.get(instanceId) ?? 0) + 1);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
      done++;
      if (!killing && options.killAfter !== undefined && done >= options.killAfter) {
        killing = true;
        void options.onKill?.().then(() => {
          gone = true;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { failures, afterKill };
}

beforeAll(async () => {
  await startDiscovery();
  for (const id of ["demo-1", "demo-2", "demo-3"]) await startDemo(id);
  proxy = await startProcess({
    name: "balancer-proxy",
    entry: "mesh/balancer/src/main.ts",
    env: { INSTANCE_ID: "balancer-1", DISCOVERY_URL: discoveryUrl(), DISCOVERY_TTL_MS: String(TTL_MS) },
  });
  balancer = createBalancer({ discoveryUrl: discoveryUrl(), backoff: { initialMs: 50, maxMs: 300 } });
  await eventually(() => balancer.instances("demo").length === 3, SETTLE_BOUND_MS);
}, 60_000);

afterAll(async () => {
  await balancer?.close();
  await stopAll();
});

describe("embedded transport (generated Connect client, Connect over h2c to the instances)", () => {
  test("calls with a routing key stick to one instance; calls without spread over all three", async () => {
    const client = createClient(DemoService, balancer.transport("demo"));
    const keyed = new Set<string>();
    for (let i = 0; i < 20; i++) {
      keyed.add(
        (await client.ping({}, { headers: { [ROUTING_KEY_HEADER]: "alice@example.org" } })).instanceId,
      );
    }
    expect(keyed.size).toBe(1);
    const spread = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const { instanceId } = await client.ping({});
      spread.set(instanceId, (spread.get(instanceId) ?? 0) + 1);
    }
    expect([...spread.values()]).toEqual([10, 10, 10]);
  });

  test("killing one of three instances (SIGKILL) under 3000 idempotent calls fails ≤ 0.1% of them", async () => {
    const client = createClient(DemoService, balancer.transport("demo"));
    const { failures, afterKill } = await load({
      total: 3000,
      concurrency: 8,
      call: async (i) =>
        (
          await client.ping(
            {},
            {
              timeoutMs: CALL_DEADLINE_MS,
              headers: i % 2 ? { [ROUTING_KEY_HEADER]: `owner-${i % 97}` } : {},
            },
          )
        ).instanceId,
      killAfter: 1000,
      onKill: () => {
        const demo = demos.get("demo-2")!;
        demo.kill("SIGKILL");
        return demo.exited;
      },
    });
    if (failures.length) console.log("failures:", failures.slice(0, 5));
    expect(failures.length).toBeLessThanOrEqual(3);
    // Every call started once demo-2 was gone was answered by the other two.
    expect([...afterKill.keys()].sort()).toEqual(["demo-1", "demo-3"]);
    expect(afterKill.get("demo-1")! + afterKill.get("demo-3")!).toBeGreaterThan(1000);
    expect(
      balancer.isEjected("demo", "demo-2") ||
        !balancer.instances("demo").some((i) => i.instanceId === "demo-2"),
    ).toBe(true);
    await eventually(async () => (await listDemo()) === "demo-1,demo-3", SETTLE_BOUND_MS);
  }, 90_000);
});

describe("standalone proxy (real @grpc/grpc-js and Connect clients)", () => {
  test("a grpc-js client and a Connect client reach the demo service through the proxy; keys stick", async () => {
    await startDemo("demo-4");
    await eventually(async () => (await listDemo()) === "demo-1,demo-3,demo-4", SETTLE_BOUND_MS);
    const grpcClient = grpcDemoClient(proxy.grpcPort);
    const connectClient = createClient(
      DemoService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${proxy.httpPort}`, httpVersion: "1.1" }),
    );
    await eventually(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 6; i++) seen.add(await grpcPing(grpcClient));
      return seen.size === 3;
    }, SETTLE_BOUND_MS);
    const viaGrpc = new Set<string>();
    const viaConnect = new Set<string>();
    for (let i = 0; i < 10; i++) {
      viaGrpc.add(await grpcPing(grpcClient, "pet-7"));
      viaConnect.add(
        (
          await connectClient.ping(
            {},
            { headers: { [ROUTING_KEY_HEADER]: "pet-7", "x-request-id": `via-proxy-${i}` } },
          )
        ).instanceId,
      );
    }
    expect(viaGrpc.size).toBe(1);
    expect([...viaConnect]).toEqual([...viaGrpc]);
    const owner = [...viaGrpc][0]!;
    await demos.get(owner)!.waitForLine((line) => line.includes('"requestId":"via-proxy-9"'));
    grpcClient.close();
  }, 90_000);

  test("killing one of three instances under 3000 grpc-js calls through the proxy fails ≤ 0.1% of them", async () => {
    const grpcClient = grpcDemoClient(proxy.grpcPort);
    const { failures, afterKill } = await load({
      total: 3000,
      concurrency: 8,
      call: (i) => grpcPing(grpcClient, i % 2 ? `owner-${i % 97}` : undefined),
      killAfter: 1000,
      onKill: () => {
        const demo = demos.get("demo-3")!;
        demo.kill("SIGKILL");
        return demo.exited;
      },
    });
    if (failures.length) console.log("failures:", failures.slice(0, 5));
    expect(failures.length).toBeLessThanOrEqual(3);
    expect([...afterKill.keys()].sort()).toEqual(["demo-1", "demo-4"]);
    expect(afterKill.get("demo-1")! + afterKill.get("demo-4")!).toBeGreaterThan(1000);
    grpcClient.close();
    await eventually(async () => (await listDemo()) === "demo-1,demo-4", SETTLE_BOUND_MS);
  }, 90_000);
});

describe("discovery down and back", () => {
  test("discovery killed: calls keep flowing on the last snapshot (embedded and proxy)", async () => {
    await eventually(() => balancer.instances("demo").length === 2, SETTLE_BOUND_MS);
    discovery.kill("SIGKILL");
    await discovery.exited;
    await expect(listDemo()).rejects.toThrow();
    const client = createClient(DemoService, balancer.transport("demo"));
    const connectViaProxy = createClient(
      DemoService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${proxy.httpPort}`, httpVersion: "1.1" }),
    );
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      seen.add((await client.ping({}, { timeoutMs: CALL_DEADLINE_MS })).instanceId);
      seen.add((await connectViaProxy.ping({}, { timeoutMs: CALL_DEADLINE_MS })).instanceId);
    }
    expect([...seen].sort()).toEqual(["demo-1", "demo-4"]);
  }, 90_000);

  test("discovery restarted (empty, in memory): the instances register again by themselves and watchers see them", async () => {
    await startDiscovery(discoveryPorts);
    await eventually(async () => (await listDemo()) === "demo-1,demo-4", SETTLE_BOUND_MS);
    await eventually(() => balancer.instances("demo").length === 2, SETTLE_BOUND_MS);
    expect(
      balancer
        .instances("demo")
        .map((i) => i.instanceId)
        .sort(),
    ).toEqual(["demo-1", "demo-4"]);
    const client = createClient(DemoService, balancer.transport("demo"));
    expect(["demo-1", "demo-4"]).toContain((await client.ping({})).instanceId);
  }, 90_000);
});
