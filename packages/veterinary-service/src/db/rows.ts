import type { Column } from "drizzle-orm";
import type { AppointmentRow, ReminderRow } from "./repository.ts";

/** An appointment as both schemas store it: the row plus its idempotency key and reminder lease columns. */
type StoredAppointment = Omit<AppointmentRow, "status"> & {
  status: string;
  requestId: string | null;
  reminderSentAt: number | null;
  reminderClaimedBy: string | null;
  reminderLeaseUntil: number | null;
};

/** A stored appointment as the service sees it (the idempotency key and reminder lease stay in storage). */
export function asAppointment(row: StoredAppointment): AppointmentRow {
  const {
    requestId: _key,
    reminderSentAt: _sent,
    reminderClaimedBy: _by,
    reminderLeaseUntil: _lease,
    ...rest
  } = row;
  return { ...rest, status: rest.status as AppointmentRow["status"] };
}

/** A stored reminder with its text columns narrowed to the stage and status names. */
export function asReminder(
  row: Omit<ReminderRow, "stage" | "status"> & { stage: string; status: string },
): ReminderRow {
  return { ...row, stage: row.stage as ReminderRow["stage"], status: row.status as ReminderRow["status"] };
}

type DueColumn = "id" | "petId" | "startsAt" | "endsAt" | "vetId" | "type";

/** The columns a reminder email needs (a DueAppointmentReminder), picked from either schema's appointments. */
export function dueReminderColumns<T extends Record<DueColumn, Column>>(t: T): Pick<T, DueColumn> {
  return { id: t.id, petId: t.petId, startsAt: t.startsAt, endsAt: t.endsAt, vetId: t.vetId, type: t.type };
}
