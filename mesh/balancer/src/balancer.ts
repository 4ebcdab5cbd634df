import type { Interceptor, Transport } from "@connectrpc/connect";
import type { Logger } from "@vetmesh/kit";
import type { Registry } from "prom-client";
import { connectInstanceTransport, type Endpoint, type InstanceTransportFactory } from "./endpoint.ts";
import { createBalancerMetrics } from "./metrics.ts";
import type { OutlierOptions } from "./outlier.ts";
import { createServicePool, type ServicePool } from "./pool.ts";
import { type BalancedTransportOptions, createBalancedTransport } from "./transport.ts";
import { createDiscoveryWatcher, type WatchBackoff } from "./watch.ts";

/** Options shared by the discovery-fed and the static balancer. */
export interface BalancerOptions {
  logger?: Logger;
  /** The kit metrics (or any object with a prom-client registry) to export picks/retries/ejections on. */
  metrics?: { registry: Registry };
  /** Virtual nodes per instance; default {@link DEFAULT_VNODES}. */
  vnodes?: number;
  outlier?: OutlierOptions;
  /** How to reach one instance; default Connect (binary) over h2c to its grpc_address. */
  instanceTransport?: InstanceTransportFactory;
  /** How long calls in flight to an instance that left may still run before its connection is closed. */
  retireGraceMs?: number;
  /** Client interceptors on every call to an instance (the kit's tracing ones: a span per attempt). */
  interceptors?: readonly Interceptor[];
}

/** Picks instances of services for outgoing calls; one per process, shared by all clients. */
export interface Balancer {
  /** A Connect transport to the named service; generated clients use it unchanged. */
  transport(service: string, options?: BalancedTransportOptions): Transport;
  /** The instances currently known for the service (starts watching it). */
  instances(service: string): Endpoint[];
  /** Resolves when the service has its first live instance, or after timeoutMs. */
  ready(service: string, timeoutMs?: number): Promise<void>;
  /** Whether the instance is currently ejected (for the gateway's breaker view and tests). */
  isEjected(service: string, instanceId: string): boolean;
  close(): Promise<void>;
}

interface Entry {
  pool: ServicePool;
  /** Resolves at the first snapshot that holds an instance. */
  first: Promise<void>;
  markFirst(): void;
}

function createCore(options: BalancerOptions, start: (service: string, entry: Entry) => void) {
  const metrics = createBalancerMetrics(options.metrics?.registry);
  const base = options.instanceTransport ?? connectInstanceTransport;
  const extra = options.interceptors ?? [];
  const factory: InstanceTransportFactory = extra.length > 0 ? (endpoint) => base(endpoint, extra) : base;
  const entries = new Map<string, Entry>();
  const entry = (service: string): Entry => {
    let found = entries.get(service);
    if (!found) {
      let markFirst = () => {};
      const first = new Promise<void>((resolve) => {
        markFirst = resolve;
      });
      const pool = createServicePool({
        target: service,
        factory,
        vnodes: options.vnodes,
        outlier: options.outlier,
        metrics,
        logger: options.logger,
        retireGraceMs: options.retireGraceMs,
      });
      found = { pool, first, markFirst };
      entries.set(service, found);
      start(service, found);
    }
    return found;
  };
  const ready = (service: string, timeoutMs = 5000) =>
    Promise.race([entry(service).first, Bun.sleep(timeoutMs)]).then(() => {});
  const balancer: Balancer = {
    transport(service, transportOptions) {
      const { pool } = entry(service);
      return createBalancedTransport(
        { pool, metrics, logger: options.logger, ready: (ms) => ready(service, ms) },
        transportOptions,
      );
    },
    instances: (service) => entry(service).pool.endpoints(),
    ready,
    isEjected: (service, id) => entry(service).pool.isEjected(id),
    async close() {
      for (const { pool } of entries.values()) pool.close();
      entries.clear();
    },
  };
  return { balancer, entry };
}

/**
 * The balancer for processes of the mesh: keeps, per target service, the live
 * instances from a discovery watch (opened on first use), and keeps routing
 * on the last snapshot while discovery is unreachable.
 */
export function createBalancer(
  options: BalancerOptions & { discoveryUrl: string; backoff?: WatchBackoff },
): Balancer {
  const stop = new AbortController();
  const watch = createDiscoveryWatcher({
    discoveryUrl: options.discoveryUrl,
    logger: options.logger,
    backoff: options.backoff,
  });
  const loops: Promise<void>[] = [];
  const { balancer } = createCore(options, (service, entry) => {
    loops.push(
      watch(
        service,
        (endpoints) => {
          entry.pool.update(endpoints);
          // Callers wait for the first instance, not the first snapshot: a process that starts
          // alongside its dependencies may see an empty registry before they have registered.
          if (endpoints.length > 0) entry.markFirst();
        },
        stop.signal,
      ),
    );
  });
  return {
    ...balancer,
    async close() {
      stop.abort();
      await Promise.allSettled(loops);
      await balancer.close();
    },
  };
}

/** A balancer over a fixed list of instances (tests, or callers without discovery); `update` replaces a list. */
export function createStaticBalancer(
  options: BalancerOptions & { services: Record<string, readonly Endpoint[]> },
): Balancer & { update(service: string, endpoints: readonly Endpoint[]): void } {
  const { balancer, entry } = createCore(options, (service, created) => {
    created.pool.update(options.services[service] ?? []);
    created.markFirst();
  });
  return {
    ...balancer,
    update: (service, endpoints) => entry(service).pool.update(endpoints),
  };
}
