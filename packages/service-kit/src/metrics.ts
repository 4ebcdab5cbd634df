import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/** Latency buckets in seconds, fine enough for sub-millisecond loopback calls. */
export const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** The Prometheus registry of one process plus the RPC series every kit process exports. */
export interface KitMetrics {
  registry: Registry;
  rpcTotal: Counter<"rpc_service" | "method" | "code">;
  rpcDuration: Histogram<"rpc_service" | "method" | "code">;
}

/** Creates a fresh registry (one per process, or per in-process test server). */
export function createKitMetrics(labels: { service: string; instance: string }): KitMetrics {
  const registry = new Registry();
  registry.setDefaultLabels(labels);
  collectDefaultMetrics({ register: registry });
  const rpcTotal = new Counter({
    name: "vetmesh_rpc_server_total",
    help: "RPCs served, by method and Connect code",
    labelNames: ["rpc_service", "method", "code"] as const,
    registers: [registry],
  });
  const rpcDuration = new Histogram({
    name: "vetmesh_rpc_server_duration_seconds",
    help: "Time to answer an RPC, by method and Connect code",
    labelNames: ["rpc_service", "method", "code"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  return { registry, rpcTotal, rpcDuration };
}
