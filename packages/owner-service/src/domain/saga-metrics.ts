import { Counter, Gauge, type Registry } from "prom-client";

/**
 * The removal saga's series, on the process's (kit) registry so /metrics
 * shows them; the alert rules in k8s/observability read them (a saga stuck
 * for long, steps failing again and again).
 */
export interface SagaMetrics {
  started: Counter;
  completed: Counter;
  /** Failed participant calls or step commits, by step (each is retried with back-off). */
  stepFailures: Counter<"step">;
  /** Unfinished sagas in the log (every replica reads the shared log; take the max, not the sum). */
  unfinished: Gauge;
  /** Age of the oldest unfinished saga (0 when none): one that keeps growing is stuck. */
  oldestAgeSeconds: Gauge;
}

/** Creates the saga metrics on `registry`. */
export function createSagaMetrics(registry: Registry): SagaMetrics {
  return {
    started: new Counter({
      name: "vetmesh_removal_sagas_started_total",
      help: "Owner-removal sagas started by this process",
      registers: [registry],
    }),
    completed: new Counter({
      name: "vetmesh_removal_sagas_completed_total",
      help: "Owner-removal sagas this process drove to the end",
      registers: [registry],
    }),
    stepFailures: new Counter({
      name: "vetmesh_removal_saga_step_failures_total",
      help: "Failed saga steps (retried with back-off), by step",
      labelNames: ["step"] as const,
      registers: [registry],
    }),
    unfinished: new Gauge({
      name: "vetmesh_removal_sagas_unfinished",
      help: "Unfinished owner-removal sagas in the log, at the last sweep",
      registers: [registry],
    }),
    oldestAgeSeconds: new Gauge({
      name: "vetmesh_removal_saga_oldest_unfinished_age_seconds",
      help: "Age of the oldest unfinished owner-removal saga at the last sweep (0 when none)",
      registers: [registry],
    }),
  };
}
