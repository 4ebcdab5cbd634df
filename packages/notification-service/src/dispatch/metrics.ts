import { LATENCY_BUCKETS } from "@vetmesh/kit";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { OutboxBacklog } from "../db/repository.ts";

/** The notification series, registered on the process's (kit) registry so /metrics shows them. */
export interface NotificationMetrics {
  /** Every delivery attempt, by outcome: sent, failed (will retry), dead (dead-lettered). */
  attempts: Counter<"transport" | "outcome">;
  /** Time spent handing one message to the transport. */
  sendDuration: Histogram<"transport" | "outcome">;
  /** EnqueueEmail calls, by whether they stored a new message. */
  enqueued: Counter<"created">;
  /** Sends whose "sent" commit found the message already sent: observed duplicates. */
  duplicates: Counter;
}

/**
 * Creates the notification metrics on `registry`. With `backlog`, the gauge
 * `vetmesh_notification_outbox_messages{state="pending"|"dead"}` counts the
 * undelivered messages at scrape time (the dashboard's outbox backlog and the
 * dead-letter alert); a scrape while the database fails keeps the last counts.
 */
export function createNotificationMetrics(
  registry: Registry,
  backlog?: () => Promise<OutboxBacklog>,
): NotificationMetrics {
  if (backlog) {
    new Gauge({
      name: "vetmesh_notification_outbox_messages",
      help: "Undelivered outbox messages at scrape time, by state (pending, dead); every replica sees the shared outbox",
      labelNames: ["state"] as const,
      registers: [registry],
      async collect() {
        const counts = await backlog().catch(() => undefined);
        if (!counts) return;
        this.set({ state: "pending" }, counts.pending);
        this.set({ state: "dead" }, counts.dead);
      },
    });
  }
  return {
    attempts: new Counter({
      name: "vetmesh_notification_delivery_attempts_total",
      help: "Delivery attempts of outbox messages, by transport and outcome (sent, failed, dead)",
      labelNames: ["transport", "outcome"] as const,
      registers: [registry],
    }),
    sendDuration: new Histogram({
      name: "vetmesh_notification_send_duration_seconds",
      help: "Time to hand one message to the transport, by outcome",
      labelNames: ["transport", "outcome"] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    enqueued: new Counter({
      name: "vetmesh_notification_enqueued_total",
      help: "EnqueueEmail calls, by whether a new message was stored",
      labelNames: ["created"] as const,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: "vetmesh_notification_duplicate_deliveries_total",
      help: "Deliveries that found their message already marked sent (the 250-to-commit window)",
      registers: [registry],
    }),
  };
}
