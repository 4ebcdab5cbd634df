/**
 * How many Redis commands one pets read costs the gateway, counted with
 * MONITOR on a PRIVATE redis-server (nobody else's commands in it): the rate-limit charge rides on the cache read, so a hit is one command
 * and a miss two (read, store). The folded charge is the same bucket the
 * other routes charge (one key per client, same window and count).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hasRedisServer, type PrivateRedis, startPrivateRedis } from "@vetmesh/kit/testing";
import type Redis from "ioredis";
import { createRedis } from "../redis.ts";
import { createGatewayHarness, json } from "../testing/harness.ts";

let server: PrivateRedis;
let client: Redis;
let admin: Redis;
let gateway: Awaited<ReturnType<typeof createGatewayHarness>>;
const prefix = `test:round-trips:${crypto.randomUUID()}:`;

beforeAll(async () => {
  if (!hasRedisServer) return;
  server = await startPrivateRedis();
  client = createRedis(server.url, 1000);
  admin = createRedis(server.url, 1000);
  for (const one of [client, admin])
    if (one.status !== "ready") await new Promise((resolve) => one.once("ready", resolve));
  gateway = await createGatewayHarness({
    redis: client,
    config: {
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_READ: { points: 6, durationSeconds: 60 },
      RATE_LIMIT_WRITE: { points: 100, durationSeconds: 60 },
    },
  });
});

afterAll(async () => {
  await gateway?.close();
  client?.disconnect();
  admin?.disconnect();
  await server?.stop();
});

/**
 * Commands clients sent while `run` ran, by name, seen through MONITOR (INFO commandstats would also count
 * the commands a script runs inside the server: MONITOR marks those `lua` and they are left out).
 */
async function commandsSince(run: () => Promise<unknown>): Promise<Record<string, number>> {
  const monitor = await admin.monitor();
  const calls: Record<string, number> = {};
  monitor.on("monitor", (_time: string, args: string[], source: string) => {
    const name = String(args[0] ?? "").toLowerCase();
    if (source !== "lua" && name !== "ping") calls[name] = (calls[name] ?? 0) + 1;
  });
  // A marker after the run: once MONITOR shows it, every command before it was seen.
  const marker = `${prefix}marker:${crypto.randomUUID()}`;
  const seen = new Promise<void>((resolve) =>
    monitor.on("monitor", (_time: string, args: string[]) => args[1] === marker && resolve()),
  );
  await run();
  await client.exists(marker);
  await seen;
  monitor.disconnect();
  delete calls.exists;
  return calls;
}
const total = (calls: Record<string, number>) => Object.values(calls).reduce((sum, n) => sum + n, 0);

describe.skipIf(!hasRedisServer)(
  `Redis commands per pets read (private redis-server, MONITOR)${hasRedisServer ? "" : " — skipped: redis-server is not installed"}`,
  () => {
    test("a miss costs 2 commands (charge+read, store), a hit 1; the folded charge counts in the shared bucket", async () => {
      for (const email of ["warm@asd.com", "count@asd.com"]) {
        const registered = await gateway.app.request("/api/owner/register", json("POST", { email }));
        expect(registered.status).toBe(201);
      }
      // Warm the scripts (a first EVALSHA answers NOSCRIPT and is sent again as EVAL): count steady state only.
      await gateway.app.request("/api/owner/warm@asd.com/pets");
      await gateway.app.request("/api/owner/warm@asd.com/pets");

      let miss: Response | undefined;
      const missCalls = await commandsSince(async () => {
        miss = await gateway.app.request("/api/owner/count@asd.com/pets");
      });
      expect(miss?.status).toBe(200);
      expect(miss?.headers.get("x-cache")).toBe("miss");
      expect(missCalls).toEqual({ evalsha: 2 });

      let hit: Response | undefined;
      const hitCalls = await commandsSince(async () => {
        hit = await gateway.app.request("/api/owner/count@asd.com/pets");
      });
      expect(hit?.headers.get("x-cache")).toBe("hit");
      expect(total(hitCalls)).toBe(1);
      expect(await hit?.json()).toEqual({ message: "ok", pets: [] });

      // 4 reads so far, each charged once to the read bucket (limit 6): remaining 2, then one more, then 429.
      expect(hit?.headers.get("ratelimit-remaining")).toBe("2");
      const buckets = await admin.keys(`${prefix}rl:read:*`);
      expect(buckets.length).toBe(1);
      expect(await admin.get(buckets[0]!)).toBe("4");
      // A path the route refuses (400) cannot fold: it is charged on its own, to the same bucket.
      const refused = await gateway.app.request("/api/owner/not-an-email@/pets");
      expect(refused.status).toBe(400);
      expect(refused.headers.get("ratelimit-remaining")).toBe("1");
      expect(
        (await gateway.app.request("/api/owner/count@asd.com/pets")).headers.get("ratelimit-remaining"),
      ).toBe("0");
      const limited = await gateway.app.request("/api/owner/count@asd.com/pets");
      expect(limited.status).toBe(429);
      expect(await limited.json()).toEqual({ error: "You're being rate limited" });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  },
);
