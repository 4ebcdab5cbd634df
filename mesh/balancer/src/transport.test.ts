import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { expectFailure } from "@vetmesh/kit/testing";
import { Registry } from "prom-client";
import { createStaticBalancer } from "./balancer.ts";
import { connectInstanceTransport } from "./endpoint.ts";
import { createRing } from "./ring.ts";
import { startDemoUpstreams, type TestUpstream } from "./testing/demo-servers.ts";
import { ROUTING_KEY_HEADER } from "./transport.ts";

let upstreams: TestUpstream[] = [];
const byId = (id: string) => upstreams.find((u) => u.endpoint.instanceId === id)!;

beforeAll(async () => {
  upstreams = await startDemoUpstreams(3, "demo");
});
afterAll(async () => {
  await Promise.all(upstreams.map((u) => u.stop()));
});
beforeEach(() => {
  for (const upstream of upstreams) {
    upstream.behaviour = {};
    upstream.calls = 0;
  }
});

function setup() {
  const registry = new Registry();
  const balancer = createStaticBalancer({
    services: { demo: upstreams.map((u) => u.endpoint) },
    metrics: { registry },
    outlier: { consecutiveFailures: 3, baseEjectionMs: 60_000 },
  });
  const client = createClient(DemoService, balancer.transport("demo"));
  return { balancer, client, registry };
}

const ring = () => createRing(upstreams.map((u) => u.endpoint.instanceId));
const keyed = (key: string) => ({ headers: { [ROUTING_KEY_HEADER]: key } });

describe("balanced transport", () => {
  test("the same routing key always reaches the ring's owner; no key spreads round-robin", async () => {
    const { balancer, client } = setup();
    for (const key of ["alice@example.org", "bob@example.org", "pet-42"]) {
      for (let i = 0; i < 3; i++)
        expect((await client.ping({}, keyed(key))).instanceId).toBe(ring().owner(key)!);
    }
    const seen = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const { instanceId } = await client.ping({});
      seen.set(instanceId, (seen.get(instanceId) ?? 0) + 1);
    }
    expect([...seen.entries()].sort()).toEqual([
      ["demo-1", 10],
      ["demo-2", 10],
      ["demo-3", 10],
    ]);
    await balancer.close();
  });

  test("an idempotent call that gets Unavailable is retried once on the next instance of the ring", async () => {
    const { balancer, client, registry } = setup();
    const [owner, next] = ring().order("alice");
    byId(owner!).behaviour.pingError = Code.Unavailable;
    expect((await client.ping({}, keyed("alice"))).instanceId).toBe(next!);
    expect([byId(owner!).calls, byId(next!).calls]).toEqual([1, 1]);
    const retries = await registry.getSingleMetric("vetmesh_balancer_retries_total")!.get();
    expect(retries.values.map((v) => [v.labels.target_instance, v.value])).toEqual([[next, 1]]);
    await balancer.close();
  });

  test("a call never sent (connection refused) moves on past the retry budget: two dead instances, the third answers", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const deadAddress = `127.0.0.1:${closed.port}`;
    await closed.stop(true);
    const live = upstreams[0]!.endpoint;
    const ids = ["dead-a", "dead-b", live.instanceId];
    let key = "";
    for (let i = 0; !key; i++) if (createRing(ids).order(`k${i}`)[2] === live.instanceId) key = `k${i}`;
    const balancer = createStaticBalancer({
      services: {
        demo: [
          { instanceId: "dead-a", grpcAddress: deadAddress },
          { instanceId: "dead-b", grpcAddress: deadAddress },
          live,
        ],
      },
      metrics: { registry: new Registry() },
    });
    const client = createClient(DemoService, balancer.transport("demo"));
    expect((await client.ping({}, keyed(key))).instanceId).toBe(live.instanceId);
    await balancer.close();
  });

  test("only once: when the next instance fails too, the caller gets its Unavailable", async () => {
    const { balancer, client } = setup();
    const [owner, next, third] = ring().order("alice");
    byId(owner!).behaviour.pingError = Code.Unavailable;
    byId(next!).behaviour.pingError = Code.Unavailable;
    expect((await expectFailure(client.ping({}, keyed("alice")))).code).toBe(Code.Unavailable);
    expect([byId(owner!).calls, byId(next!).calls, byId(third!).calls]).toEqual([1, 1, 0]);
    await balancer.close();
  });

  test("a method not declared idempotent is not retried after Unavailable", async () => {
    const { balancer } = setup();
    const transport = balancer.transport("demo");
    const unsafe = {
      ...DemoService.method.ping,
      idempotency: MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
    };
    const [owner] = ring().order("alice");
    byId(owner!).behaviour.pingError = Code.Unavailable;
    const error = await expectFailure(
      transport.unary(unsafe, undefined, 2000, { [ROUTING_KEY_HEADER]: "alice" }, {}),
    );
    expect(error.code).toBe(Code.Unavailable);
    expect(upstreams.reduce((sum, u) => sum + u.calls, 0)).toBe(1);
    await balancer.close();
  });

  test("Internal is not retried (the instance answered), but N in a row eject the instance", async () => {
    const { balancer, client, registry } = setup();
    const [owner, next] = ring().order("alice");
    byId(owner!).behaviour.pingError = Code.Internal;
    for (let i = 0; i < 3; i++)
      expect((await expectFailure(client.ping({}, keyed("alice")))).code).toBe(Code.Internal);
    expect(byId(next!).calls).toBe(0);
    expect(balancer.isEjected("demo", owner!)).toBe(true);
    expect((await client.ping({}, keyed("alice"))).instanceId).toBe(next!);
    const ejections = await registry.getSingleMetric("vetmesh_balancer_ejections_total")!.get();
    expect(ejections.values.map((v) => [v.labels.target_instance, v.value])).toEqual([[owner, 1]]);
    await balancer.close();
  });

  test("a retry only happens within the caller's deadline", async () => {
    const { balancer, client } = setup();
    const [owner, next] = ring().order("alice");
    byId(owner!).behaviour = { pingError: Code.Unavailable, pingDelayMs: 50 };
    expect((await client.ping({}, { ...keyed("alice"), timeoutMs: 1000 })).instanceId).toBe(next!);
    byId(owner!).behaviour = { pingError: Code.Unavailable, pingDelayMs: 300 };
    byId(next!).calls = 0;
    expect((await expectFailure(client.ping({}, { ...keyed("alice"), timeoutMs: 150 }))).code).toBe(
      Code.DeadlineExceeded,
    );
    expect(byId(next!).calls).toBe(0);
    await balancer.close();
  });
});

describe("balanced transport against a refused connection", () => {
  test("any method is retried when nothing was sent, and the dead instance is ejected at once", async () => {
    const [spare] = await startDemoUpstreams(1, "spare");
    const dead = { instanceId: "dead-1", grpcAddress: spare!.endpoint.grpcAddress };
    await spare!.stop();
    const balancer = createStaticBalancer({ services: { demo: [dead, upstreams[0]!.endpoint] } });
    const transport = balancer.transport("demo");
    const unsafe = {
      ...DemoService.method.ping,
      idempotency: MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
    };
    const key = [...Array(100).keys()]
      .map((i) => `k${i}`)
      .find((k) => createRing(["dead-1", "demo-1"]).owner(k) === "dead-1")!;
    const response = await transport.unary(unsafe, undefined, 2000, { [ROUTING_KEY_HEADER]: key }, {});
    expect(response.message.instanceId).toBe("demo-1");
    expect(balancer.isEjected("demo", "dead-1")).toBe(true);
    await balancer.close();
  });
});

describe("an instance leaving the snapshot", () => {
  test("a call in flight to it still gets its answer (it deregisters before it finishes its calls); new calls go elsewhere", async () => {
    const balancer = createStaticBalancer({ services: { demo: upstreams.map((u) => u.endpoint) } });
    const client = createClient(DemoService, balancer.transport("demo"));
    const [owner] = ring().order("alice");
    byId(owner!).behaviour.pingDelayMs = 300;
    const inFlight = client.ping({}, keyed("alice"));
    await Bun.sleep(100);
    expect(byId(owner!).calls).toBe(1);
    balancer.update(
      "demo",
      upstreams.filter((u) => u.endpoint.instanceId !== owner).map((u) => u.endpoint),
    );
    expect((await client.ping({}, keyed("alice"))).instanceId).not.toBe(owner!);
    expect((await inFlight).instanceId).toBe(owner!);
    await balancer.close();
  });

  test("the grace is a bound: a call still running when it ends is cut", async () => {
    const balancer = createStaticBalancer({
      services: { demo: upstreams.map((u) => u.endpoint) },
      retireGraceMs: 50,
    });
    const transport = balancer.transport("demo");
    const unsafe = {
      ...DemoService.method.ping,
      idempotency: MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
    };
    const [owner] = ring().order("alice");
    byId(owner!).behaviour.pingDelayMs = 2000;
    const inFlight = expectFailure(
      transport.unary(unsafe, undefined, 5000, { [ROUTING_KEY_HEADER]: "alice" }, {}),
    );
    await Bun.sleep(100);
    balancer.update(
      "demo",
      upstreams.filter((u) => u.endpoint.instanceId !== owner).map((u) => u.endpoint),
    );
    // Cut after 50 ms, long before the 2 s answer: without the bound it would succeed.
    expect((await inFlight).code).toBe(Code.Unavailable);
    await balancer.close();
  });
});

describe("a session that takes no new streams (GOAWAY)", () => {
  test("the instance gets one fresh session however many calls failed on the old one, each call is tried again on it, and the instance is not ejected", async () => {
    const [owner] = ring().order("alice");
    const made = new Map<string, number>();
    const balancer = createStaticBalancer({
      services: { demo: upstreams.map((u) => u.endpoint) },
      outlier: { consecutiveFailures: 1, baseEjectionMs: 60_000 },
      instanceTransport(endpoint) {
        const count = (made.get(endpoint.instanceId) ?? 0) + 1;
        made.set(endpoint.instanceId, count);
        const real = connectInstanceTransport(endpoint);
        if (endpoint.instanceId !== owner || count > 1) return real;
        // What Bun's HTTP/2 client raises on such a session: every new stream refused before it is sent.
        const goaway = Object.assign(new Error("New streams cannot be created after receiving a GOAWAY"), {
          code: "ERR_HTTP2_GOAWAY_SESSION",
        });
        const refuse = async (): Promise<never> => {
          throw new ConnectError(goaway.message, Code.Internal, undefined, undefined, goaway);
        };
        return { transport: { unary: refuse, stream: refuse }, close: real.close };
      },
    });
    const client = createClient(DemoService, balancer.transport("demo"));
    const answers = await Promise.all(Array.from({ length: 5 }, () => client.ping({}, keyed("alice"))));
    // The instance is fine, only its session was not: each call is tried again there, on the one fresh session.
    expect(answers.map((answer) => answer.instanceId)).toEqual(Array(5).fill(owner));
    expect(made.get(owner!)).toBe(2);
    expect((await client.ping({}, keyed("alice"))).instanceId).toBe(owner!);
    expect(balancer.isEjected("demo", owner!)).toBe(false);
    await balancer.close();
  });
});
