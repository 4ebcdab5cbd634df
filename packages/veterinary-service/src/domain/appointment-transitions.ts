import type { AppointmentRow, EndAppointmentInput, RecordRow, TransitionOutcome } from "../db/repository.ts";

/**
 * The appointment state machine: only a scheduled appointment can end or be
 * cancelled; ended and cancelled are final. Both storage dialects read the
 * row inside their transaction (SQL Server under an update lock), ask these
 * functions, write the change they return (if any) and answer the outcome.
 */

/** A transition's decision: the answer, and what to write when it is allowed. */
export interface Transition<T, W> {
  outcome: TransitionOutcome<T>;
  write?: W;
}

/** Only a scheduled appointment moves on: a missing or final one is refused and nothing is written. */
function fromScheduled<T, W>(
  found: AppointmentRow | undefined,
  move: (scheduled: AppointmentRow) => Transition<T, W>,
): Transition<T, W> {
  if (!found) return { outcome: { kind: "not_found" } };
  if (found.status !== "scheduled") return { outcome: { kind: "not_scheduled", appointment: found } };
  return move(found);
}

/** Ending writes the appointment's end and its consultation record (one per appointment), together. */
export function endTransition(
  found: AppointmentRow | undefined,
  input: EndAppointmentInput,
): Transition<{ record: RecordRow }, { change: { status: "ended"; endedAt: number }; record: RecordRow }> {
  return fromScheduled(found, (scheduled) => {
    const change = { status: "ended", endedAt: input.endedAt } as const;
    const record: RecordRow = {
      id: input.recordId,
      petId: scheduled.petId,
      appointmentId: scheduled.id,
      details: input.details,
      recordedAt: input.endedAt,
      endedBy: input.endedBy,
    };
    const appointment = { ...scheduled, ...change };
    return { outcome: { kind: "done", appointment, record }, write: { change, record } };
  });
}

/** Cancelling keeps the row (the calendar shows it) with its cancel time. */
export function cancelTransition(
  found: AppointmentRow | undefined,
  at: number,
): Transition<object, { change: { status: "cancelled"; cancelledAt: number } }> {
  return fromScheduled(found, (scheduled) => {
    const change = { status: "cancelled", cancelledAt: at } as const;
    return { outcome: { kind: "done", appointment: { ...scheduled, ...change } }, write: { change } };
  });
}
