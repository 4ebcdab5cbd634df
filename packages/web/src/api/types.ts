/** The REST shapes of API.md the web app reads (only the fields it uses are required). */

/** A pet as `GET /api/owner/{email}/pets` lists it (PascalCase keys, as the first version). */
export interface Pet {
  Id: string;
  Type: string;
  Race: string;
  Name: string;
}

/** `scheduled | ended | cancelled`, as the gateway spells AppointmentStatus. */
export type AppointmentStatus = "scheduled" | "ended" | "cancelled" | "unspecified";

/** An appointment (`restAppointment` in the gateway); vetId/type come with the scheduling work. */
export interface Appointment {
  appointmentId: string;
  petId: string;
  dateTime: string;
  durationMinutes: number;
  reason: string;
  status: AppointmentStatus;
  endedAt?: string;
  cancelledAt?: string;
  vetId?: string;
  type?: string;
}

/** A consultation record written when an appointment ends. */
export interface ConsultationRecord {
  recordId: string;
  petId: string;
  appointmentId: string;
  details: string;
  recordedAt: string;
  endedBy?: string;
}

/** `not_due | due_soon | due | overdue | superseded | none`. */
export type DueState = "not_due" | "due_soon" | "due" | "overdue" | "superseded" | "none" | "unspecified";

/** A vaccination with its next due date and state. */
export interface Vaccination {
  vaccinationId: string;
  petId: string;
  vaccine: string;
  administeredAt: string;
  nextDueAt?: string;
  batch?: string;
  notes?: string;
  dueState: DueState;
  supersededBy?: string;
}

/** A planned reminder email (`upcoming | due | overdue`); sent ones carry `sentAt`. */
export interface Reminder {
  vaccinationId: string;
  petId: string;
  vaccine: string;
  stage: string;
  sendAt: string;
  dueAt: string;
  sentAt?: string;
}

/** `GET /api/me`: open mode, or the signed-in identity. */
export type Me = { mode: "open" } | { mode: "required"; subject: string; role: Role; email?: string };

/** Roles of the shared auth contract. */
export type Role = "admin" | "vet" | "reception" | "owner";
