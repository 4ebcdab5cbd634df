import type { ReminderRow } from "../db/repository.ts";
import type { ClaimCandidate } from "./reminder-stages.ts";

/**
 * What a vaccination reminder row becomes at each step of its life, decided
 * once for both storage dialects (the adapters only choose the rows and run
 * the update). Each value is the exact column change the step writes.
 */

/** last_error keeps the first 1000 characters of a cause: a long stack never fails the update. */
export const LAST_ERROR_MAX = 1000;

/** A cause as it is stored in last_error. */
export function storedError(cause: string): string {
  return cause.slice(0, LAST_ERROR_MAX);
}

/** What a pending reminder of a superseded (or vanished) vaccination becomes. */
export const SUPERSEDED = { status: "cancelled", lastError: "superseded" } as const;

/** What a reminder becomes when a later stage of its vaccination is sent instead. */
export const SKIPPED = { status: "skipped", lastError: "a later stage was due" } as const;

/** A claim: `owner` holds the row until `leaseUntil`, and the attempt is counted up front. */
export function leased(row: Pick<ReminderRow, "attempts">, owner: string, leaseUntil: number) {
  return { claimedBy: owner, leaseUntil, attempts: row.attempts + 1 };
}

/** Handed to the notification service: sent, the lease and the last error cleared. */
export function sent(at: number) {
  return { status: "sent", sentAt: at, leaseUntil: null, lastError: null } as const;
}

/** A failed attempt: the claim is dropped and the lease column holds the retry back-off. */
export function released(retryAt: number, cause: string) {
  return { claimedBy: null, leaseUntil: retryAt, lastError: storedError(cause) };
}

/** Cancelled for a reason (the pet's data went, the vaccination was superseded at send time). */
export function cancelled(reason: string) {
  return { status: "cancelled", leaseUntil: null, lastError: storedError(reason) } as const;
}

/** Given up on: rejected by the notification service or out of attempts. */
export function deadLettered(cause: string) {
  return { status: "dead", claimedBy: null, leaseUntil: null, lastError: storedError(cause) } as const;
}

/**
 * A due reminder as the claim decision sees it: its vaccination is superseded
 * when it has a successor or is gone (the left join found no row).
 */
export function claimCandidate(
  reminder: ReminderRow,
  vaccination: { id: string | null; supersededBy: string | null },
): ClaimCandidate {
  return { ...reminder, superseded: vaccination.id === null || vaccination.supersededBy !== null };
}

/** The row a successful claim returns: the candidate with the lease it now holds. */
export function claimedReminder(candidate: ClaimCandidate, owner: string, leaseUntil: number): ReminderRow {
  const { superseded: _, ...reminder } = candidate;
  return { ...reminder, ...leased(candidate, owner, leaseUntil) };
}
