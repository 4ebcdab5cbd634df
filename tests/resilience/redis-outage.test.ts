/**
 * Redis stopped under load: the gateways keep answering from the owners
 * (cache bypassed) and with their per-replica limiter, never a 5xx. Started
 * again: the cache serves hits and the limiter writes its buckets to Redis
 * again, by themselves. Uses a PRIVATE redis-server on a free port, never the
 * shared one on 6379.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Redis from "ioredis";
import { eventually, stopAll } from "../support/process.ts";
import {
  describe as describeTally,
  getUrl,
  hasRedisServer,
  httpBase,
  LOAD_TEST_MS,
  type Mesh,
  type PrivateRedis,
  runLoad,
  SETUP_MS,
  seedOwners,
  serverErrors,
  startMesh,
  startPrivateRedis,
} from "./harness.ts";

let redis: PrivateRedis;
let mesh: Mesh;
let gateways: string[];
let emails: string[];

beforeAll(async () => {
  if (!hasRedisServer) return;
  redis = await startPrivateRedis();
  mesh = await startMesh({ owners: 2, gateways: 2, redisUrl: redis.url });
  gateways = mesh.gateways.map(httpBase);
  emails = await seedOwners(gateways[0]!, 20, `redis-${Date.now().toString(36)}`);
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  await redis?.stop();
  mesh?.cleanup();
});

const petsUrl = (gateway: string, email: string) => `${gateway}/api/owner/${encodeURIComponent(email)}/pets`;

test.skipIf(!hasRedisServer)(
  `Redis killed under 2400 reads over two gateways: zero 5xx; restarted: cache hits and shared limiter resume${
    hasRedisServer ? "" : " (skipped: redis-server is not installed)"
  }`,
  async () => {
    // Warm: every owner cached.
    for (const email of emails) expect((await getUrl(petsUrl(gateways[0]!, email))).status).toBe(200);
    expect((await getUrl(petsUrl(gateways[1]!, emails[0]!))).headers.get("x-cache")).toBe("hit");

    const cacheDuringOutage: string[] = [];
    const tally = await runLoad({
      count: 2400,
      concurrency: 8,
      request: async (i) => {
        const response = await getUrl(petsUrl(gateways[i % 2]!, emails[i % emails.length]!));
        if (i > 600 && i < 1400) cacheDuringOutage.push(response.headers.get("x-cache") ?? "");
        return response;
      },
      onProgress: async (i) => {
        if (i === 500) await redis.stop();
        if (i === 1500) await redis.start();
      },
    });
    expect(tally.sent).toBe(2400);
    expect(serverErrors(tally), describeTally(tally)).toBe(0);
    expect(tally.transportErrors, describeTally(tally)).toBe(0);
    expect(tally.notJson, describeTally(tally)).toBe(0);
    expect(tally.byStatus.get(200), describeTally(tally)).toBe(2400);
    // While Redis was down the answers came from the owners, not from a cache.
    expect(cacheDuringOutage.filter((value) => value === "hit").length).toBe(0);

    // Cache resumes: a miss fills the new (empty) Redis, the next read is a hit.
    await eventually(async () => {
      await getUrl(petsUrl(gateways[0]!, emails[1]!));
      const again = await getUrl(petsUrl(gateways[1]!, emails[1]!));
      return again.status === 200 && again.headers.get("x-cache") === "hit";
    }, 10_000);
    // The shared limiter resumes: its buckets are back in Redis (which came back empty).
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await client.connect();
      await client.flushall();
      for (const gateway of gateways) expect((await getUrl(petsUrl(gateway, emails[2]!))).status).toBe(200);
      const keys = await client.keys(`${mesh.redisPrefix}rl:read*`);
      expect(keys.length).toBeGreaterThan(0);
      // One bucket for the one client (127.0.0.1), charged by both gateways: shared, not per replica.
      const consumed = Number((await client.get(keys[0]!)) ?? 0);
      expect(consumed).toBe(2);
    } finally {
      client.disconnect();
    }
  },
  LOAD_TEST_MS,
);
