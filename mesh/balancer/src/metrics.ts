import { Counter, Gauge, type Registry } from "prom-client";

type Labels = "target" | "target_instance";

/**
 * The balancer's series: what it picked, retried and ejected, per instance of
 * each target service. The label is target_instance because "instance" is the
 * kit's default label (this process).
 */
export interface BalancerMetrics {
  picks: Counter<Labels>;
  retries: Counter<Labels>;
  ejections: Counter<Labels>;
  reconnects: Counter<Labels>;
  failures: Counter<Labels | "code">;
  instances: Gauge<"target" | "state">;
}

function reuse<T>(registry: Registry | undefined, name: string, make: () => T): T {
  return (registry?.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * Creates (or reuses, when several balancers share the kit registry) the
 * balancer series. Without a registry the counters still count, unexported.
 */
export function createBalancerMetrics(registry?: Registry): BalancerMetrics {
  const registers = registry ? [registry] : [];
  const labelNames = ["target", "target_instance"] as const;
  return {
    picks: reuse(
      registry,
      "vetmesh_balancer_picks_total",
      () =>
        new Counter({
          name: "vetmesh_balancer_picks_total",
          help: "Calls sent to an instance (first attempts and retries)",
          labelNames,
          registers,
        }),
    ),
    retries: reuse(
      registry,
      "vetmesh_balancer_retries_total",
      () =>
        new Counter({
          name: "vetmesh_balancer_retries_total",
          help: "Calls retried on this instance after the previous one failed",
          labelNames,
          registers,
        }),
    ),
    ejections: reuse(
      registry,
      "vetmesh_balancer_ejections_total",
      () =>
        new Counter({
          name: "vetmesh_balancer_ejections_total",
          help: "Times this instance was ejected from the ring",
          labelNames,
          registers,
        }),
    ),
    reconnects: reuse(
      registry,
      "vetmesh_balancer_reconnects_total",
      () =>
        new Counter({
          name: "vetmesh_balancer_reconnects_total",
          help: "Times this instance got a new session because its session took no new streams (GOAWAY)",
          labelNames,
          registers,
        }),
    ),
    failures: reuse(
      registry,
      "vetmesh_balancer_failures_total",
      () =>
        new Counter({
          name: "vetmesh_balancer_failures_total",
          help: "Failed attempts, by instance and Connect code",
          labelNames: ["target", "target_instance", "code"] as const,
          registers,
        }),
    ),
    instances: reuse(
      registry,
      "vetmesh_balancer_instances",
      () =>
        new Gauge({
          name: "vetmesh_balancer_instances",
          help: "Known instances of a target service, live or ejected",
          labelNames: ["target", "state"] as const,
          registers,
        }),
    ),
  };
}
