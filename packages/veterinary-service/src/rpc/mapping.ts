import { create } from "@bufbuild/protobuf";
import {
  type Appointment,
  AppointmentSchema,
  AppointmentStatus,
  type ConsultationRecord,
  ConsultationRecordSchema,
  type DueState,
  type Reminder,
  ReminderSchema,
  ReminderStage,
  type Vaccination,
  VaccinationSchema,
} from "@vetmesh/contracts/veterinary/v1/veterinary";
import type { AppointmentRow, RecordRow, ReminderRow, VaccinationRow } from "../db/repository.ts";
import { formatInstant } from "../domain/instants.ts";

const STATUS: Record<AppointmentRow["status"], AppointmentStatus> = {
  scheduled: AppointmentStatus.SCHEDULED,
  ended: AppointmentStatus.ENDED,
  cancelled: AppointmentStatus.CANCELLED,
};

/** Row → wire message; instants become ISO-8601 strings, absent ones "". */
export function toAppointment(row: AppointmentRow): Appointment {
  return create(AppointmentSchema, {
    id: row.id,
    petId: row.petId,
    startsAt: formatInstant(row.startsAt),
    durationMinutes: row.durationMinutes,
    reason: row.reason,
    status: STATUS[row.status],
    endedAt: formatInstant(row.endedAt),
    cancelledAt: formatInstant(row.cancelledAt),
    vetId: row.vetId ?? "",
    type: row.type ?? "",
  });
}

/** Row → wire message. */
export function toRecord(row: RecordRow): ConsultationRecord {
  return create(ConsultationRecordSchema, {
    id: row.id,
    petId: row.petId,
    appointmentId: row.appointmentId,
    details: row.details,
    recordedAt: formatInstant(row.recordedAt),
    endedBy: row.endedBy ?? "",
  });
}

/** Row → wire message, with the due state judged by the caller at its `now`. */
export function toVaccination(row: VaccinationRow, dueState: DueState): Vaccination {
  return create(VaccinationSchema, {
    id: row.id,
    petId: row.petId,
    vaccine: row.vaccine,
    administeredAt: formatInstant(row.administeredAt),
    nextDueAt: formatInstant(row.nextDueAt),
    batch: row.batch ?? "",
    notes: row.notes ?? "",
    dueState,
    supersededBy: row.supersededBy ?? "",
  });
}

const STAGE: Record<ReminderRow["stage"], ReminderStage> = {
  upcoming: ReminderStage.UPCOMING,
  due: ReminderStage.DUE,
  overdue: ReminderStage.OVERDUE,
};

/** Row → wire message. */
export function toReminder(row: ReminderRow): Reminder {
  return create(ReminderSchema, {
    vaccinationId: row.vaccinationId,
    petId: row.petId,
    vaccine: row.vaccine,
    stage: STAGE[row.stage],
    sendAt: formatInstant(row.sendAt),
    dueAt: formatInstant(row.dueAt),
    sentAt: row.status === "sent" && row.sentAt !== null ? formatInstant(row.sentAt) : "",
  });
}
