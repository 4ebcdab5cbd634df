import { and, type Column, eq, isNull, lt, lte, ne, or, type SQL } from "drizzle-orm";

/** The reminder columns the claim conditions use; both dialects' `reminders` tables have them. */
interface ReminderColumns {
  id: Column;
  vaccinationId: Column;
  status: Column;
  sendAt: Column;
  leaseUntil: Column;
}

/** No replica holds the row: never leased, or its lease (or retry back-off) has run out. */
export function leaseFree(t: ReminderColumns, now: number): SQL | undefined {
  return or(isNull(t.leaseUntil), lte(t.leaseUntil, now));
}

/** What a reminder becomes when a later stage of its vaccination is sent instead. */
export const SKIPPED = { status: "skipped", lastError: "a later stage was due" } as const;

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
