import { afterAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { createInFlight, createKitMetrics, createLogger, createServerInterceptor } from "@vetmesh/kit";
import { createDiscoveryApp } from "../app.ts";
import { createMemoryStore } from "../store/memory-store.ts";
import { createRedisStore } from "../store/redis-store.ts";
import type { RegistryStore } from "../store/store.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SECRET = "test-discovery-token-0123456789";
const stores: RegistryStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

function discovery(store: RegistryStore) {
  stores.push(store);
  const app = createDiscoveryApp({ store, token: SECRET });
  const interceptor = createServerInterceptor({
    service: "discovery",
    logger: createLogger({ level: "silent" }),
    metrics: createKitMetrics({ service: "discovery", instance: `auth-${crypto.randomUUID()}` }),
    inFlight: createInFlight(),
  });
  const transport = createRouterTransport(app.routes, { router: { interceptors: [interceptor] } });
  return createClient(DiscoveryService, transport);
}

const instance = (id: string) => ({
  service: "owner",
  instanceId: id,
  grpcAddress: "127.0.0.1:1",
  httpAddress: "127.0.0.1:2",
  metadata: {},
});
const withToken = (token = SECRET) => ({ headers: { "vetmesh-discovery-token": token } });
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (e: unknown) => Code[ConnectError.from(e).code],
  );

for (const [name, makeStore] of [
  ["memory", () => createMemoryStore()],
  [
    "redis",
    () => createRedisStore({ url: REDIS_URL, prefix: `vetmesh:test:discovery-auth:${crypto.randomUUID()}:` }),
  ],
] as const) {
  describe(`discovery with DISCOVERY_TOKEN (${name} store)`, () => {
    test("Register, Heartbeat and Deregister without the shared secret (or with a wrong one) are Unauthenticated", async () => {
      const client = discovery(makeStore());
      for (const options of [{}, withToken("wrong-token-wrong-token-wrong")]) {
        expect(await codeOf(client.register({ instance: instance("intruder"), ttlMs: 5000 }, options))).toBe(
          "Unauthenticated",
        );
        expect(await codeOf(client.heartbeat({ service: "owner", instanceId: "intruder" }, options))).toBe(
          "Unauthenticated",
        );
        expect(await codeOf(client.deregister({ service: "owner", instanceId: "intruder" }, options))).toBe(
          "Unauthenticated",
        );
      }
      expect((await client.list({ service: "owner" })).instances).toEqual([]);
    });

    test("only the registering instance (its lease token) may heartbeat or deregister it", async () => {
      const client = discovery(makeStore());
      const { leaseToken } = await client.register(
        { instance: instance("owner-1"), ttlMs: 5000 },
        withToken(),
      );
      expect(leaseToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      for (const forged of ["", "not-the-lease-token"]) {
        const ref = { service: "owner", instanceId: "owner-1", leaseToken: forged };
        expect(await codeOf(client.deregister(ref, withToken()))).toBe("PermissionDenied");
        expect(await codeOf(client.heartbeat(ref, withToken()))).toBe("PermissionDenied");
      }
      expect((await client.list({ service: "owner" })).instances.map((i) => i.instanceId)).toEqual([
        "owner-1",
      ]);
      const own = { service: "owner", instanceId: "owner-1", leaseToken };
      expect((await client.heartbeat(own, withToken())).ttlMs).toBe(5000);
      await client.deregister(own, withToken());
      expect((await client.list({ service: "owner" })).instances).toEqual([]);
    });
  });
}
