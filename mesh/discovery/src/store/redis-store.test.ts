import { afterAll, expect, test } from "bun:test";
import { Redis } from "ioredis";
import { createRedisStore } from "./redis-store.ts";
import { ids, instance, stall, stallCreditContract } from "./stall-credit.contract.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:discovery-stall:${crypto.randomUUID()}:`;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

stallCreditContract((name) =>
  createRedisStore({ url: REDIS_URL, prefix: `${prefix}${name}:`, sweepIntervalMs: 20 }),
);

test("the credit is the judging replica's own: a replica that did not stall expires a lease past its deadline", async () => {
  const shared = `${prefix}c:`;
  const stalled = createRedisStore({ url: REDIS_URL, prefix: shared, sweepIntervalMs: 20 });
  // The other replica (on the same Redis) sweeps only when told; its timer never came due, so it saw no stall.
  const other = createRedisStore({ url: REDIS_URL, prefix: shared, sweepIntervalMs: 3_600_000 });
  try {
    await stalled.register(instance, 300, "token");
    stall(600);
    expect(await ids(stalled)).toEqual(["demo-1"]);
    await other.sweep();
    expect(await ids(other)).toEqual([]);
    expect(await ids(stalled)).toEqual([]);
  } finally {
    await stalled.close();
    await other.close();
  }
});
