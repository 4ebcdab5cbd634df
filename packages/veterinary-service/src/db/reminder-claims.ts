import { and, type Column, eq, isNull, lt, lte, ne, or, type SQL } from "drizzle-orm";

/**
 * The vaccination reminder conditions both dialects send, written once over
 * the columns their schemas share; what the rows become is decided in
 * domain/reminder-transitions.ts.
 */

/** The reminder columns the claim conditions use; both dialects' `reminders` tables have them. */
interface ReminderColumns {
  id: Column;
  vaccinationId: Column;
  status: Column;
  sendAt: Column;
  claimedBy: Column;
  leaseUntil: Column;
}

/** No replica holds the row: never leased, or its lease (or retry back-off) has run out. */
export function leaseFree(t: ReminderColumns, now: number): SQL | undefined {
  return or(isNull(t.leaseUntil), lte(t.leaseUntil, now));
}

/** Pending reminders due by `now` (the backlog gauge and, lease-free, the claim's candidates). */
export function duePendingWhere(t: ReminderColumns, now: number): SQL | undefined {
  return and(eq(t.status, "pending"), lte(t.sendAt, now));
}

/** The claim's candidates: due, pending and no live lease. */
export function claimCandidatesWhere(t: ReminderColumns, now: number): SQL | undefined {
  return and(eq(t.status, "pending"), lte(t.sendAt, now), leaseFree(t, now));
}

/** The claim of one reminder: only if still pending and its lease is free (or expired). */
export function claimWhere(t: ReminderColumns, id: string, now: number): SQL | undefined {
  return and(eq(t.id, id), eq(t.status, "pending"), leaseFree(t, now));
}

/** One reminder while it is still pending (a skip or a cancel never touches a sent row). */
export function pendingWhere(t: ReminderColumns, id: string): SQL | undefined {
  return and(eq(t.id, id), eq(t.status, "pending"));
}

/** One reminder while `owner` still holds its claim and it is pending: a lost lease changes nothing. */
export function heldWhere(t: ReminderColumns, id: string, owner: string): SQL | undefined {
  return and(eq(t.id, id), eq(t.claimedBy, owner), eq(t.status, "pending"));
}

/**
 * The still pending earlier stages of a claimed reminder's vaccination. They
 * are skipped in the claim's transaction even when the claim's candidate set
 * did not include them (it is bounded and ordered by attempts), so one
 * vaccination never sends an earlier stage after a later one.
 */
export function earlierStages(
  t: ReminderColumns,
  row: { id: string; vaccinationId: string; sendAt: number },
): SQL | undefined {
  return and(
    eq(t.vaccinationId, row.vaccinationId),
    eq(t.status, "pending"),
    lt(t.sendAt, row.sendAt),
    ne(t.id, row.id),
  );
}
