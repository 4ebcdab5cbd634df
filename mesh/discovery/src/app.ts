import type { ConnectRouter } from "@connectrpc/connect";
import type { HealthCheck } from "@vetmesh/kit";
import { discoveryRoutes } from "./rpc/discovery-service.ts";
import { createMemoryStore } from "./store/memory-store.ts";
import { createRedisStore } from "./store/redis-store.ts";
import type { RegistryStore } from "./store/store.ts";

/** What the discovery app needs; tests pass a store (or a Redis URL with a unique prefix) and a clock. */
export interface DiscoveryAppOptions {
  /** Redis URL: leases shared by replicas. Omitted: in memory. */
  redisUrl?: string;
  redisPrefix?: string;
  defaultTtlMs?: number;
  sweepIntervalMs?: number;
  keepaliveMs?: number;
  /** A ready store, overriding redisUrl. */
  store?: RegistryStore;
  now?: () => number;
  /** DISCOVERY_TOKEN: required on Register/Heartbeat/Deregister when set. */
  token?: string;
}

/** Builds discovery without listening: its routes, health and close, for main.ts and in-process tests. */
export function createDiscoveryApp(options: DiscoveryAppOptions = {}) {
  const store =
    options.store ??
    (options.redisUrl
      ? createRedisStore({
          url: options.redisUrl,
          prefix: options.redisPrefix,
          sweepIntervalMs: options.sweepIntervalMs,
          now: options.now,
        })
      : createMemoryStore({ sweepIntervalMs: options.sweepIntervalMs, now: options.now }));
  const closing = new AbortController();
  const routes: (router: ConnectRouter) => void = discoveryRoutes({
    store,
    closing: closing.signal,
    defaultTtlMs: options.defaultTtlMs ?? 5000,
    keepaliveMs: options.keepaliveMs,
    token: options.token,
  });
  const health: HealthCheck = () => store.health();
  return {
    routes,
    health,
    store,
    /** Ends open watch streams so a drain does not wait for them (watchers reconnect to another replica). */
    endWatches: () => closing.abort(),
    close: async () => {
      closing.abort();
      await store.close();
    },
  };
}

export { createMemoryStore } from "./store/memory-store.ts";
export { createRedisStore } from "./store/redis-store.ts";
export type { InstanceRecord, RegistryStore } from "./store/store.ts";
