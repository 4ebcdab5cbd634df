import { afterAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { createRedis } from "../redis.ts";
import { createGatewayHarness } from "../testing/harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `test:gateway:${crypto.randomUUID()}:`;
const redis = createRedis(REDIS_URL, 500);
const harnesses: Array<{ close(): Promise<void> }> = [];
// An owner id as the owner service issues them (a UUID): the gateway checks {email} paths are an id or an address.
const GONE_ID = "0190c6f6-8f0e-7a51-9c43-2b1b6c1d5e4f";
afterAll(async () => {
  for (const h of harnesses) await h.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

// An owner upstream whose ListPets is held until the test lets it answer, with what it read
// before remove-data ran: the interleaving is chosen by the test, not by timing.
function racingOwner() {
  let removed = false;
  let listCalls = 0;
  let release: () => void = () => {};
  let entered: () => void = () => {};
  const listEntered = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const transport = createRouterTransport((router) => {
    router.service(OwnerService, {
      async listPets() {
        listCalls++;
        if (removed && listCalls > 1) throw new ConnectError("owner not found", Code.NotFound);
        const snapshot = {
          owner: { id: GONE_ID, email: "gone@asd.com" },
          pets: [{ id: "p1", type: "Dog", race: "x", name: "Rex" }],
        };
        entered();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        return snapshot;
      },
      removeOwnerData() {
        removed = true;
        return { state: RemovalState.COMPLETED, ownerId: GONE_ID, ownerEmail: "gone@asd.com" };
      },
    });
  });
  return { transport, listEntered, release: () => release(), listCalls: () => listCalls };
}

describe("pets cache vs. remove-data (real Redis)", () => {
  test("a ListPets that started before remove-data (email never cached) does not store the removed owner's pets", async () => {
    if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
    const owner = racingOwner();
    const h = await createGatewayHarness({
      redis,
      config: { REDIS_KEY_PREFIX: prefix },
      transports: { owner: owner.transport },
    });
    harnesses.push(h);
    const list = h.app.request("/api/owner/gone@asd.com/pets");
    await owner.listEntered;
    const removal = await h.app.request("/api/owner/remove-data/gone@asd.com", { method: "DELETE" });
    expect(removal.status).toBe(200);
    owner.release();
    const raced = await list;
    expect(raced.status).toBe(200);
    expect(raced.headers.get("x-cache")).toBe("miss");
    // The next read must go to the upstream (404), by email and by id, never to the stale list.
    for (const ref of ["gone@asd.com", GONE_ID]) {
      const after = await h.app.request(`/api/owner/${ref}/pets`);
      expect(after.status).toBe(404);
      expect(await after.json()).toEqual({ error: "owner not found" });
    }
    expect(owner.listCalls()).toBe(3);
  });
});
