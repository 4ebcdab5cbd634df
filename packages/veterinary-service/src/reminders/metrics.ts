import { Counter, Gauge, type Registry } from "prom-client";

/** Why the scanner gave up on a reminder. */
export type DeadReason = "rejected" | "max_attempts";

/**
 * The reminder scanner's series, on the process's (kit) registry so /metrics
 * shows them; the alert rules in k8s/observability read them (dead letters,
 * lag of the oldest due reminder, a scanner that stopped scanning).
 */
export interface ReminderMetrics {
  /** Each claimed reminder's outcome: sent, retried, cancelled, lost, dead. */
  outcomes: Counter<"outcome">;
  /** Reminders given up on, by reason (rejected by the notification service, or too many attempts). */
  deadLettered: Counter<"reason">;
  /** Pending reminders already due, after the last scan. */
  dueBacklog: Gauge;
  /** How long the oldest still pending due reminder has been due, after the last scan (0 when none). */
  lagSeconds: Gauge;
  /** When the last scan finished (epoch seconds): a stuck or stopped scanner stops moving it. */
  lastScan: Gauge;
}

/** Creates the reminder metrics on `registry`. */
export function createReminderMetrics(registry: Registry): ReminderMetrics {
  return {
    outcomes: new Counter({
      name: "vetmesh_reminders_total",
      help: "Claimed reminders by outcome (sent, retried, cancelled, lost, dead)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: "vetmesh_reminders_dead_lettered_total",
      help: "Reminders the scanner gave up on, by reason (rejected, max_attempts)",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    dueBacklog: new Gauge({
      name: "vetmesh_reminders_due_backlog",
      help: "Pending reminders already due, after the last scan",
      registers: [registry],
    }),
    lagSeconds: new Gauge({
      name: "vetmesh_reminders_scan_lag_seconds",
      help: "Age of the oldest pending due reminder after the last scan (0 when none)",
      registers: [registry],
    }),
    lastScan: new Gauge({
      name: "vetmesh_reminders_last_scan_timestamp_seconds",
      help: "When the reminder scanner last finished a scan (epoch seconds)",
      registers: [registry],
    }),
  };
}
