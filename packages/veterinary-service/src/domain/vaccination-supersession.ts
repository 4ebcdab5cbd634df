import type { VaccinationRow } from "../db/repository.ts";

/**
 * One current vaccination per pet and vaccine: the one administered last. A
 * new row administered before the current one is stored already superseded
 * by it (a late entry of an old shot); otherwise it supersedes the current
 * ones. Both dialects read the newest current row in the insert's
 * transaction and store what this returns.
 */
export function supersession(newest: VaccinationRow | undefined, row: VaccinationRow): VaccinationRow {
  return newest && newest.administeredAt > row.administeredAt ? { ...row, supersededBy: newest.id } : row;
}

/** A stored row that is current takes over: earlier rows are superseded and its reminders planned. */
export function isCurrent(stored: VaccinationRow): boolean {
  return !stored.supersededBy;
}
