import type { Database } from "bun:sqlite";
import { applySqliteMigrations, isSqliteUniqueViolation, openSqliteFile } from "@vetmesh/kit/db";
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { drizzle, type SQLiteBunDatabase } from "drizzle-orm/bun-sqlite";
import { cancelTransition, endTransition } from "../domain/appointment-transitions.ts";
import { bookingOutcome, bookingSteps, raceWinnerKey, runSteps } from "../domain/booking.ts";
import { planClaims } from "../domain/reminder-stages.ts";
import * as reminderStep from "../domain/reminder-transitions.ts";
import { isCurrent, supersession } from "../domain/vaccination-supersession.ts";
import { chunks } from "./chunks.ts";
import * as cond from "./conditions.ts";
import { MIGRATIONS } from "./migrations.ts";
import * as reminderWhere from "./reminder-claims.ts";
import {
  type AppointmentRow,
  type EraseCounts,
  petErased,
  type ReminderRow,
  type RepositoryFaults,
  type VeterinaryRepository,
} from "./repository.ts";
import { asAppointment, asReminder } from "./rows.ts";
import { appointments, consultationRecords, erasedPets, reminders, vaccinations } from "./schema-sqlite.ts";
import { createSqliteAppointmentReminders } from "./sqlite-appointment-reminders.ts";
import { createSqliteSchedule } from "./sqlite-schedule.ts";

/**
 * The claim's candidate scan: due pending reminders with their vaccination's
 * supersession, fewest attempts first. Most pending rows lie in the future,
 * so the search is on reminders_status_send_idx (status, send_at) and only the
 * due rows are sorted by attempts.
 */
export function claimCandidatesQuery(db: Pick<SQLiteBunDatabase, "select">, now: number, limit: number) {
  return db
    .select({ reminder: reminders, supersededBy: vaccinations.supersededBy, vaccinationId: vaccinations.id })
    .from(reminders)
    .leftJoin(vaccinations, eq(vaccinations.id, reminders.vaccinationId))
    .where(reminderWhere.claimCandidatesWhere(reminders, now))
    .orderBy(asc(reminders.attempts), asc(reminders.sendAt))
    .limit(limit * 4);
}

/**
 * The SQLite repository (bun:sqlite through drizzle). Transactions are
 * synchronous and BEGIN IMMEDIATE, so a check-then-insert holds the file's
 * write lock from the check on: two instances sharing one file cannot both
 * pass the overlap check.
 */
export function createSqliteRepository(options: {
  path: string;
  faults?: RepositoryFaults;
}): VeterinaryRepository & { sqlite: Database } {
  const sqlite = openSqliteFile(options.path);
  applySqliteMigrations(sqlite, MIGRATIONS.sqlite);
  const db = drizzle({ client: sqlite });
  const immediate = { behavior: "immediate" } as const;
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
  /** Inside an insert's transaction: a tombstoned pet gets nothing written (the throw rolls back). */
  const refuseErased = (tx: Tx, petId: string) => {
    const found = tx
      .select({ petId: erasedPets.petId })
      .from(erasedPets)
      .where(eq(erasedPets.petId, petId))
      .get();
    if (found) throw petErased(petId);
  };

  /** The appointment as it is inside the transaction (read after the write lock is held). */
  const appointmentById = (tx: Pick<Tx, "select">, id: string) => {
    const row = tx.select().from(appointments).where(eq(appointments.id, id)).get();
    return row ? asAppointment(row) : undefined;
  };

  return {
    sqlite,
    ...createSqliteSchedule(db),
    ...createSqliteAppointmentReminders(db),
    async insertAppointment(row, vetCandidates = [], requestId = null) {
      return db.transaction((tx) => {
        refuseErased(tx, row.petId);
        // BEGIN IMMEDIATE holds the write lock from here: a racing repeat or booking waits, then sees this one.
        const decision = runSteps(bookingSteps<AppointmentRow>(row.petId, vetCandidates, requestId), (q) => {
          const where =
            q.ask === "repeat"
              ? and(eq(appointments.petId, row.petId), eq(appointments.requestId, q.requestId))
              : cond.overlapWhere(appointments, q.who, row);
          const found = tx.select().from(appointments).where(where).limit(1).get();
          return found ? asAppointment(found) : undefined;
        });
        if (decision.kind === "create") {
          const vet = decision.vetId === undefined ? {} : { vetId: decision.vetId };
          tx.insert(appointments)
            .values({ ...row, ...vet, requestId })
            .run();
        }
        return bookingOutcome(decision);
      }, immediate);
    },
    async getAppointment(id) {
      return appointmentById(db, id);
    },
    async endAppointment(input) {
      return db.transaction((tx) => {
        const { outcome, write } = endTransition(appointmentById(tx, input.appointmentId), input);
        if (write) {
          tx.update(appointments)
            .set(write.change)
            .where(and(eq(appointments.id, input.appointmentId), eq(appointments.status, "scheduled")))
            .run();
          options.faults?.afterAppointmentEnded?.();
          tx.insert(consultationRecords).values(write.record).run();
        }
        return outcome;
      }, immediate);
    },
    async cancelAppointment(id, at) {
      return db.transaction((tx) => {
        const { outcome, write } = cancelTransition(appointmentById(tx, id), at);
        if (write) tx.update(appointments).set(write.change).where(eq(appointments.id, id)).run();
        return outcome;
      }, immediate);
    },
    async listAppointments(petId, range) {
      const rows = db
        .select()
        .from(appointments)
        .where(cond.petRangeWhere(appointments, petId, range))
        .orderBy(asc(appointments.startsAt), asc(appointments.id))
        .all();
      return rows.map(asAppointment);
    },
    async listClinicAppointments(range) {
      const rows = db
        .select()
        .from(appointments)
        .where(cond.clinicRangeWhere(appointments, range))
        .orderBy(asc(appointments.startsAt), asc(appointments.id))
        .all();
      return rows.map(asAppointment);
    },
    async listRecords(petId, limit, after) {
      const r = consultationRecords;
      return db
        .select()
        .from(r)
        .where(cond.recordsAfterWhere(r, petId, after))
        .orderBy(desc(r.recordedAt), desc(r.id))
        .limit(limit)
        .all();
    },
    async recordVaccination(row, planned = []) {
      const v = vaccinations;
      /** The pet's vaccination recorded with this row's request_id, if any. */
      const earlier = (tx: Pick<Tx, "select">) =>
        row.requestId === null
          ? undefined
          : tx
              .select()
              .from(v)
              .where(and(eq(v.petId, row.petId), eq(v.requestId, row.requestId)))
              .get();
      try {
        return db.transaction((tx) => {
          refuseErased(tx, row.petId);
          const first = earlier(tx);
          if (first) return first;
          const newest = tx
            .select()
            .from(v)
            .where(cond.currentVaccinationWhere(v, row.petId, row.vaccineKey))
            .orderBy(desc(v.administeredAt), desc(v.recordedAt))
            .limit(1)
            .get();
          const stored = supersession(newest, row);
          if (isCurrent(stored)) {
            tx.update(v)
              .set({ supersededBy: row.id })
              .where(cond.currentVaccinationWhere(v, row.petId, row.vaccineKey))
              .run();
          }
          tx.insert(v).values(stored).run();
          if (isCurrent(stored) && planned.length > 0)
            tx.insert(reminders)
              .values([...planned])
              .run();
          const superseded = tx
            .select({ id: v.id })
            .from(v)
            .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNotNull(v.supersededBy)));
          tx.update(reminders)
            .set(reminderStep.SUPERSEDED)
            .where(and(eq(reminders.status, "pending"), inArray(reminders.vaccinationId, superseded)))
            .run();
          return stored;
        }, immediate);
      } catch (error) {
        // BEGIN IMMEDIATE serialises writers, so this is only a safety net: a lost race answers the winner.
        const winner =
          raceWinnerKey(row.requestId, isSqliteUniqueViolation(error)) === undefined
            ? undefined
            : earlier(db);
        if (winner) return winner;
        throw error;
      }
    },
    async listVaccinations(petId) {
      const v = vaccinations;
      return db
        .select()
        .from(v)
        .where(eq(v.petId, petId))
        .orderBy(desc(v.administeredAt), desc(v.recordedAt), asc(v.id)) // id: ties in a stable order
        .all();
    },
    async erasePets(petIds, tombstone) {
      return db.transaction((tx) => {
        const counts: EraseCounts = { appointments: 0, records: 0, vaccinations: 0, reminders: 0 };
        for (const chunk of chunks([...new Set(petIds)])) {
          tx.insert(erasedPets)
            .values(chunk.map((petId) => ({ petId, ...tombstone })))
            .onConflictDoNothing()
            .run();
          counts.records += tx
            .delete(consultationRecords)
            .where(inArray(consultationRecords.petId, chunk))
            .run().changes;
          counts.appointments += tx
            .delete(appointments)
            .where(inArray(appointments.petId, chunk))
            .run().changes;
          counts.vaccinations += tx
            .delete(vaccinations)
            .where(inArray(vaccinations.petId, chunk))
            .run().changes;
          counts.reminders += tx.delete(reminders).where(inArray(reminders.petId, chunk)).run().changes;
        }
        return counts;
      }, immediate);
    },
    async getErasedPet(petId) {
      return db
        .select({ sagaId: erasedPets.sagaId, erasedAt: erasedPets.erasedAt })
        .from(erasedPets)
        .where(eq(erasedPets.petId, petId))
        .get();
    },
    async claimDueReminders({ now, owner, leaseMs, limit }) {
      return db.transaction((tx) => {
        const rows = claimCandidatesQuery(tx, now, limit).all();
        const candidates = rows.map((r) =>
          reminderStep.claimCandidate(asReminder(r.reminder), {
            id: r.vaccinationId,
            supersededBy: r.supersededBy,
          }),
        );
        const plan = planClaims(candidates, now, limit);
        for (const row of plan.cancel) {
          tx.update(reminders).set(reminderStep.SUPERSEDED).where(eq(reminders.id, row.id)).run();
        }
        for (const row of plan.skip) {
          tx.update(reminders)
            .set(reminderStep.SKIPPED)
            .where(reminderWhere.pendingWhere(reminders, row.id))
            .run();
        }
        const claimed: ReminderRow[] = [];
        const leaseUntil = now + leaseMs;
        for (const row of plan.claim) {
          const { changes } = tx
            .update(reminders)
            .set(reminderStep.leased(row, owner, leaseUntil))
            .where(reminderWhere.claimWhere(reminders, row.id, now))
            .run();
          if (changes === 1) {
            tx.update(reminders)
              .set(reminderStep.SKIPPED)
              .where(reminderWhere.earlierStages(reminders, row))
              .run();
            claimed.push(reminderStep.claimedReminder(row, owner, leaseUntil));
          }
        }
        return claimed;
      }, immediate);
    },
    async markReminderSent(id, owner, at) {
      const { changes } = db
        .update(reminders)
        .set(reminderStep.sent(at))
        .where(reminderWhere.heldWhere(reminders, id, owner))
        .run();
      return changes === 1;
    },
    async releaseReminder(id, owner, retryAt, error) {
      db.update(reminders)
        .set(reminderStep.released(retryAt, error))
        .where(reminderWhere.heldWhere(reminders, id, owner))
        .run();
    },
    async cancelReminder(id, reason) {
      db.update(reminders)
        .set(reminderStep.cancelled(reason))
        .where(reminderWhere.pendingWhere(reminders, id))
        .run();
    },
    async deadLetterReminder(id, owner, error) {
      db.update(reminders)
        .set(reminderStep.deadLettered(error))
        .where(reminderWhere.heldWhere(reminders, id, owner))
        .run();
    },
    async dueReminderBacklog(now) {
      const row = db
        .select({ count: sql<number>`count(*)`, oldest: sql<number | null>`min(${reminders.sendAt})` })
        .from(reminders)
        .where(reminderWhere.duePendingWhere(reminders, now))
        .get();
      return { count: Number(row?.count ?? 0), oldestSendAt: row?.oldest ?? null };
    },
    async listPendingReminders(petId) {
      const rows = db
        .select({ reminder: reminders })
        .from(reminders)
        .innerJoin(vaccinations, eq(vaccinations.id, reminders.vaccinationId))
        .where(
          and(eq(reminders.petId, petId), eq(reminders.status, "pending"), isNull(vaccinations.supersededBy)),
        )
        .orderBy(asc(reminders.sendAt), asc(reminders.id))
        .all();
      return rows.map((r) => asReminder(r.reminder));
    },
    async listSentReminders(petId) {
      const rows = db
        .select()
        .from(reminders)
        .where(and(eq(reminders.petId, petId), eq(reminders.status, "sent")))
        .orderBy(desc(reminders.sentAt), asc(reminders.id))
        .all();
      return rows.map(asReminder);
    },
    async health() {
      try {
        sqlite.query("SELECT 1").get();
        return null;
      } catch {
        return "database unreachable";
      }
    },
    async close() {
      sqlite.close();
    },
  };
}
