import { DueState } from "@vetmesh/contracts/veterinary/v1/veterinary";

/** The windows a due state is judged by. */
export interface DueWindows {
  /** "Due soon" starts this many ms before the due date. */
  dueSoonMs: number;
  /** "Due" lasts this many ms after the due date; "overdue" afterwards. */
  graceMs: number;
}

/**
 * Where a vaccination stands at `now`. Pure, so ListVaccinations and the
 * reminders agree on what "due" means and tests can pin every boundary.
 */
export function dueState(
  vaccination: { nextDueAt: number | null; supersededBy: string | null },
  now: number,
  windows: DueWindows,
): DueState {
  if (vaccination.supersededBy) return DueState.SUPERSEDED;
  const due = vaccination.nextDueAt;
  if (due === null) return DueState.NONE;
  if (now < due - windows.dueSoonMs) return DueState.NOT_DUE;
  if (now < due) return DueState.DUE_SOON;
  if (now < due + windows.graceMs) return DueState.DUE;
  return DueState.OVERDUE;
}
