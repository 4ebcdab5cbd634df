/**
 * The gateway over real sockets: two gateway processes sharing the machine's
 * Redis (unique key prefix), a third on a private redis-server that is killed
 * mid-test, in front of real discovery, demo and owner processes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type PrivateRedis, startPrivateRedis } from "@vetmesh/kit/testing";
import Redis from "ioredis";
import { eventually, scrapeMetrics, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const SHARED_REDIS = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:gateway-e2e:${crypto.randomUUID()}:`;
const dir = mkdtempSync(join(tmpdir(), "gateway-e2e-"));
const POLICY = 100;
let privateRedis: PrivateRedis | undefined;
let a: TestProcess;
let b: TestProcess;
let c: TestProcess;
let demo: TestProcess;

const url = (g: TestProcess, path: string) => `http://127.0.0.1:${g.httpPort}${path}`;
const postJson = (g: TestProcess, path: string, body: unknown) =>
  fetch(url(g, path), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  const discovery = await startProcess({ name: "discovery", entry: "mesh/discovery/src/main.ts" });
  const DISCOVERY_URL = `http://127.0.0.1:${discovery.httpPort}`;
  demo = await startProcess({
    name: "demo",
    entry: "packages/demo-service/src/main.ts",
    env: { DISCOVERY_URL },
  });
  const owner = await startProcess({
    name: "owner",
    entry: "packages/owner-service/src/main.ts",
    env: { DISCOVERY_URL, DATABASE_URL: `sqlite:${join(dir, "owner.db")}` },
  });
  await demo.waitForLine((line) => line.includes("registered with discovery"));
  await owner.waitForLine((line) => line.includes("registered with discovery"));
  privateRedis = await startPrivateRedis();
  const gatewayEnv = {
    DISCOVERY_URL,
    REDIS_KEY_PREFIX: prefix,
    RATE_LIMIT_TEST: `${POLICY}/60`,
    TIMEOUT_TEST_MS: "300",
    BREAKER_COOLDOWN_MS: "1000",
    LOG_LEVEL: "warn",
  };
  const gateway = (name: string, redisUrl: string) =>
    startProcess({
      name,
      entry: "packages/gateway/src/main.ts",
      env: { ...gatewayEnv, LOG_LEVEL: "info", REDIS_URL: redisUrl },
    });
  [a, b, c] = await Promise.all([
    gateway("gateway-a", SHARED_REDIS),
    gateway("gateway-b", SHARED_REDIS),
    gateway("gateway-c", privateRedis.url),
  ]);
  // Let the Redis clients connect before measuring the shared limiter.
  await Bun.sleep(300);
}, 60_000);

afterAll(async () => {
  await stopAll();
  await privateRedis?.stop();
  const redis = new Redis(SHARED_REDIS);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe("gateway over real sockets", () => {
  test("/metrics is not on the public port (404 JSON, also for a browser); the admin port on loopback serves it", async () => {
    for (const accept of ["*/*", "text/html"]) {
      const res = await fetch(url(a, "/metrics"), { headers: { accept } });
      expect({ accept, status: res.status }).toEqual({ accept, status: 404 });
      await res.arrayBuffer();
    }
    expect(await (await fetch(url(a, "/metrics"))).json()).toEqual({ error: "Not found" });
    expect(a.lines.some((line) => line.includes('"msg":"listening"') && line.includes('"adminPort"'))).toBe(
      true,
    );
    const text = await scrapeMetrics(a);
    expect(text).toContain("vetmesh_gateway_http_requests_total");
    expect(text).toContain('route="unmatched"');
  });

  test("the rate limiter holds across two gateway processes sharing Redis", async () => {
    const statuses: number[] = [];
    for (let batch = 0; batch < 15; batch++) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => fetch(url(i % 2 === 0 ? a : b, "/api/test/rate-limit"))),
      );
      for (const res of results) {
        statuses.push(res.status);
        if (res.status === 429) expect(await res.json()).toEqual({ error: "You're being rate limited" });
        else await res.arrayBuffer();
      }
    }
    const allowed = statuses.filter((s) => s === 200).length;
    expect(allowed).toBeGreaterThanOrEqual(POLICY * 0.99);
    expect(allowed).toBeLessThanOrEqual(POLICY * 1.01);
    expect(statuses.filter((s) => s === 429).length).toBe(statuses.length - allowed);
  }, 30_000);

  test("a write through one gateway invalidates the cached list on both", async () => {
    expect((await postJson(a, "/api/owner/register", { email: "e2e@asd.com" })).status).toBe(201);
    const pet = { email: "e2e@asd.com", type: "Dog", race: "x", name: "One" };
    expect((await postJson(a, "/api/owner/register-pet", pet)).status).toBe(201);
    expect((await fetch(url(a, "/api/owner/e2e@asd.com/pets"))).headers.get("x-cache")).toBe("miss");
    expect((await fetch(url(a, "/api/owner/e2e@asd.com/pets"))).headers.get("x-cache")).toBe("hit");
    expect((await fetch(url(b, "/api/owner/e2e@asd.com/pets"))).headers.get("x-cache")).toBe("hit");
    expect((await postJson(b, "/api/owner/register-pet", { ...pet, name: "Two" })).status).toBe(201);
    const after = await fetch(url(a, "/api/owner/e2e@asd.com/pets"));
    expect(after.headers.get("x-cache")).toBe("miss");
    const body = (await after.json()) as { pets: Array<{ Name: string }> };
    expect(body.pets.map((p) => p.Name).sort()).toEqual(["One", "Two"]);
  });

  test("breaker cycle: closed → open → half-open → closed, against the running demo service", async () => {
    const state = async () => {
      const text = await scrapeMetrics(c);
      return text.match(/vetmesh_gateway_breaker_state\{target="demo"[^}]*\} (\d)/)?.[1];
    };
    expect(await state()).toBe("0");
    for (let i = 0; i < 5; i++) {
      const res = await fetch(url(c, "/api/test/circuit-breaker"));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: "Exception thrown on purpose" });
    }
    const open = await fetch(url(c, "/api/test/circuit-breaker"));
    expect(open.status).toBe(503);
    expect(await open.json()).toEqual({ error: "Service unavailable: circuit open" });
    expect(await state()).toBe("2");
    await Bun.sleep(1100);
    expect(await state()).toBe("1");
    // The half-open probe is a healthy call to the same target (DemoService.Ping): the breaker closes.
    const probe = await fetch(url(c, "/api/test/rate-limit"));
    expect(probe.status).toBe(200);
    expect(await state()).toBe("0");
    // Closing empties the window: one failure is below the minimum volume and leaves it closed.
    expect((await fetch(url(c, "/api/test/circuit-breaker"))).status).toBe(500);
    expect(await state()).toBe("0");
  }, 20_000);

  test("408 when the route's deadline fires before the demo service answers; the demo service sees the call cut short", async () => {
    // DemoService.Slow calls by code, from the demo's own metrics: the deadline reached the upstream when its
    // call ended in something other than "ok" (its timer was cancelled), a proof that no machine load can fake.
    const slowCalls = async () => {
      const lines = (await scrapeMetrics(demo)).split("\n");
      const counts = new Map<string, number>();
      for (const line of lines) {
        const m = line.match(
          /^vetmesh_rpc_server_total\{(?=[^}]*method="Slow")[^}]*code="([a-z_]+)"[^}]*\} (\d+)/,
        );
        if (m) counts.set(m[1] as string, Number(m[2]));
      }
      return counts;
    };
    const before = await slowCalls();
    const res = await fetch(url(c, "/api/test/timeout"));
    expect(res.status).toBe(408);
    expect(await res.json()).toEqual({ error: "Request timed out" });
    const after = await eventually(async () => {
      const now = await slowCalls();
      const total = [...now.values()].reduce((x, y) => x + y, 0);
      return total > [...before.values()].reduce((x, y) => x + y, 0) ? now : undefined;
    }, 10_000);
    const cutShort = (counts: Map<string, number>) =>
      (counts.get("canceled") ?? 0) + (counts.get("deadline_exceeded") ?? 0);
    expect(cutShort(after) - cutShort(before)).toBe(1);
    expect(after.get("ok") ?? 0).toBe(before.get("ok") ?? 0);
  });

  test("Redis killed mid-test: no 5xx, cache misses to upstream, limiter falls back to memory", async () => {
    expect((await postJson(c, "/api/owner/register", { email: "noredis@asd.com" })).status).toBe(201);
    await fetch(url(c, "/api/owner/noredis@asd.com/pets"));
    expect((await fetch(url(c, "/api/owner/noredis@asd.com/pets"))).headers.get("x-cache")).toBe("hit");
    await privateRedis?.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const pets = await fetch(url(c, "/api/owner/noredis@asd.com/pets"));
      statuses.push(pets.status);
      expect(pets.headers.get("x-cache")).toBe("miss");
      await pets.arrayBuffer();
      const limited = await fetch(url(c, "/api/test/rate-limit"));
      statuses.push(limited.status);
      await limited.arrayBuffer();
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200]));
  }, 20_000);
});
