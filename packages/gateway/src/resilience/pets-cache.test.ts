import { afterAll, describe, expect, test } from "bun:test";
import { createRouterTransport, type Transport } from "@connectrpc/connect";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { createRedis } from "../redis.ts";
import { createGatewayHarness, json } from "../testing/harness.ts";
import { createPetsCache, type OwnerPets } from "./pets-cache.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:gateway:${crypto.randomUUID()}:`;
const redis = createRedis(REDIS_URL, 500);
const harnesses: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function harness(options: Parameters<typeof createGatewayHarness>[0] = {}) {
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  const h = await createGatewayHarness({ redis, config: { REDIS_KEY_PREFIX: prefix }, ...options });
  harnesses.push(h);
  return h;
}

describe("pets cache (real Redis)", () => {
  test("miss then hit; register-pet by id invalidates the list cached by email and vice versa", async () => {
    const h = await harness();
    const { ownerId } = (await (
      await h.app.request("/api/owner/register", json("POST", { email: "c@asd.com" }))
    ).json()) as {
      ownerId: string;
    };
    const first = await h.app.request("/api/owner/C@asd.com/pets");
    expect(first.headers.get("x-cache")).toBe("miss");
    expect(await first.json()).toEqual({ message: "ok", pets: [] });
    const second = await h.app.request("/api/owner/c@asd.com/pets");
    expect(second.headers.get("x-cache")).toBe("hit");
    const byId = await h.app.request(`/api/owner/${ownerId}/pets`);
    expect(byId.headers.get("x-cache")).toBe("hit");

    const pet = { email: ownerId, type: "Dog", race: "x", name: "A" };
    expect((await h.app.request("/api/owner/register-pet", json("POST", pet))).status).toBe(201);
    const afterWrite = await h.app.request("/api/owner/c@asd.com/pets");
    expect(afterWrite.headers.get("x-cache")).toBe("miss");
    expect(((await afterWrite.json()) as { pets: unknown[] }).pets.length).toBe(1);
    expect((await h.app.request(`/api/owner/${ownerId}/pets`)).headers.get("x-cache")).toBe("hit");

    const byEmail = { email: "c@asd.com", type: "Cat", race: "y", name: "B" };
    expect((await h.app.request("/api/owner/register-pet", json("POST", byEmail))).status).toBe(201);
    const afterSecond = await h.app.request(`/api/owner/${ownerId}/pets`);
    expect(afterSecond.headers.get("x-cache")).toBe("miss");
    expect(((await afterSecond.json()) as { pets: unknown[] }).pets.length).toBe(2);
  });

  test("remove-data invalidates: the removed owner is not served from cache", async () => {
    const h = await harness();
    await h.app.request("/api/owner/register", json("POST", { email: "r@asd.com" }));
    await h.app.request("/api/owner/r@asd.com/pets");
    expect((await h.app.request("/api/owner/r@asd.com/pets")).headers.get("x-cache")).toBe("hit");
    expect((await h.app.request("/api/owner/remove-data/r@asd.com", { method: "DELETE" })).status).toBe(200);
    expect((await h.app.request("/api/owner/r@asd.com/pets")).status).toBe(404);
  });

  test("concurrent misses for one owner make one upstream call (single-flight)", async () => {
    let calls = 0;
    const owner: Transport = createRouterTransport((router) => {
      router.service(OwnerService, {
        async listPets() {
          calls++;
          await Bun.sleep(50);
          return { owner: { id: "sf-owner", email: "sf@asd.com" }, pets: [] };
        },
      });
    });
    const h = await harness({ transports: { owner } });
    const results = await Promise.all(
      Array.from({ length: 10 }, () => h.app.request("/api/owner/sf@asd.com/pets")),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(calls).toBe(1);
    expect((await h.app.request("/api/owner/sf@asd.com/pets")).headers.get("x-cache")).toBe("hit");
    expect(calls).toBe(1);
  });

  test("a load that raced an invalidation does not store its stale list", async () => {
    if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
    const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
    const cache = createPetsCache({ redis, keyPrefix: `${prefix}race:`, ttlMs: 60_000, logger: silent });
    const owner = (name: string): OwnerPets => ({
      ownerId: "race-owner",
      ownerEmail: "race@asd.com",
      pets: [{ Id: "p", Type: "Dog", Race: "x", Name: name }],
    });
    const loaded = await cache.get("race-owner", async () => owner("first"));
    expect(loaded.hit).toBe(false);
    expect((await cache.get("race@asd.com", async () => owner("unused"))).value.pets[0]?.Name).toBe("first");
    // By id, and by email while the alias is known (invalidating by id keeps it).
    for (const ref of ["race-owner", "race@asd.com"]) {
      await cache.invalidate(["race-owner"]);
      const raced = await cache.get(ref, async () => {
        await cache.invalidate(["race-owner"]);
        return owner("stale");
      });
      expect(raced).toEqual({ value: owner("stale"), hit: false });
      const next = await cache.get(ref, async () => owner("fresh"));
      expect(next).toEqual({ value: owner("fresh"), hit: false });
      const again = await cache.get(ref, async () => owner("unused"));
      expect(again).toEqual({ value: owner("fresh"), hit: true });
    }
  });

  test("Redis unreachable: cache and limiter fall back, never a 5xx", async () => {
    const dead = createRedis("redis://127.0.0.1:1", 200);
    try {
      const h = await createGatewayHarness({ redis: dead, config: { REDIS_KEY_PREFIX: prefix } });
      harnesses.push(h);
      await h.app.request("/api/owner/register", json("POST", { email: "d@asd.com" }));
      for (let i = 0; i < 3; i++) {
        const res = await h.app.request("/api/owner/d@asd.com/pets");
        expect(res.status).toBe(200);
        expect(res.headers.get("x-cache")).toBe("miss");
      }
      const statuses: number[] = [];
      for (let i = 0; i < 15; i++) statuses.push((await h.app.request("/api/test/rate-limit")).status);
      expect(statuses.filter((s) => s === 200).length).toBe(10);
      expect(statuses.filter((s) => s === 429).length).toBe(5);
    } finally {
      dead.disconnect();
    }
  });
});
