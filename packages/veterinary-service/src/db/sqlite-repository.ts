import type { Database } from "bun:sqlite";
import { applySqliteMigrations, isSqliteUniqueViolation, openSqliteFile } from "@vetmesh/kit/db";
import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  ne,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { type ClaimCandidate, planClaims } from "../domain/reminder-stages.ts";
import { MIGRATIONS } from "./migrations.ts";
import { earlierStages, leaseFree, SKIPPED } from "./reminder-claims.ts";
import {
  type AppointmentRow,
  type EraseCounts,
  type InsertAppointmentOutcome,
  petErased,
  type RecordRow,
  type ReminderRow,
  type RepositoryFaults,
  type VaccinationRow,
  type VeterinaryRepository,
} from "./repository.ts";
import { appointments, consultationRecords, erasedPets, reminders, vaccinations } from "./schema-sqlite.ts";
import { createSqliteAppointmentReminders } from "./sqlite-appointment-reminders.ts";
import { createSqliteSchedule } from "./sqlite-schedule.ts";

/** SQL Server caps parameters at 2100; SQLite at 32766. Erase in chunks either way. */
export const ERASE_CHUNK = 500;

/** Splits ids into chunks small enough for one IN (...) list. */
export function chunks<T>(items: readonly T[], size = ERASE_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The clinic-wide list's filter: start within [from, to), optionally one vet's. */
function clinicRangeWhere(range: { from: number; to: number; vetId?: string }): SQL | undefined {
  const conditions: SQL[] = [gte(appointments.startsAt, range.from), lt(appointments.startsAt, range.to)];
  if (range.vetId !== undefined) conditions.push(eq(appointments.vetId, range.vetId));
  return and(...conditions);
}

function asReminder(row: typeof reminders.$inferSelect): ReminderRow {
  return { ...row, stage: row.stage as ReminderRow["stage"], status: row.status as ReminderRow["status"] };
}

/** A stored appointment as the service sees it (the idempotency key stays in storage). */
function asAppointment(row: typeof appointments.$inferSelect): AppointmentRow {
  const {
    requestId: _key,
    reminderSentAt: _sent,
    reminderClaimedBy: _by,
    reminderLeaseUntil: _lease,
    ...rest
  } = row;
  return { ...rest, status: rest.status as AppointmentRow["status"] };
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

  /** A non-cancelled appointment overlapping [startsAt, endsAt) that matches `who` (a pet or a vet). */
  const overlapping = (tx: Tx, who: SQL | undefined, row: AppointmentRow) =>
    tx
      .select()
      .from(appointments)
      .where(
        and(
          who,
          ne(appointments.status, "cancelled"),
          lt(appointments.startsAt, row.endsAt),
          gt(appointments.endsAt, row.startsAt),
        ),
      )
      .limit(1)
      .get();

  return {
    sqlite,
    ...createSqliteSchedule(db),
    ...createSqliteAppointmentReminders(db),
    async insertAppointment(row, vetCandidates = [], requestId = null) {
      return db.transaction((tx): InsertAppointmentOutcome => {
        refuseErased(tx, row.petId);
        if (requestId !== null) {
          // BEGIN IMMEDIATE holds the write lock: a racing repeat waits here and then finds this one.
          const first = tx
            .select()
            .from(appointments)
            .where(and(eq(appointments.petId, row.petId), eq(appointments.requestId, requestId)))
            .get();
          if (first) return { kind: "repeat", appointment: asAppointment(first) };
        }
        const existing = overlapping(tx, eq(appointments.petId, row.petId), row);
        if (existing) return { kind: "overlap", existing: asAppointment(existing) };
        if (vetCandidates.length === 0) {
          tx.insert(appointments)
            .values({ ...row, requestId })
            .run();
          return { kind: "created" };
        }
        let busy: AppointmentRow | undefined;
        for (const vetId of vetCandidates) {
          const clash = overlapping(tx, eq(appointments.vetId, vetId), row);
          if (!clash) {
            tx.insert(appointments)
              .values({ ...row, vetId, requestId })
              .run();
            return { kind: "created", vetId };
          }
          busy ??= asAppointment(clash);
        }
        return { kind: "vet_busy", existing: busy };
      }, immediate);
    },
    async getAppointment(id) {
      const row = db.select().from(appointments).where(eq(appointments.id, id)).get();
      return row ? asAppointment(row) : undefined;
    },
    async endAppointment(input) {
      return db.transaction((tx) => {
        const found = tx.select().from(appointments).where(eq(appointments.id, input.appointmentId)).get();
        if (!found) return { kind: "not_found" } as const;
        if (found.status !== "scheduled")
          return { kind: "not_scheduled", appointment: asAppointment(found) } as const;
        tx.update(appointments)
          .set({ status: "ended", endedAt: input.endedAt })
          .where(and(eq(appointments.id, input.appointmentId), eq(appointments.status, "scheduled")))
          .run();
        options.faults?.afterAppointmentEnded?.();
        const record: RecordRow = {
          id: input.recordId,
          petId: found.petId,
          appointmentId: found.id,
          details: input.details,
          recordedAt: input.endedAt,
          endedBy: input.endedBy,
        };
        tx.insert(consultationRecords).values(record).run();
        const appointment = asAppointment({ ...found, status: "ended", endedAt: input.endedAt });
        return { kind: "done", appointment, record } as const;
      }, immediate);
    },
    async cancelAppointment(id, at) {
      return db.transaction((tx) => {
        const found = tx.select().from(appointments).where(eq(appointments.id, id)).get();
        if (!found) return { kind: "not_found" } as const;
        if (found.status !== "scheduled")
          return { kind: "not_scheduled", appointment: asAppointment(found) } as const;
        tx.update(appointments)
          .set({ status: "cancelled", cancelledAt: at })
          .where(eq(appointments.id, id))
          .run();
        return {
          kind: "done",
          appointment: asAppointment({ ...found, status: "cancelled", cancelledAt: at }),
        } as const;
      }, immediate);
    },
    async listAppointments(petId, range) {
      const conditions: SQL[] = [eq(appointments.petId, petId)];
      if (range.from !== undefined) conditions.push(gte(appointments.startsAt, range.from));
      if (range.to !== undefined) conditions.push(lt(appointments.startsAt, range.to));
      const rows = db
        .select()
        .from(appointments)
        .where(and(...conditions))
        .orderBy(asc(appointments.startsAt), asc(appointments.id))
        .all();
      return rows.map(asAppointment);
    },
    async listClinicAppointments(range) {
      const rows = db
        .select()
        .from(appointments)
        .where(clinicRangeWhere(range))
        .orderBy(asc(appointments.startsAt), asc(appointments.id))
        .all();
      return rows.map(asAppointment);
    },
    async listRecords(petId, limit, after) {
      const r = consultationRecords;
      const where = after
        ? and(
            eq(r.petId, petId),
            or(
              lt(r.recordedAt, after.recordedAt),
              and(eq(r.recordedAt, after.recordedAt), lt(r.id, after.id)),
            ),
          )
        : eq(r.petId, petId);
      return db.select().from(r).where(where).orderBy(desc(r.recordedAt), desc(r.id)).limit(limit).all();
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
            .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNull(v.supersededBy)))
            .orderBy(desc(v.administeredAt), desc(v.recordedAt))
            .limit(1)
            .get();
          const stored: VaccinationRow =
            newest && newest.administeredAt > row.administeredAt ? { ...row, supersededBy: newest.id } : row;
          if (!stored.supersededBy) {
            tx.update(v)
              .set({ supersededBy: row.id })
              .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNull(v.supersededBy)))
              .run();
          }
          tx.insert(v).values(stored).run();
          if (!stored.supersededBy && planned.length > 0)
            tx.insert(reminders)
              .values([...planned])
              .run();
          const superseded = tx
            .select({ id: v.id })
            .from(v)
            .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNotNull(v.supersededBy)));
          tx.update(reminders)
            .set({ status: "cancelled", lastError: "superseded" })
            .where(and(eq(reminders.status, "pending"), inArray(reminders.vaccinationId, superseded)))
            .run();
          return stored;
        }, immediate);
      } catch (error) {
        // BEGIN IMMEDIATE serialises writers, so this is only a safety net: a lost race answers the winner.
        const winner = isSqliteUniqueViolation(error) ? earlier(db) : undefined;
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
        const rows = tx
          .select({
            reminder: reminders,
            supersededBy: vaccinations.supersededBy,
            vaccinationId: vaccinations.id,
          })
          .from(reminders)
          .leftJoin(vaccinations, eq(vaccinations.id, reminders.vaccinationId))
          .where(and(eq(reminders.status, "pending"), lte(reminders.sendAt, now), leaseFree(reminders, now)))
          .orderBy(asc(reminders.attempts), asc(reminders.sendAt))
          .limit(limit * 4)
          .all();
        const candidates: ClaimCandidate[] = rows.map((r) => ({
          ...asReminder(r.reminder),
          superseded: r.vaccinationId === null || r.supersededBy !== null,
        }));
        const plan = planClaims(candidates, now, limit);
        for (const row of plan.cancel) {
          tx.update(reminders)
            .set({ status: "cancelled", lastError: "superseded" })
            .where(eq(reminders.id, row.id))
            .run();
        }
        for (const row of plan.skip) {
          tx.update(reminders)
            .set({ status: "skipped", lastError: "a later stage was due" })
            .where(and(eq(reminders.id, row.id), eq(reminders.status, "pending")))
            .run();
        }
        const claimed: ReminderRow[] = [];
        const leaseUntil = now + leaseMs;
        for (const row of plan.claim) {
          const { changes } = tx
            .update(reminders)
            .set({ claimedBy: owner, leaseUntil, attempts: row.attempts + 1 })
            .where(
              and(
                eq(reminders.id, row.id),
                eq(reminders.status, "pending"),
                or(isNull(reminders.leaseUntil), lte(reminders.leaseUntil, now)),
              ),
            )
            .run();
          if (changes === 1) {
            tx.update(reminders).set(SKIPPED).where(earlierStages(reminders, row)).run();
            const { superseded: _, ...reminder } = row;
            claimed.push({ ...reminder, claimedBy: owner, leaseUntil, attempts: row.attempts + 1 });
          }
        }
        return claimed;
      }, immediate);
    },
    async markReminderSent(id, owner, at) {
      const { changes } = db
        .update(reminders)
        .set({ status: "sent", sentAt: at, leaseUntil: null, lastError: null })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")))
        .run();
      return changes === 1;
    },
    async releaseReminder(id, owner, retryAt, error) {
      db.update(reminders)
        .set({ claimedBy: null, leaseUntil: retryAt, lastError: error.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")))
        .run();
    },
    async cancelReminder(id, reason) {
      db.update(reminders)
        .set({ status: "cancelled", leaseUntil: null, lastError: reason.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.status, "pending")))
        .run();
    },
    async deadLetterReminder(id, owner, error) {
      db.update(reminders)
        .set({ status: "dead", claimedBy: null, leaseUntil: null, lastError: error.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")))
        .run();
    },
    async dueReminderBacklog(now) {
      const row = db
        .select({ count: sql<number>`count(*)`, oldest: sql<number | null>`min(${reminders.sendAt})` })
        .from(reminders)
        .where(and(eq(reminders.status, "pending"), lte(reminders.sendAt, now)))
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
