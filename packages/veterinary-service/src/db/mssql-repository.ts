import { isMssqlUniqueViolation, mssqlPoolConfig } from "@vetmesh/kit/db";
import { applyMssqlMigrations } from "@vetmesh/kit/db/mssql";
import { and, asc, desc, eq, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { MsSqlDialect, type MsSqlTable } from "drizzle-orm/mssql-core";
import { drizzle, type NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { cancelTransition, endTransition } from "../domain/appointment-transitions.ts";
import { bookingOutcome, bookingSteps, raceWinnerKey, runStepsAsync } from "../domain/booking.ts";
import { planClaims } from "../domain/reminder-stages.ts";
import * as reminderStep from "../domain/reminder-transitions.ts";
import { isCurrent, supersession } from "../domain/vaccination-supersession.ts";
import { chunks } from "./chunks.ts";
import * as cond from "./conditions.ts";
import { MIGRATIONS } from "./migrations.ts";
import { createMssqlAppointmentReminders } from "./mssql-appointment-reminders.ts";
import { createMssqlSchedule } from "./mssql-schedule.ts";
import { erasedPetQuery, insertTombstonesQuery, refuseErased } from "./mssql-tombstones.ts";
import * as reminderWhere from "./reminder-claims.ts";
import type {
  EraseCounts,
  InsertAppointmentOutcome,
  ReminderRow,
  RepositoryFaults,
  VeterinaryRepository,
} from "./repository.ts";
import { asAppointment, asReminder } from "./rows.ts";
import { appointments, consultationRecords, reminders, vaccinations } from "./schema-mssql.ts";

type Db = Pick<NodeMsSqlDatabase, "select" | "execute">;

/**
 * `SELECT id ... WITH (UPDLOCK, HOLDLOCK)`: within a transaction it takes an
 * update lock on the matching key range, so two concurrent check-then-insert
 * transactions serialize on the range instead of both passing the check (or
 * deadlocking, as plain SERIALIZABLE shared locks would).
 */
export function lockedIdsQuery(table: MsSqlTable, where: SQL | undefined, top = 1): SQL {
  return sql`select top(${sql.raw(String(top))}) [id] from ${table} with (updlock, holdlock) where ${where}`;
}

/**
 * The pet's vaccination recorded under a client's idempotency key; the
 * explicit IS NOT NULL lets SQL Server match the filtered unique index.
 */
export function vaccinationRequestWhere(petId: string, requestId: string): SQL | undefined {
  return and(
    eq(vaccinations.petId, petId),
    isNotNull(vaccinations.requestId),
    eq(vaccinations.requestId, requestId),
  );
}

/** The pet's appointment made under a client's idempotency key (IS NOT NULL: the filtered unique index). */
export function appointmentRequestWhere(petId: string, requestId: string): SQL | undefined {
  return and(
    eq(appointments.petId, petId),
    isNotNull(appointments.requestId),
    eq(appointments.requestId, requestId),
  );
}

/** A page of a pet's records, newest first, after a cursor. */
export function recordsPageQuery(
  db: Db,
  petId: string,
  limit: number,
  after?: { recordedAt: number; id: string },
) {
  const r = consultationRecords;
  return db
    .select()
    .top(limit)
    .from(r)
    .where(cond.recordsAfterWhere(r, petId, after))
    .orderBy(desc(r.recordedAt), desc(r.id));
}

/** Renders a raw statement to SQL text + params, for tests of the T-SQL we send. */
export function renderMssql(query: SQL): { sql: string; params: unknown[] } {
  return new MsSqlDialect().sqlToQuery(query);
}

async function lockedIds(
  tx: Pick<Db, "execute">,
  table: MsSqlTable,
  where: SQL | undefined,
): Promise<string[]> {
  const result = (await tx.execute(lockedIdsQuery(table, where))) as unknown as {
    recordset?: { id: string }[];
  };
  return (result.recordset ?? []).map((row) => row.id);
}

/** The SQL Server repository (mssql/tedious through drizzle); same contract as SQLite. */
export async function createMssqlRepository(options: {
  url: string;
  faults?: RepositoryFaults;
}): Promise<VeterinaryRepository> {
  const pool = await new mssql.ConnectionPool(mssqlPoolConfig(options.url)).connect();
  const db = drizzle({ client: pool });
  await applyMssqlMigrations(pool, MIGRATIONS.mssql, "vetmesh.veterinary.migrate");

  return {
    ...createMssqlSchedule(db),
    ...createMssqlAppointmentReminders(db),
    async insertAppointment(row, vetCandidates = [], requestId = null) {
      const insert = () =>
        db.transaction(async (tx): Promise<InsertAppointmentOutcome> => {
          await refuseErased(tx, row.petId);
          // Each question runs under UPDLOCK, HOLDLOCK: the (pet_id, request_id) key for a repeat, the pet's
          // and then each vet's key range for an overlap, held until commit, so a racing repeat or booking
          // of the same pet or vet waits and then sees this one.
          const decision = await runStepsAsync(
            bookingSteps<string>(row.petId, vetCandidates, requestId),
            (q) =>
              lockedIds(
                tx,
                appointments,
                q.ask === "repeat"
                  ? appointmentRequestWhere(row.petId, q.requestId)
                  : cond.overlapWhere(appointments, q.who, row),
              ).then(([id]) => id),
          );
          if (decision.kind === "create") {
            const vet = decision.vetId === undefined ? {} : { vetId: decision.vetId };
            await tx.insert(appointments).values({ ...row, ...vet, requestId });
            return bookingOutcome(decision);
          }
          const [found] = await tx.select().from(appointments).where(eq(appointments.id, decision.found));
          return bookingOutcome({ ...decision, found: asAppointment(found!) });
        });
      try {
        return await insert();
      } catch (error) {
        // A repeat that slipped past the lock: the unique index refused it; answer the winner.
        const key = raceWinnerKey(requestId, isMssqlUniqueViolation(error));
        if (key === undefined) throw error;
        const [winner] = await db.select().from(appointments).where(appointmentRequestWhere(row.petId, key));
        if (winner) return { kind: "repeat", appointment: asAppointment(winner) };
        throw error;
      }
    },
    async getAppointment(id) {
      const [row] = await db.select().from(appointments).where(eq(appointments.id, id));
      return row ? asAppointment(row) : undefined;
    },
    async endAppointment(input) {
      return db.transaction(async (tx) => {
        await lockedIds(tx, appointments, eq(appointments.id, input.appointmentId));
        const [found] = await tx.select().from(appointments).where(eq(appointments.id, input.appointmentId));
        const { outcome, write } = endTransition(found && asAppointment(found), input);
        if (write) {
          await tx.update(appointments).set(write.change).where(eq(appointments.id, input.appointmentId));
          options.faults?.afterAppointmentEnded?.();
          await tx.insert(consultationRecords).values(write.record);
        }
        return outcome;
      });
    },
    async cancelAppointment(id, at) {
      return db.transaction(async (tx) => {
        await lockedIds(tx, appointments, eq(appointments.id, id));
        const [found] = await tx.select().from(appointments).where(eq(appointments.id, id));
        const { outcome, write } = cancelTransition(found && asAppointment(found), at);
        if (write) await tx.update(appointments).set(write.change).where(eq(appointments.id, id));
        return outcome;
      });
    },
    async listAppointments(petId, range) {
      const rows = await db
        .select()
        .from(appointments)
        .where(cond.petRangeWhere(appointments, petId, range))
        .orderBy(asc(appointments.startsAt), asc(appointments.id));
      return rows.map(asAppointment);
    },
    async listClinicAppointments(range) {
      const rows = await db
        .select()
        .from(appointments)
        .where(cond.clinicRangeWhere(appointments, range))
        .orderBy(asc(appointments.startsAt), asc(appointments.id));
      return rows.map(asAppointment);
    },
    async listRecords(petId, limit, after) {
      return recordsPageQuery(db, petId, limit, after);
    },
    async recordVaccination(row, planned = []) {
      const v = vaccinations;
      try {
        return await db.transaction(async (tx) => {
          await refuseErased(tx, row.petId);
          if (row.requestId !== null) {
            // UPDLOCK, HOLDLOCK on the (pet_id, request_id) key: a concurrent repeat waits, then sees the first row.
            const [id] = await lockedIds(tx, v, vaccinationRequestWhere(row.petId, row.requestId));
            const [first] = id ? await tx.select().from(v).where(eq(v.id, id)) : [];
            if (first) return first;
          }
          await lockedIds(tx, v, and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey)));
          const [newest] = await tx
            .select()
            .top(1)
            .from(v)
            .where(cond.currentVaccinationWhere(v, row.petId, row.vaccineKey))
            .orderBy(desc(v.administeredAt), desc(v.recordedAt));
          const stored = supersession(newest, row);
          if (isCurrent(stored)) {
            await tx
              .update(v)
              .set({ supersededBy: row.id })
              .where(cond.currentVaccinationWhere(v, row.petId, row.vaccineKey));
          }
          await tx.insert(v).values(stored);
          if (isCurrent(stored) && planned.length > 0) await tx.insert(reminders).values([...planned]);
          const superseded = tx
            .select({ id: v.id })
            .from(v)
            .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNotNull(v.supersededBy)));
          await tx
            .update(reminders)
            .set(reminderStep.SUPERSEDED)
            .where(and(eq(reminders.status, "pending"), inArray(reminders.vaccinationId, superseded)));
          return stored;
        });
      } catch (error) {
        // A repeat that slipped past the lock (e.g. the filtered index not used): answer the winner.
        const key = raceWinnerKey(row.requestId, isMssqlUniqueViolation(error));
        if (key === undefined) throw error;
        const [winner] = await db.select().from(v).where(vaccinationRequestWhere(row.petId, key));
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
        .orderBy(desc(v.administeredAt), desc(v.recordedAt), asc(v.id)); // id: ties in a stable order
    },
    async erasePets(petIds, tombstone) {
      return db.transaction(async (tx) => {
        const counts: EraseCounts = { appointments: 0, records: 0, vaccinations: 0, reminders: 0 };
        for (const chunk of chunks([...new Set(petIds)])) {
          await tx.execute(insertTombstonesQuery(chunk, tombstone));
          const records = await tx
            .delete(consultationRecords)
            .where(inArray(consultationRecords.petId, chunk));
          const appts = await tx.delete(appointments).where(inArray(appointments.petId, chunk));
          const vaccs = await tx.delete(vaccinations).where(inArray(vaccinations.petId, chunk));
          const rems = await tx.delete(reminders).where(inArray(reminders.petId, chunk));
          counts.reminders += rems.rowsAffected[0] ?? 0;
          counts.records += records.rowsAffected[0] ?? 0;
          counts.appointments += appts.rowsAffected[0] ?? 0;
          counts.vaccinations += vaccs.rowsAffected[0] ?? 0;
        }
        return counts;
      });
    },
    async getErasedPet(petId) {
      const [row] = await erasedPetQuery(db, petId);
      return row;
    },
    async claimDueReminders({ now, owner, leaseMs, limit }) {
      return db.transaction(async (tx) => {
        const rows = await tx
          .select({
            reminder: reminders,
            supersededBy: vaccinations.supersededBy,
            vaccinationId: vaccinations.id,
          })
          .top(limit * 4)
          .from(reminders)
          .leftJoin(vaccinations, eq(vaccinations.id, reminders.vaccinationId))
          .where(reminderWhere.claimCandidatesWhere(reminders, now))
          .orderBy(asc(reminders.attempts), asc(reminders.sendAt));
        const candidates = rows.map((r) =>
          reminderStep.claimCandidate(asReminder(r.reminder), {
            id: r.vaccinationId,
            supersededBy: r.supersededBy,
          }),
        );
        const plan = planClaims(candidates, now, limit);
        for (const row of plan.cancel) {
          await tx.update(reminders).set(reminderStep.SUPERSEDED).where(eq(reminders.id, row.id));
        }
        for (const row of plan.skip) {
          await tx
            .update(reminders)
            .set(reminderStep.SKIPPED)
            .where(reminderWhere.pendingWhere(reminders, row.id));
        }
        const claimed: ReminderRow[] = [];
        const leaseUntil = now + leaseMs;
        for (const row of plan.claim) {
          const result = await tx
            .update(reminders)
            .set(reminderStep.leased(row, owner, leaseUntil))
            .where(reminderWhere.claimWhere(reminders, row.id, now));
          if ((result.rowsAffected[0] ?? 0) === 1) {
            await tx
              .update(reminders)
              .set(reminderStep.SKIPPED)
              .where(reminderWhere.earlierStages(reminders, row));
            claimed.push(reminderStep.claimedReminder(row, owner, leaseUntil));
          }
        }
        return claimed;
      });
    },
    async markReminderSent(id, owner, at) {
      const result = await db
        .update(reminders)
        .set(reminderStep.sent(at))
        .where(reminderWhere.heldWhere(reminders, id, owner));
      return (result.rowsAffected[0] ?? 0) === 1;
    },
    async releaseReminder(id, owner, retryAt, error) {
      await db
        .update(reminders)
        .set(reminderStep.released(retryAt, error))
        .where(reminderWhere.heldWhere(reminders, id, owner));
    },
    async cancelReminder(id, reason) {
      await db
        .update(reminders)
        .set(reminderStep.cancelled(reason))
        .where(reminderWhere.pendingWhere(reminders, id));
    },
    async deadLetterReminder(id, owner, error) {
      await db
        .update(reminders)
        .set(reminderStep.deadLettered(error))
        .where(reminderWhere.heldWhere(reminders, id, owner));
    },
    async dueReminderBacklog(now) {
      const [row] = await db
        .select({ count: sql<number>`count(*)`, oldest: sql<number | null>`min(${reminders.sendAt})` })
        .from(reminders)
        .where(reminderWhere.duePendingWhere(reminders, now));
      return {
        count: Number(row?.count ?? 0),
        oldestSendAt: row?.oldest === null || row?.oldest === undefined ? null : Number(row.oldest),
      };
    },
    async listPendingReminders(petId) {
      const rows = await db
        .select({ reminder: reminders })
        .from(reminders)
        .innerJoin(vaccinations, eq(vaccinations.id, reminders.vaccinationId))
        .where(
          and(eq(reminders.petId, petId), eq(reminders.status, "pending"), isNull(vaccinations.supersededBy)),
        )
        .orderBy(asc(reminders.sendAt), asc(reminders.id));
      return rows.map((r) => asReminder(r.reminder));
    },
    async listSentReminders(petId) {
      const rows = await db
        .select()
        .from(reminders)
        .where(and(eq(reminders.petId, petId), eq(reminders.status, "sent")))
        .orderBy(desc(reminders.sentAt), asc(reminders.id));
      return rows.map(asReminder);
    },
    async health() {
      try {
        await pool.request().query("SELECT 1");
        return null;
      } catch {
        return "database unreachable";
      }
    },
    async close() {
      await pool.close();
    },
  };
}
