import { z } from "@hono/zod-openapi";
import type { ScheduleException, Slot, Vet } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { queryInteger } from "../http/fields.ts";
import { localDate } from "./veterinary-shapes.ts";

/** Example ids of the spec. */
export const VET = "0190c6f5-0a1b-7c2d-8e3f-4a5b6c7d8e9f";
export const EXCEPTION = "0190c6fa-4e5f-7061-8c73-9d0e1f2a3b4c";
const orUndefined = (text: string) => (text === "" ? undefined : text);

/** A vet id as the routes take it (the service checks it exists). */
export const vetIdField = z.string().min(1).max(64).openapi({ example: VET });

const clock = z
  .string()
  .regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be a local time HH:MM between 00:00 and 24:00");

/** One span of a weekday's hours, local wall-clock time of the clinic. */
export const workingHoursSchema = z
  .object({
    weekday: z.number().int().min(1).max(7).openapi({ description: "ISO weekday: 1 = Monday … 7 = Sunday" }),
    start: clock.openapi({ description: "HH:MM, local", example: "09:00" }),
    end: clock.openapi({ description: "HH:MM, local, after start; 24:00 is midnight", example: "17:00" }),
  })
  .openapi("WorkingHours", { example: { weekday: 1, start: "09:00", end: "17:00" } });

const WEEKDAYS = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "09:00", end: "17:00" }));
const week = z
  .array(workingHoursSchema)
  .max(28)
  .openapi({ description: "The whole week; spans of one weekday must not overlap", example: WEEKDAYS });

/** Query of the free-slot search. */
export const slotsQuery = z.object({
  date: localDate.openapi({ description: "A local day of the clinic" }),
  vetId: vetIdField.optional().openapi({ description: "Only this vet; omit for every vet" }),
  type: z.string().min(1).max(64).optional().openapi({
    description: "An appointment type (see /api/veterinary/appointment-types); gives the length",
  }),
  durationMinutes: queryInteger(1, 1440)
    .optional()
    .openapi({ type: "integer", description: "Length in minutes, instead of the type's" }),
});

/** A free start. */
export const slotSchema = z
  .object({
    vetId: z.string(),
    dateTime: z.string().openapi({ description: "Start (UTC); give it to make-appointment as dateTime" }),
    endsAt: z.string(),
  })
  .openapi("Slot", {
    example: { vetId: VET, dateTime: "2026-03-30T07:00:00.000Z", endsAt: "2026-03-30T07:20:00.000Z" },
  });

/** REST shape of a free slot. */
export function restSlot(s: Slot) {
  return { vetId: s.vetId, dateTime: s.startsAt, endsAt: s.endsAt };
}

/** A vet as REST shows it. */
export const vetSchema = z
  .object({ vetId: z.string(), name: z.string(), workingHours: z.array(workingHoursSchema) })
  .openapi("Vet", { example: { vetId: VET, name: "Dr. Ada Moss", workingHours: WEEKDAYS } });

/** REST shape of a vet. */
export function restVet(v: Vet) {
  return {
    vetId: v.id,
    name: v.name,
    workingHours: v.workingHours.map((h) => ({ weekday: h.weekday, start: h.start, end: h.end })),
  };
}

/** Body of create-vet. */
export const createVetBody = z
  .object({
    name: z.string().min(1).max(200).openapi({ example: "Dr. Ada Moss" }),
    workingHours: week.optional(),
  })
  .openapi("CreateVet", { example: { name: "Dr. Ada Moss", workingHours: WEEKDAYS } });

/** Body of set-working-hours: the vet's whole week, replacing the old one. */
export const setHoursBody = z
  .object({ vetId: vetIdField, workingHours: week })
  .openapi("SetWorkingHours", { example: { vetId: VET, workingHours: WEEKDAYS } });

const bound = (description: string, example: string) =>
  z.string().min(1).max(64).openapi({ description, example });

/** Body of add-schedule-exception: a vet's leave, or (no vetId) a clinic holiday. */
export const addExceptionBody = z
  .object({
    vetId: vetIdField.optional().openapi({ description: "Omit for the whole clinic (a holiday)" }),
    from: bound("An instant, or a local date YYYY-MM-DD (its start)", "2026-04-06"),
    to: bound("An instant (exclusive), or a local date YYYY-MM-DD (through its end)", "2026-04-10"),
    reason: z.string().max(500).optional(),
  })
  .openapi("AddScheduleException", { example: { from: "2026-04-06", to: "2026-04-06", reason: "Easter" } });

/** Body of remove-schedule-exception. */
export const removeExceptionBody = z
  .object({ exceptionId: z.string().min(1).max(64) })
  .openapi("RemoveScheduleException", { example: { exceptionId: EXCEPTION } });

/** Query of the exceptions list: a local day, or a from/to range (at most 31 days). */
export const exceptionsQuery = z
  .object({
    date: localDate.optional().openapi({ description: "A local day of the clinic, instead of from/to" }),
    from: z.string().optional().openapi({ description: "Start of the range, ISO 8601" }),
    to: z.string().optional().openapi({ description: "End of the range (exclusive), ISO 8601" }),
  })
  .superRefine((q, ctx) => {
    if (q.date !== undefined && (q.from !== undefined || q.to !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["date"], message: "give either date or from and to, not both" });
    } else if (q.date === undefined && (q.from === undefined || q.to === undefined)) {
      const missing = q.from === undefined ? "from" : "to";
      ctx.addIssue({ code: "custom", path: [missing], message: "date, or from and to, are required" });
    }
  });

/** A schedule exception as REST shows it. */
export const exceptionSchema = z
  .object({
    exceptionId: z.string(),
    vetId: z.string().optional().openapi({ description: "Absent: the whole clinic" }),
    startsAt: z.string(),
    endsAt: z.string(),
    reason: z.string(),
  })
  .openapi("ScheduleException", {
    example: {
      exceptionId: EXCEPTION,
      startsAt: "2026-04-05T22:00:00.000Z",
      endsAt: "2026-04-06T22:00:00.000Z",
      reason: "Easter",
    },
  });

/** REST shape of a schedule exception. */
export function restException(e: ScheduleException) {
  return {
    exceptionId: e.id,
    vetId: orUndefined(e.vetId),
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    reason: e.reason,
  };
}

/** An appointment type and its default length. */
export const appointmentTypeSchema = z
  .object({ name: z.string(), durationMinutes: z.number().int() })
  .openapi("AppointmentType", { example: { name: "consultation", durationMinutes: 20 } });
