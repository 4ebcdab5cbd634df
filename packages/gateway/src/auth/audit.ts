import type { Logger } from "@vetmesh/kit";
import type { Identity } from "@vetmesh/kit/auth";

/** One audited action. */
export interface AuditEntry {
  action: string;
  /** What it touched: owner email/id, pet id, appointment id (joined when several). */
  target: string;
  outcome: "ok" | "denied" | "unauthenticated" | "failed";
  status?: number;
}

/** Writes audit lines. */
export type Audit = (caller: Identity | undefined, entry: AuditEntry) => void;

/**
 * The audit trail: one JSON line (`"msg":"audit"`, with the request id the
 * logger adds) for every write and every read of medical records, allowed or
 * not, naming who (subject and role, `anonymous` in open mode), what and
 * the outcome. It goes to the gateway's log stream, marked `audit: true`, so
 * a collector can route it to its own retention.
 */
export function createAudit(logger: Logger): Audit {
  return (caller, entry) => {
    logger.info("audit", {
      audit: true,
      subject: caller?.subject ?? "anonymous",
      role: caller?.role ?? "anonymous",
      action: entry.action,
      target: entry.target,
      outcome: entry.outcome,
      status: entry.status,
    });
  };
}

/** Audit outcome of a finished HTTP response. */
export function outcomeOfStatus(status: number): AuditEntry["outcome"] {
  if (status === 401) return "unauthenticated";
  if (status === 403) return "denied";
  return status < 400 ? "ok" : "failed";
}
