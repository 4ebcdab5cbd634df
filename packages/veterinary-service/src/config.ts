import { kitConfigShape, millis } from "@vetmesh/kit";
import { databaseUrl } from "@vetmesh/kit/db";
import { z } from "zod";
import {
  DEFAULT_VACCINE_INTERVALS,
  parseVaccineIntervals,
  type VaccineIntervals,
} from "./domain/vaccine-intervals.ts";

const days = z.coerce.number().int().min(0).max(3650);

/** Environment of the veterinary service; parsed once in main.ts. See .env.example for every variable. */
export const configShape = {
  ...kitConfigShape({ service: "veterinary", grpcPort: 7201, httpPort: 7202 }),
  DATABASE_URL: databaseUrl.default("sqlite:.data/veterinary.db"),
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
  /** Deadline of each call to the owner service (pet lookup); past it MakeAppointment answers Unavailable. */
  OWNER_TIMEOUT_MS: millis.default(2000),
};

/** Parsed configuration of the veterinary service. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
