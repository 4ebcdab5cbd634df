import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * SQLite schema of the veterinary service (embedded default and tests).
 * Instants are milliseconds since the epoch in both dialects, so the
 * repositories compare and order them the same way.
 */
export const appointments = sqliteTable(
  "appointments",
  {
    id: text("id").primaryKey(),
    petId: text("pet_id").notNull(),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    durationMinutes: integer("duration_minutes").notNull(),
    reason: text("reason").notNull().default(""),
    /** scheduled | ended | cancelled */
    status: text("status").notNull(),
    createdAt: integer("created_at").notNull(),
    endedAt: integer("ended_at"),
    cancelledAt: integer("cancelled_at"),
    /** The vet booked (added by the scheduling migration); null when the clinic has no vets. */
    vetId: text("vet_id"),
    /** The appointment type, e.g. consultation; null when none was given. */
    type: text("type"),
    /** The client's idempotency key (Idempotency-Key), unique per pet; null without one (NULLs are distinct). */
    requestId: text("request_id"),
    /** When the owner's reminder email (24 h before) was handed to the notification service; null until then. */
    reminderSentAt: integer("reminder_sent_at"),
    /** The replica whose claim on sending that reminder holds until reminder_lease_until. */
    reminderClaimedBy: text("reminder_claimed_by"),
    reminderLeaseUntil: integer("reminder_lease_until"),
  },
  (t) => [
    index("appointments_pet_starts_idx").on(t.petId, t.startsAt),
    index("appointments_starts_idx").on(t.startsAt),
    index("appointments_vet_starts_idx").on(t.vetId, t.startsAt),
    uniqueIndex("appointments_pet_request_uq").on(t.petId, t.requestId),
  ],
);

/** One row per ended appointment: the pet's medical history. */
export const consultationRecords = sqliteTable(
  "consultation_records",
  {
    id: text("id").primaryKey(),
    petId: text("pet_id").notNull(),
    appointmentId: text("appointment_id").notNull(),
    details: text("details").notNull(),
    recordedAt: integer("recorded_at").notNull(),
    endedBy: text("ended_by"),
  },
  (t) => [
    uniqueIndex("consultation_records_appointment_uq").on(t.appointmentId),
    index("consultation_records_pet_recorded_idx").on(t.petId, t.recordedAt, t.id),
  ],
);

/**
 * Vaccinations. `superseded_by` is set when a newer vaccination of the same
 * vaccine (by `vaccine_key`) is recorded for the pet; reminders key off `id`
 * and `next_due_at` and live in their own table. `request_id` is the client's
 * idempotency key, unique per pet (NULLs, i.e. calls without a key, are
 * distinct in a SQLite UNIQUE index): a repeat finds the first vaccination.
 */
export const vaccinations = sqliteTable(
  "vaccinations",
  {
    id: text("id").primaryKey(),
    petId: text("pet_id").notNull(),
    vaccine: text("vaccine").notNull(),
    vaccineKey: text("vaccine_key").notNull(),
    administeredAt: integer("administered_at").notNull(),
    nextDueAt: integer("next_due_at"),
    batch: text("batch"),
    notes: text("notes"),
    supersededBy: text("superseded_by"),
    recordedAt: integer("recorded_at").notNull(),
    requestId: text("request_id"),
  },
  (t) => [
    index("vaccinations_pet_vaccine_idx").on(t.petId, t.vaccineKey, t.administeredAt),
    uniqueIndex("vaccinations_pet_request_uq").on(t.petId, t.requestId),
  ],
);

/**
 * Reminder stages of vaccinations (added by the reminders migration; the
 * tables above are untouched). One row per (vaccination, stage); the scanner
 * claims a row by setting claimed_by/lease_until, so exactly one replica
 * sends it, and a lease that expires lets another take over from a dead one.
 */
export const reminders = sqliteTable(
  "reminders",
  {
    id: text("id").primaryKey(),
    vaccinationId: text("vaccination_id").notNull(),
    petId: text("pet_id").notNull(),
    vaccine: text("vaccine").notNull(),
    /** upcoming | due | overdue */
    stage: text("stage").notNull(),
    dueAt: integer("due_at").notNull(),
    sendAt: integer("send_at").notNull(),
    /** pending | sent | cancelled | skipped */
    status: text("status").notNull(),
    claimedBy: text("claimed_by"),
    leaseUntil: integer("lease_until"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    sentAt: integer("sent_at"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("reminders_vaccination_stage_uq").on(t.vaccinationId, t.stage),
    index("reminders_status_send_idx").on(t.status, t.sendAt),
    index("reminders_pet_idx").on(t.petId),
  ],
);

/**
 * Tombstones of erased pets (added by its own migration). ErasePets writes
 * one in the same transaction as its deletes; the insert transactions of
 * appointments and vaccinations check it, so a write that passed the owner
 * lookup just before the erase cannot commit an orphan after it.
 */
export const erasedPets = sqliteTable("erased_pets", {
  petId: text("pet_id").primaryKey(),
  /** The removal saga that erased the pet first. */
  sagaId: text("saga_id").notNull(),
  erasedAt: integer("erased_at").notNull(),
});

/** The clinic's vets (added by the scheduling migration): who can be booked. */
export const vets = sqliteTable("vets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Weekly working hours: spans of a weekday (ISO 1..7) in minutes after local
 * midnight of the clinic's zone; replaced as a whole by SetWorkingHours.
 */
export const vetHours = sqliteTable(
  "vet_hours",
  {
    vetId: text("vet_id").notNull(),
    weekday: integer("weekday").notNull(),
    startMinute: integer("start_minute").notNull(),
    endMinute: integer("end_minute").notNull(),
  },
  (t) => [uniqueIndex("vet_hours_uq").on(t.vetId, t.weekday, t.startMinute)],
);

/** Leave of a vet, or (vet_id null) a clinic holiday: [starts_at, ends_at) cannot be booked. */
export const scheduleExceptions = sqliteTable(
  "schedule_exceptions",
  {
    id: text("id").primaryKey(),
    vetId: text("vet_id"),
    startsAt: integer("starts_at").notNull(),
    endsAt: integer("ends_at").notNull(),
    reason: text("reason").notNull().default(""),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("schedule_exceptions_starts_idx").on(t.startsAt)],
);
