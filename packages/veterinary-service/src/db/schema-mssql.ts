import { sql } from "drizzle-orm";
import { bigint, index, int, mssqlTable, nvarchar, uniqueIndex, varchar } from "drizzle-orm/mssql-core";

/**
 * SQL Server schema of the veterinary service, column for column the same as
 * schema-sqlite.ts (instants as bigint epoch milliseconds).
 */
export const appointments = mssqlTable(
  "appointments",
  {
    id: nvarchar("id", { length: 64 }).primaryKey(),
    petId: nvarchar("pet_id", { length: 128 }).notNull(),
    startsAt: bigint("starts_at", { mode: "number" }).notNull(),
    endsAt: bigint("ends_at", { mode: "number" }).notNull(),
    durationMinutes: int("duration_minutes").notNull(),
    reason: nvarchar("reason", { length: 1000 }).notNull().default(""),
    status: nvarchar("status", { length: 16 }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    endedAt: bigint("ended_at", { mode: "number" }),
    cancelledAt: bigint("cancelled_at", { mode: "number" }),
    vetId: nvarchar("vet_id", { length: 64 }),
    type: nvarchar("type", { length: 64 }),
    /** The client's idempotency key; its UNIQUE index is filtered to rows that have one (see vaccinations). */
    requestId: varchar("request_id", { length: 128 }),
    /** When the owner's reminder email (24 h before) was handed to the notification service; null until then. */
    reminderSentAt: bigint("reminder_sent_at", { mode: "number" }),
    /** The replica whose claim on sending that reminder holds until reminder_lease_until. */
    reminderClaimedBy: nvarchar("reminder_claimed_by", { length: 128 }),
    reminderLeaseUntil: bigint("reminder_lease_until", { mode: "number" }),
  },
  (t) => [
    index("appointments_pet_starts_idx").on(t.petId, t.startsAt),
    index("appointments_starts_idx").on(t.startsAt),
    index("appointments_vet_starts_idx").on(t.vetId, t.startsAt),
    uniqueIndex("appointments_pet_request_uq")
      .on(t.petId, t.requestId)
      .where(sql`${t.requestId} is not null`),
  ],
);

/** One row per ended appointment: the pet's medical history. */
export const consultationRecords = mssqlTable(
  "consultation_records",
  {
    id: nvarchar("id", { length: 64 }).primaryKey(),
    petId: nvarchar("pet_id", { length: 128 }).notNull(),
    appointmentId: nvarchar("appointment_id", { length: 64 }).notNull(),
    details: nvarchar("details", { length: "max" }).notNull(),
    recordedAt: bigint("recorded_at", { mode: "number" }).notNull(),
    endedBy: nvarchar("ended_by", { length: 256 }),
  },
  (t) => [
    uniqueIndex("consultation_records_appointment_uq").on(t.appointmentId),
    index("consultation_records_pet_recorded_idx").on(t.petId, t.recordedAt, t.id),
  ],
);

/**
 * Vaccinations; see schema-sqlite.ts for the meaning of superseded_by and
 * request_id. SQL Server lets a UNIQUE index hold one NULL only, so the
 * idempotency key's index is filtered to rows that have a key.
 */
export const vaccinations = mssqlTable(
  "vaccinations",
  {
    id: nvarchar("id", { length: 64 }).primaryKey(),
    petId: nvarchar("pet_id", { length: 128 }).notNull(),
    vaccine: nvarchar("vaccine", { length: 200 }).notNull(),
    vaccineKey: nvarchar("vaccine_key", { length: 200 }).notNull(),
    administeredAt: bigint("administered_at", { mode: "number" }).notNull(),
    nextDueAt: bigint("next_due_at", { mode: "number" }),
    batch: nvarchar("batch", { length: 200 }),
    notes: nvarchar("notes", { length: 2000 }),
    supersededBy: nvarchar("superseded_by", { length: 64 }),
    recordedAt: bigint("recorded_at", { mode: "number" }).notNull(),
    requestId: varchar("request_id", { length: 128 }),
  },
  (t) => [
    index("vaccinations_pet_vaccine_idx").on(t.petId, t.vaccineKey, t.administeredAt),
    uniqueIndex("vaccinations_pet_request_uq")
      .on(t.petId, t.requestId)
      .where(sql`${t.requestId} is not null`),
  ],
);

/** Reminder stages of vaccinations; see schema-sqlite.ts. */
export const reminders = mssqlTable(
  "reminders",
  {
    id: nvarchar("id", { length: 100 }).primaryKey(),
    vaccinationId: nvarchar("vaccination_id", { length: 64 }).notNull(),
    petId: nvarchar("pet_id", { length: 128 }).notNull(),
    vaccine: nvarchar("vaccine", { length: 200 }).notNull(),
    stage: nvarchar("stage", { length: 16 }).notNull(),
    dueAt: bigint("due_at", { mode: "number" }).notNull(),
    sendAt: bigint("send_at", { mode: "number" }).notNull(),
    status: nvarchar("status", { length: 16 }).notNull(),
    claimedBy: nvarchar("claimed_by", { length: 128 }),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    attempts: int("attempts").notNull().default(0),
    lastError: nvarchar("last_error", { length: 1000 }),
    sentAt: bigint("sent_at", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [
    uniqueIndex("reminders_vaccination_stage_uq").on(t.vaccinationId, t.stage),
    index("reminders_status_send_idx").on(t.status, t.sendAt),
    index("reminders_pet_idx").on(t.petId),
  ],
);

/** Tombstones of erased pets; see schema-sqlite.ts. */
export const erasedPets = mssqlTable("erased_pets", {
  petId: nvarchar("pet_id", { length: 128 }).primaryKey(),
  sagaId: nvarchar("saga_id", { length: 128 }).notNull(),
  erasedAt: bigint("erased_at", { mode: "number" }).notNull(),
});

/** The clinic's vets: who can be booked. */
export const vets = mssqlTable("vets", {
  id: nvarchar("id", { length: 64 }).primaryKey(),
  name: nvarchar("name", { length: 200 }).notNull(),
  createdAt: bigint("created_at", { mode: "number" }).notNull(),
});

/** Weekly working hours (ISO weekday, minutes after local midnight). */
export const vetHours = mssqlTable(
  "vet_hours",
  {
    vetId: nvarchar("vet_id", { length: 64 }).notNull(),
    weekday: int("weekday").notNull(),
    startMinute: int("start_minute").notNull(),
    endMinute: int("end_minute").notNull(),
  },
  (t) => [uniqueIndex("vet_hours_uq").on(t.vetId, t.weekday, t.startMinute)],
);

/** Leave of a vet, or (vet_id null) a clinic holiday. */
export const scheduleExceptions = mssqlTable(
  "schedule_exceptions",
  {
    id: nvarchar("id", { length: 64 }).primaryKey(),
    vetId: nvarchar("vet_id", { length: 64 }),
    startsAt: bigint("starts_at", { mode: "number" }).notNull(),
    endsAt: bigint("ends_at", { mode: "number" }).notNull(),
    reason: nvarchar("reason", { length: 500 }).notNull().default(""),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
  },
  (t) => [index("schedule_exceptions_starts_idx").on(t.startsAt)],
);
