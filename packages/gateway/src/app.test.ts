import { afterAll, describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { GetPetRequestSchema, OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { createAdminApp, UNAVAILABLE_REASON_HEADER } from "@vetmesh/kit";
import { createGatewayHarness, json } from "./testing/harness.ts";

const harnesses: Array<{ close(): Promise<void> }> = [];
async function harness(options: Parameters<typeof createGatewayHarness>[0] = {}) {
  const h = await createGatewayHarness(options);
  harnesses.push(h);
  return h;
}
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

const peer = (address: string) => ({ server: { requestIP: () => ({ address }) } });

describe("health, metrics, errors, headers", () => {
  test("/status and /api/status: 200 ok, 503 while draining", async () => {
    let draining = false;
    const h = await harness({ isDraining: () => draining });
    for (const path of ["/status", "/api/status"]) {
      const res = await h.app.request(path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ok" });
    }
    draining = true;
    const res = await h.app.request("/api/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "draining" });
  });

  test("unknown route: 404 JSON with security headers and a request id; CORS off by default", async () => {
    const h = await harness();
    const res = await h.app.request("/nope", { headers: { origin: "https://evil.example" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found" });
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("strict-transport-security")).toContain("max-age=");
    expect(res.headers.get("x-request-id")?.length).toBeGreaterThan(0);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  test("CORS when configured", async () => {
    const h = await harness({ config: { CORS_ORIGINS: ["https://clinic.example"] } });
    const res = await h.app.request("/api/status", { headers: { origin: "https://clinic.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBe("https://clinic.example");
  });

  test("an unexpected error: 500 with the request id only, no stack", async () => {
    const h = await harness({
      health: () => {
        throw new Error("secret internals at /srv/x.ts:12");
      },
    });
    const res = await h.app.request("/api/status", { headers: { "x-request-id": "req-123" } });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "Internal error (request id req-123)" });
  });

  test("/metrics is not served by the public app: 404 JSON (the kit serves it on ADMIN_PORT)", async () => {
    const h = await harness();
    const res = await h.app.request("/metrics");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found" });
  });

  test("metrics (admin port): per-route count and latency, cache results, limiter rejections, breaker state", async () => {
    const h = await harness({ config: { RATE_LIMIT_TEST: { points: 1, durationSeconds: 60 } } });
    await h.app.request("/api/test/rate-limit", {}, peer("10.9.9.9"));
    await h.app.request("/api/test/rate-limit", {}, peer("10.9.9.9"));
    await h.app.request("/api/owner/nobody@asd.com/pets");
    const text = await (await createAdminApp({ metrics: h.metrics }).request("/metrics")).text();
    expect(text).toContain(
      'vetmesh_gateway_http_requests_total{route="/api/test/rate-limit",method="GET",status="200"',
    );
    expect(text).toContain(
      'vetmesh_gateway_http_requests_total{route="/api/test/rate-limit",method="GET",status="429"',
    );
    expect(text).toMatch(
      /vetmesh_gateway_http_request_duration_seconds_count\{[^}]*route="\/api\/test\/rate-limit"[^}]*\} 2/,
    );
    expect(text).toContain('vetmesh_gateway_rate_limited_total{route="/api/test/rate-limit",policy="test"');
    expect(text).toContain('vetmesh_gateway_cache_total{result="miss"');
    expect(text).toContain('vetmesh_gateway_breaker_state{target="demo"');
  });
});

describe("timeouts", () => {
  test("/api/test/timeout: 408 when the route's deadline fires, and the upstream was told to stop", async () => {
    let aborted = false;
    const demo = createRouterTransport((router) => {
      router.service(DemoService, {
        async slow(req, ctx) {
          expect(ctx.timeoutMs()).toBeLessThanOrEqual(150);
          expect(req.delayMs).toBeGreaterThan(150);
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, req.delayMs);
            ctx.signal.addEventListener("abort", () => {
              aborted = true;
              clearTimeout(timer);
              resolve();
            });
          });
          return { waitedMs: 0 };
        },
      });
    });
    const h = await harness({ config: { TIMEOUT_TEST_MS: 150 }, transports: { demo } });
    const started = performance.now();
    const res = await h.app.request("/api/test/timeout");
    const elapsed = performance.now() - started;
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({ error: "Request timed out" });
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(1000);
    await Bun.sleep(20);
    expect(aborted).toBe(true);
  });

  test("/api/test/timeout against the real demo service", async () => {
    const h = await harness({ config: { TIMEOUT_TEST_MS: 100 } });
    const res = await h.app.request("/api/test/timeout");
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({ error: "Request timed out" });
  });
});

describe("rate limiting (per-replica memory limiter, no Redis)", () => {
  test("a burst of 20 sees 429 with Retry-After and RateLimit-* after the policy's 10", async () => {
    const h = await harness();
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 20; i++) {
      const res = await h.app.request("/api/test/rate-limit", {}, peer("10.0.0.1"));
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      else expect(await res.json()).toEqual({ message: "ok" });
    }
    expect(statuses.filter((s) => s === 200).length).toBe(10);
    expect(statuses.slice(10).every((s) => s === 429)).toBe(true);
    if (!limited) throw new Error("no 429");
    expect(await limited.json()).toEqual({ error: "You're being rate limited" });
    expect(limited.headers.get("ratelimit-limit")).toBe("10");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(10);
    expect(limited.headers.get("ratelimit-reset")).toBe(String(retryAfter));
    // Another client has its own bucket.
    expect((await h.app.request("/api/test/rate-limit", {}, peer("10.0.0.2"))).status).toBe(200);
  });

  test("X-Forwarded-For is ignored from untrusted peers and honoured from trusted proxies", async () => {
    const h = await harness({
      config: { TRUSTED_PROXIES: ["10.1.1.1"], RATE_LIMIT_TEST: { points: 1, durationSeconds: 60 } },
    });
    const spoof = (xff: string) => ({ headers: { "x-forwarded-for": xff } });
    expect((await h.app.request("/api/test/rate-limit", spoof("1.1.1.1"), peer("10.2.2.2"))).status).toBe(
      200,
    );
    // Same untrusted peer, different claimed client: still the peer's bucket.
    expect((await h.app.request("/api/test/rate-limit", spoof("2.2.2.2"), peer("10.2.2.2"))).status).toBe(
      429,
    );
    // Through the trusted proxy, each forwarded client has its own bucket; the rightmost untrusted hop counts.
    expect((await h.app.request("/api/test/rate-limit", spoof("3.3.3.3"), peer("10.1.1.1"))).status).toBe(
      200,
    );
    expect(
      (await h.app.request("/api/test/rate-limit", spoof("9.9.9.9, 4.4.4.4"), peer("10.1.1.1"))).status,
    ).toBe(200);
    expect((await h.app.request("/api/test/rate-limit", spoof("3.3.3.3"), peer("10.1.1.1"))).status).toBe(
      429,
    );
  });
});

describe("circuit breaker", () => {
  test("/api/test/circuit-breaker: 500 for the minimum volume of failures, 503 while open, half-open probe, closed again", async () => {
    let now = 0;
    let healthy = false;
    let calls = 0;
    const demo = createRouterTransport((router) => {
      router.service(DemoService, {
        fail() {
          calls++;
          if (!healthy) throw new ConnectError("Exception thrown on purpose", Code.Internal);
          return {};
        },
      });
    });
    const h = await harness({ clock: () => now, transports: { demo } });
    const hit = async () => {
      const res = await h.app.request("/api/test/circuit-breaker");
      return { status: res.status, body: await res.json() };
    };
    for (let i = 0; i < 5; i++)
      expect(await hit()).toEqual({ status: 500, body: { error: "Exception thrown on purpose" } });
    expect(h.upstreams.breakerStates().demo).toBe("open");
    expect(await hit()).toEqual({ status: 503, body: { error: "Service unavailable: circuit open" } });
    expect(calls).toBe(5);
    now += 10_000;
    expect(h.upstreams.breakerStates().demo).toBe("half_open");
    expect(await hit()).toEqual({ status: 500, body: { error: "Exception thrown on purpose" } });
    expect(calls).toBe(6);
    expect(await hit()).toEqual({ status: 503, body: { error: "Service unavailable: circuit open" } });
    now += 10_000;
    healthy = true;
    expect(await hit()).toEqual({ status: 200, body: { message: "ok" } });
    expect(h.upstreams.breakerStates().demo).toBe("closed");
    // The other targets have their own breakers.
    expect(h.upstreams.breakerStates().owner).toBe("closed");
  });

  test("a burst of failures among many successes (one instance dying) leaves the breaker closed", async () => {
    let healthy = true;
    let calls = 0;
    const demo = createRouterTransport((router) => {
      router.service(DemoService, {
        fail() {
          calls++;
          if (!healthy) throw new ConnectError("connection reset", Code.Unavailable);
          return {};
        },
      });
    });
    const h = await harness({ clock: () => 0, transports: { demo } });
    const status = async () => (await h.app.request("/api/test/circuit-breaker")).status;
    for (let i = 0; i < 20; i++) expect(await status()).toBe(200);
    healthy = false;
    for (let i = 0; i < 5; i++) expect(await status()).toBe(503);
    expect(h.upstreams.breakerStates().demo).toBe("closed");
    healthy = true;
    expect(await status()).toBe(200);
    expect(calls).toBe(26);
  });

  test("storage faults (disk full, read-only) answer 503 with the reason and do not open the breaker; other 503s do", async () => {
    let reason: string | undefined = "storage_full";
    let calls = 0;
    const demo = createRouterTransport((router) => {
      router.service(DemoService, {
        fail() {
          calls++;
          // What the kit's interceptor answers when SQLite refuses a write (interceptors.ts).
          throw new ConnectError(
            "storage full",
            Code.Unavailable,
            reason ? { [UNAVAILABLE_REASON_HEADER]: reason } : {},
          );
        },
      });
    });
    const h = await harness({ clock: () => 0, transports: { demo } });
    const hit = async () => {
      const res = await h.app.request("/api/test/circuit-breaker");
      return { status: res.status, body: await res.json() };
    };
    for (let i = 0; i < 20; i++)
      expect(await hit()).toEqual({ status: 503, body: { error: "Service unavailable: storage full" } });
    expect(h.upstreams.breakerStates().demo).toBe("closed");
    expect(calls).toBe(20);
    // The same 503 without the storage reason (a service in trouble) does count.
    reason = undefined;
    for (let i = 0; i < 5; i++) await hit();
    expect(h.upstreams.breakerStates().demo).toBe("open");
  });

  test("client faults (404) do not count as failures", async () => {
    const h = await harness();
    for (let i = 0; i < 8; i++)
      expect((await h.app.request("/api/owner/none@asd.com/pets")).status).toBe(404);
    expect(h.upstreams.breakerStates().owner).toBe("closed");
  });
});

describe("Connect pass-through", () => {
  test("OwnerService over Connect and gRPC-Web; internal services 404", async () => {
    const h = await harness();
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) => h.app.fetch(req, { server: srv }),
    });
    try {
      const baseUrl = `http://127.0.0.1:${server.port}`;
      const connect = createClient(OwnerService, createConnectTransport({ baseUrl, httpVersion: "1.1" }));
      const registered = await connect.registerOwner({ email: "rpc@asd.com" });
      expect(registered.owner?.email).toBe("rpc@asd.com");
      const web = createClient(OwnerService, createGrpcWebTransport({ baseUrl, httpVersion: "1.1" }));
      const pet = await web.registerPet({ ownerRef: "rpc@asd.com", type: "Cat", race: "x", name: "Tom" });
      const listed = await web.listPets({ ownerRef: "rpc@asd.com" });
      expect(listed.pets.map((p) => p.id)).toEqual([pet.pet?.id ?? "?"]);
      const error = await connect
        .registerOwner({ email: "rpc@asd.com" })
        .catch((e: unknown) => ConnectError.from(e));
      expect(error).toBeInstanceOf(ConnectError);
      expect((error as ConnectError).code).toBe(Code.AlreadyExists);
      // REST sees what the RPC wrote.
      expect(await (await h.app.request("/api/owner/rpc@asd.com/pets")).json()).toEqual({
        message: "ok",
        pets: [{ Id: pet.pet?.id, Type: "Cat", Race: "x", Name: "Tom" }],
      });
    } finally {
      server.stop(true);
    }
    const body = toBinary(GetPetRequestSchema, create(GetPetRequestSchema, { petId: "1" }));
    for (const path of [
      "/vetmesh.owner.v1.OwnerInternalService/GetPet",
      "/vetmesh.owner.v1.OwnerInternalService/GetOwner",
      "/vetmesh.veterinary.v1.VeterinaryInternalService/ErasePets",
      "/vetmesh.notification.v1.NotificationService/EnqueueEmail",
      "/vetmesh.discovery.v1.DiscoveryService/List",
      "/vetmesh.demo.v1.DemoService/Ping",
    ]) {
      const connectJson = await h.app.request(path, json("POST", {}));
      expect(connectJson.status).toBe(404);
      const proto = await h.app.request(path, {
        method: "POST",
        headers: { "content-type": "application/proto" },
        body,
      });
      expect(proto.status).toBe(404);
    }
  });

  test("pass-through RPCs are rate limited with ResourceExhausted", async () => {
    const h = await harness({ config: { RATE_LIMIT_READ: { points: 2, durationSeconds: 60 } } });
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (req, srv) => h.app.fetch(req, { server: srv }),
    });
    try {
      const client = createClient(
        OwnerService,
        createConnectTransport({ baseUrl: `http://127.0.0.1:${server.port}`, httpVersion: "1.1" }),
      );
      const codes: string[] = [];
      for (let i = 0; i < 4; i++) {
        codes.push(
          await client.listPets({ ownerRef: "x@asd.com" }).then(
            () => "ok",
            (e: unknown) => Code[ConnectError.from(e).code],
          ),
        );
      }
      expect(codes).toEqual(["NotFound", "NotFound", "ResourceExhausted", "ResourceExhausted"]);
    } finally {
      server.stop(true);
    }
  });
});
