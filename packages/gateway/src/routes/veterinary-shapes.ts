import { z } from "@hono/zod-openapi";
import type {
  Appointment,
  ConsultationRecord,
  Reminder,
  Vaccination,
} from "@vetmesh/contracts/veterinary/v1/veterinary";
import { AppointmentStatus, DueState, ReminderStage } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { queryInteger } from "../http/fields.ts";

const PET = "0190c6f6-9a10-7c3e-8d21-5e6f7a8b9c0d";
const APPOINTMENT = "0190c6f7-1b2c-7d3e-9f40-6a7b8c9d0e1f";
const INSTANT = "2023-09-09T13:00:00.000Z";

// Pet ids are strings; the first version's clients may send a number, which is read as its text.
const petId = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .openapi({ description: "The pet id (a number is read as its text)", example: PET });
const optionalText = z.string().optional();
const instant = (description: string) => z.string().openapi({ description, example: INSTANT });

/** Body of make-appointment. */
export const makeBody = z
  .object({
    petId,
    dateTime: instant("Start, ISO 8601"),
    durationMinutes: z.number().int().optional(),
    reason: optionalText,
    vetId: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "The vet to book; omit for any vet working and free then" }),
    type: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .openapi({ description: "An appointment type, e.g. consultation: gives the default length" }),
  })
  .openapi("MakeAppointment", { example: { petId: PET, dateTime: INSTANT } });
/** Body of end-appointment (both paths). */
export const endBody = z
  .object({ appointmentId: z.string(), details: z.string(), endedBy: optionalText })
  .openapi("EndAppointment", { example: { appointmentId: APPOINTMENT, details: "dog is evil" } });
/** Body of cancel-appointment. */
export const cancelBody = z
  .object({ appointmentId: z.string() })
  .openapi("CancelAppointment", { example: { appointmentId: APPOINTMENT } });
/** Body of vaccinations. */
export const vaccinationBody = z
  .object({
    petId,
    vaccine: z.string(),
    administeredAt: instant("When it was given, ISO 8601"),
    nextDueAt: optionalText,
    batch: optionalText,
    notes: optionalText,
  })
  .openapi("RecordVaccination", { example: { petId: PET, vaccine: "rabies", administeredAt: INSTANT } });
/** A local calendar day of the clinic (CLINIC_TIME_ZONE of the veterinary service). */
export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-03-29")
  .openapi({ example: "2026-03-29" });

/**
 * Query of the appointments list: a pet's (petId, optional from/to or date),
 * or, without petId, the whole clinic's for a local day (date, read in the
 * veterinary service's CLINIC_TIME_ZONE) or a from/to range (at most 31 days,
 * checked by the service).
 */
export const appointmentsQuery = z
  .object({
    petId: z.string().min(1).optional().openapi({ example: PET, description: "Omit for the whole clinic" }),
    from: optionalText.openapi({ description: "Earliest start, ISO 8601" }),
    to: optionalText.openapi({ description: "Latest start (exclusive), ISO 8601" }),
    date: localDate.optional().openapi({ description: "A local day of the clinic, instead of from/to" }),
    vetId: z.string().min(1).max(64).optional().openapi({ description: "Only this vet's appointments" }),
  })
  .superRefine((q, ctx) => {
    if (q.date !== undefined && (q.from !== undefined || q.to !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["date"], message: "give either date or from and to, not both" });
    } else if (q.petId === undefined && q.date === undefined) {
      if (q.from === undefined && q.to === undefined) {
        // The first version's answer to a bare list: petId is what is missing.
        ctx.addIssue({ code: "invalid_type", expected: "string", input: undefined, path: ["petId"] });
      } else if (q.from === undefined || q.to === undefined) {
        const missing = q.from === undefined ? "from" : "to";
        ctx.addIssue({
          code: "custom",
          path: [missing],
          message: "from and to are both required without petId",
        });
      }
    }
  });
/** Query of the records list. */
export const recordsQuery = z.object({
  pageSize: queryInteger(0, 1000)
    .optional()
    .openapi({ type: "integer", description: "0 = the service's default" }),
  pageToken: optionalText.openapi({ description: "nextPageToken of the previous page" }),
});
/** Path parameter of the per-pet lists. */
export const petParams = z.object({ petId: z.string().openapi({ example: PET }) });

const words = (values: Record<string, string | number>) =>
  Object.keys(values)
    .filter((key) => Number.isNaN(Number(key)))
    .map((key) => key.toLowerCase()) as [string, ...string[]];

const label = (name: string | undefined) => (name ?? "unspecified").toLowerCase();
const orUndefined = (text: string) => (text === "" ? undefined : text);

/** An appointment as REST shows it. */
export const appointmentSchema = z
  .object({
    appointmentId: z.string(),
    petId: z.string(),
    dateTime: z.string(),
    durationMinutes: z.number().int(),
    reason: z.string(),
    status: z.enum(words(AppointmentStatus)),
    endedAt: z.string().optional(),
    cancelledAt: z.string().optional(),
    vetId: z
      .string()
      .optional()
      .openapi({ description: "The vet booked (absent when the clinic has no vets)" }),
    type: z.string().optional().openapi({ description: "The appointment type, e.g. consultation" }),
  })
  .openapi("Appointment", {
    example: {
      appointmentId: APPOINTMENT,
      petId: PET,
      dateTime: INSTANT,
      durationMinutes: 20,
      reason: "limping",
      status: "scheduled",
      vetId: "vet-1",
      type: "consultation",
    },
  });

/** REST shape of an appointment (camelCase, enum as lower-case word, empty instants omitted). */
export function restAppointment(a: Appointment) {
  return {
    appointmentId: a.id,
    petId: a.petId,
    dateTime: a.startsAt,
    durationMinutes: a.durationMinutes,
    reason: a.reason,
    status: label(AppointmentStatus[a.status]),
    endedAt: orUndefined(a.endedAt),
    cancelledAt: orUndefined(a.cancelledAt),
    vetId: orUndefined(a.vetId),
    type: orUndefined(a.type),
  };
}

/** A consultation record as REST shows it. */
export const recordSchema = z
  .object({
    recordId: z.string(),
    petId: z.string(),
    appointmentId: z.string(),
    details: z.string(),
    recordedAt: z.string(),
    endedBy: z.string().optional(),
  })
  .openapi("ConsultationRecord", {
    example: {
      recordId: "0190c6f8-2c3d-7e4f-8a51-7b8c9d0e1f2a",
      petId: PET,
      appointmentId: APPOINTMENT,
      details: "dog is evil",
      recordedAt: "2023-09-09T13:20:00.000Z",
    },
  });

/** REST shape of a consultation record. */
export function restRecord(r: ConsultationRecord) {
  return {
    recordId: r.id,
    petId: r.petId,
    appointmentId: r.appointmentId,
    details: r.details,
    recordedAt: r.recordedAt,
    endedBy: orUndefined(r.endedBy),
  };
}

/** A vaccination as REST shows it. */
export const vaccinationSchema = z
  .object({
    vaccinationId: z.string(),
    petId: z.string(),
    vaccine: z.string(),
    administeredAt: z.string(),
    nextDueAt: z.string().optional(),
    batch: z.string().optional(),
    notes: z.string().optional(),
    dueState: z.enum(words(DueState)),
    supersededBy: z.string().optional(),
  })
  .openapi("Vaccination", {
    example: {
      vaccinationId: "0190c6f9-3d4e-7f50-9b62-8c9d0e1f2a3b",
      petId: PET,
      vaccine: "rabies",
      administeredAt: INSTANT,
      nextDueAt: "2024-09-09T13:00:00.000Z",
      dueState: "not_due",
    },
  });

/** REST shape of a vaccination. */
export function restVaccination(v: Vaccination) {
  return {
    vaccinationId: v.id,
    petId: v.petId,
    vaccine: v.vaccine,
    administeredAt: v.administeredAt,
    nextDueAt: orUndefined(v.nextDueAt),
    batch: orUndefined(v.batch),
    notes: orUndefined(v.notes),
    dueState: label(DueState[v.dueState]),
    supersededBy: orUndefined(v.supersededBy),
  };
}

/** A planned reminder as REST shows it. */
export const reminderSchema = z
  .object({
    vaccinationId: z.string(),
    petId: z.string(),
    vaccine: z.string(),
    stage: z.enum(words(ReminderStage)),
    sendAt: z.string(),
    dueAt: z.string(),
    sentAt: z.string().optional().openapi({ description: "When it was sent; only with `include=sent`" }),
  })
  .openapi("Reminder", {
    example: {
      vaccinationId: "0190c6f9-3d4e-7f50-9b62-8c9d0e1f2a3b",
      petId: PET,
      vaccine: "rabies",
      stage: "upcoming",
      sendAt: "2024-08-26T13:00:00.000Z",
      dueAt: "2024-09-09T13:00:00.000Z",
    },
  });

/** Query of the reminders list: `include=sent` adds the reminders already sent. */
export const remindersQuery = z.object({
  include: z.enum(["sent"]).optional().openapi({
    description: "`sent`: also the reminders already sent (with sentAt), after the pending ones",
  }),
});

/** REST shape of a reminder. */
export function restReminder(r: Reminder) {
  return {
    vaccinationId: r.vaccinationId,
    petId: r.petId,
    vaccine: r.vaccine,
    stage: label(ReminderStage[r.stage]),
    sendAt: r.sendAt,
    dueAt: r.dueAt,
    sentAt: r.sentAt === "" ? undefined : r.sentAt,
  };
}
