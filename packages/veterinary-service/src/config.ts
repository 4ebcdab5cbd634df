import { kitConfigShape, millis, singleLineReason, tracingConfigShape } from "@vetmesh/kit";
import { authConfigShape } from "@vetmesh/kit/auth";
import { databaseUrl, devTrustServerCertificate } from "@vetmesh/kit/db";
import { z } from "zod";
import {
  type AppointmentTypes,
  DEFAULT_APPOINTMENT_TYPES,
  parseAppointmentTypes,
} from "./domain/appointment-types.ts";
import { isTimeZone } from "./domain/clinic-time.ts";
import {
  DEFAULT_REMINDER_OFFSETS,
  parseReminderOffsets,
  type StageOffset,
} from "./domain/reminder-stages.ts";
import {
  DEFAULT_VACCINE_INTERVALS,
  parseVaccineIntervals,
  type VaccineIntervals,
} from "./domain/vaccine-intervals.ts";

const days = z.coerce.number().int().min(0).max(3650);

/** Environment of the veterinary service; parsed once in main.ts. See .env.example for every variable. */
export const configShape = {
  ...kitConfigShape({ service: "veterinary", grpcPort: 7201, httpPort: 7202 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** Who may call the public RPCs: tokens verified here too, not only at the gateway. */
  ...authConfigShape,
  DATABASE_URL: databaseUrl.default("sqlite:.data/veterinary.db"),
  /** "true" admits trustServerCertificate=true in a SQL Server DATABASE_URL (self-signed dev server only). */
  DATABASE_DEV_TRUST_SERVER_CERTIFICATE: devTrustServerCertificate,
  /** `name=days,...`: how long each vaccine protects; gives next_due_at when a vaccination omits it. */
  VACCINE_INTERVALS: z
    .string()
    .default(DEFAULT_VACCINE_INTERVALS)
    .transform((text, ctx): VaccineIntervals => {
      const parsed = parseVaccineIntervals(text);
      if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /** Interval for vaccines missing from VACCINE_INTERVALS; unset means such vaccinations have no due date. */
  VACCINE_DEFAULT_INTERVAL_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /** A vaccination is "due soon" this many days before its due date. */
  DUE_SOON_DAYS: days.default(14),
  /** A vaccination is "due" for this many days after its due date, "overdue" afterwards. */
  DUE_GRACE_DAYS: days.default(7),
  /** Duration of an appointment made without one. */
  DEFAULT_APPOINTMENT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** IANA time zone of the clinic: working hours and local days (`date=`) are read in it; instants stay UTC on the wire. */
  CLINIC_TIME_ZONE: z
    .string()
    .default("UTC")
    .refine(isTimeZone, { message: "must be an IANA time zone such as Europe/Berlin" }),
  /** `name=minutes,...`: the appointment types and the length each gets when make-appointment names no duration. */
  APPOINTMENT_TYPES: z
    .string()
    .default(DEFAULT_APPOINTMENT_TYPES)
    .transform((text, ctx): AppointmentTypes => {
      const parsed = parseAppointmentTypes(text);
      if (typeof parsed === "string" || parsed.size === 0) {
        ctx.addIssue({ code: "custom", message: typeof parsed === "string" ? parsed : "at least one type" });
        return z.NEVER;
      }
      return parsed;
    }),
  /** Free slots are offered every this many minutes from the start of each working span. */
  SLOT_STEP_MINUTES: z.coerce.number().int().min(1).max(240).default(10),
  /** Deadline of each call to the owner service (pet lookup); past it MakeAppointment answers Unavailable. */
  OWNER_TIMEOUT_MS: millis.default(2000),
  /** `upcoming=-14,due=0,overdue=7`: when each reminder stage is emailed, in days from the due date. */
  REMINDER_OFFSETS_DAYS: z
    .string()
    .default(DEFAULT_REMINDER_OFFSETS)
    .transform((text, ctx): StageOffset[] => {
      const parsed = parseReminderOffsets(text);
      if (typeof parsed === "string") {
        ctx.addIssue({ code: "custom", message: parsed });
        return z.NEVER;
      }
      return parsed;
    }),
  /** How often the reminder scanner looks for due reminders; 0 turns the scanner off in this process. */
  REMINDER_SCAN_INTERVAL_MS: millis.default(60_000),
  /** How long a claimed reminder is this replica's before another may take it over. */
  REMINDER_LEASE_MS: millis.min(1000).default(60_000),
  /** After a failed attempt (owner or notification unreachable), wait this long before the next. */
  REMINDER_RETRY_MS: millis.default(30_000),
  /** Failed attempts after which a reminder is given up on (status `dead`, metric, log) instead of retried. */
  REMINDER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  /** Reminders claimed per scan. */
  REMINDER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(50),
  /** Deadline of each EnqueueEmail call to the notification service. */
  NOTIFICATION_TIMEOUT_MS: millis.default(5000),
  /** Signs the reminder emails. */
  CLINIC_NAME: z
    .string()
    .min(1)
    .max(200)
    .refine((name) => singleLineReason(name) === undefined, "must be one line without control characters")
    .default("vetmesh veterinary clinic"),
  /**
   * Test/demo knob: shifts this process's clock by this many ms (may be
   * negative), so a real process can be moved to a reminder's send time.
   */
  CLOCK_OFFSET_MS: z.coerce.number().int().min(-3_153_600_000_000).max(3_153_600_000_000).default(0),
  /**
   * Test/demo knob: a file holding an offset in ms, re-read whenever it
   * changes, added to CLOCK_OFFSET_MS; lets a test move a running process's
   * clock without restarting it. Unset in production.
   */
  CLOCK_OFFSET_FILE: z.string().min(1).optional(),
};

/** Parsed configuration of the veterinary service. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
