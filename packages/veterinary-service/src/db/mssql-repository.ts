import { isMssqlUniqueViolation, mssqlPoolConfig } from "@vetmesh/kit/db";
import { applyMssqlMigrations } from "@vetmesh/kit/db/mssql";
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
import { MsSqlDialect, type MsSqlTable } from "drizzle-orm/mssql-core";
import { drizzle, type NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { type ClaimCandidate, planClaims } from "../domain/reminder-stages.ts";
import { MIGRATIONS } from "./migrations.ts";
import { createMssqlAppointmentReminders } from "./mssql-appointment-reminders.ts";
import { createMssqlSchedule, vetOverlapWhere } from "./mssql-schedule.ts";
import { erasedPetQuery, insertTombstonesQuery, refuseErased } from "./mssql-tombstones.ts";
import { earlierStages, leaseFree, SKIPPED } from "./reminder-claims.ts";
import type {
  AppointmentRow,
  EraseCounts,
  InsertAppointmentOutcome,
  RecordRow,
  ReminderRow,
  RepositoryFaults,
  VaccinationRow,
  VeterinaryRepository,
} from "./repository.ts";
import { appointments, consultationRecords, reminders, vaccinations } from "./schema-mssql.ts";
import { chunks } from "./sqlite-repository.ts";

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

/** The overlap condition of MakeAppointment: same pet, not cancelled, intervals intersect. */
export function overlapWhere(row: Pick<AppointmentRow, "petId" | "startsAt" | "endsAt">): SQL | undefined {
  return and(
    eq(appointments.petId, row.petId),
    ne(appointments.status, "cancelled"),
    lt(appointments.startsAt, row.endsAt),
    gt(appointments.endsAt, row.startsAt),
  );
}

/** The clinic-wide list's filter: start within [from, to) (appointments_starts_idx), optionally one vet's. */
export function clinicRangeWhere(range: { from: number; to: number; vetId?: string }): SQL | undefined {
  const conditions: SQL[] = [gte(appointments.startsAt, range.from), lt(appointments.startsAt, range.to)];
  if (range.vetId !== undefined) conditions.push(eq(appointments.vetId, range.vetId));
  return and(...conditions);
}

/** The current (not superseded) vaccinations of a pet's vaccine. */
export function currentVaccinationWhere(petId: string, key: string): SQL | undefined {
  return and(
    eq(vaccinations.petId, petId),
    eq(vaccinations.vaccineKey, key),
    isNull(vaccinations.supersededBy),
  );
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
  const where = after
    ? and(
        eq(r.petId, petId),
        or(lt(r.recordedAt, after.recordedAt), and(eq(r.recordedAt, after.recordedAt), lt(r.id, after.id))),
      )
    : eq(r.petId, petId);
  return db.select().top(limit).from(r).where(where).orderBy(desc(r.recordedAt), desc(r.id));
}

/** Renders a raw statement to SQL text + params, for tests of the T-SQL we send. */
export function renderMssql(query: SQL): { sql: string; params: unknown[] } {
  return new MsSqlDialect().sqlToQuery(query);
}

function asReminder(row: typeof reminders.$inferSelect): ReminderRow {
  return { ...row, stage: row.stage as ReminderRow["stage"], status: row.status as ReminderRow["status"] };
}

/** The claim of one reminder: only if still pending and its lease is free (or expired). */
export function claimWhere(id: string, now: number): SQL | undefined {
  return and(eq(reminders.id, id), eq(reminders.status, "pending"), leaseFree(reminders, now));
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
          const read = async (id: string) => {
            const [existing] = await tx.select().from(appointments).where(eq(appointments.id, id));
            return asAppointment(existing!);
          };
          if (requestId !== null) {
            // UPDLOCK, HOLDLOCK on the (pet_id, request_id) key: a concurrent repeat waits, then sees the first.
            const [first] = await lockedIds(tx, appointments, appointmentRequestWhere(row.petId, requestId));
            if (first) return { kind: "repeat", appointment: await read(first) };
          }
          const [id] = await lockedIds(tx, appointments, overlapWhere(row));
          if (id) return { kind: "overlap", existing: await read(id) };
          if (vetCandidates.length === 0) {
            await tx.insert(appointments).values({ ...row, requestId });
            return { kind: "created" };
          }
          let busy: string | undefined;
          for (const vetId of vetCandidates) {
            // Locks the vet's key range until commit, so a racing booking of this vet waits and then sees ours.
            const [clash] = await lockedIds(tx, appointments, vetOverlapWhere(vetId, row));
            if (!clash) {
              await tx.insert(appointments).values({ ...row, vetId, requestId });
              return { kind: "created", vetId };
            }
            busy ??= clash;
          }
          return { kind: "vet_busy", existing: busy ? await read(busy) : undefined };
        });
      try {
        return await insert();
      } catch (error) {
        // A repeat that slipped past the lock: the unique index refused it; answer the winner.
        if (requestId === null || !isMssqlUniqueViolation(error)) throw error;
        const [winner] = await db
          .select()
          .from(appointments)
          .where(appointmentRequestWhere(row.petId, requestId));
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
        if (!found) return { kind: "not_found" } as const;
        if (found.status !== "scheduled")
          return { kind: "not_scheduled", appointment: asAppointment(found) } as const;
        await tx
          .update(appointments)
          .set({ status: "ended", endedAt: input.endedAt })
          .where(eq(appointments.id, input.appointmentId));
        options.faults?.afterAppointmentEnded?.();
        const record: RecordRow = {
          id: input.recordId,
          petId: found.petId,
          appointmentId: found.id,
          details: input.details,
          recordedAt: input.endedAt,
          endedBy: input.endedBy,
        };
        await tx.insert(consultationRecords).values(record);
        return {
          kind: "done",
          appointment: asAppointment({ ...found, status: "ended", endedAt: input.endedAt }),
          record,
        } as const;
      });
    },
    async cancelAppointment(id, at) {
      return db.transaction(async (tx) => {
        await lockedIds(tx, appointments, eq(appointments.id, id));
        const [found] = await tx.select().from(appointments).where(eq(appointments.id, id));
        if (!found) return { kind: "not_found" } as const;
        if (found.status !== "scheduled")
          return { kind: "not_scheduled", appointment: asAppointment(found) } as const;
        await tx
          .update(appointments)
          .set({ status: "cancelled", cancelledAt: at })
          .where(eq(appointments.id, id));
        return {
          kind: "done",
          appointment: asAppointment({ ...found, status: "cancelled", cancelledAt: at }),
        } as const;
      });
    },
    async listAppointments(petId, range) {
      const conditions: SQL[] = [eq(appointments.petId, petId)];
      if (range.from !== undefined) conditions.push(gte(appointments.startsAt, range.from));
      if (range.to !== undefined) conditions.push(lt(appointments.startsAt, range.to));
      const rows = await db
        .select()
        .from(appointments)
        .where(and(...conditions))
        .orderBy(asc(appointments.startsAt), asc(appointments.id));
      return rows.map(asAppointment);
    },
    async listClinicAppointments(range) {
      const rows = await db
        .select()
        .from(appointments)
        .where(clinicRangeWhere(range))
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
            .where(currentVaccinationWhere(row.petId, row.vaccineKey))
            .orderBy(desc(v.administeredAt), desc(v.recordedAt));
          const stored: VaccinationRow =
            newest && newest.administeredAt > row.administeredAt ? { ...row, supersededBy: newest.id } : row;
          if (!stored.supersededBy) {
            await tx
              .update(v)
              .set({ supersededBy: row.id })
              .where(currentVaccinationWhere(row.petId, row.vaccineKey));
          }
          await tx.insert(v).values(stored);
          if (!stored.supersededBy && planned.length > 0) await tx.insert(reminders).values([...planned]);
          const superseded = tx
            .select({ id: v.id })
            .from(v)
            .where(and(eq(v.petId, row.petId), eq(v.vaccineKey, row.vaccineKey), isNotNull(v.supersededBy)));
          await tx
            .update(reminders)
            .set({ status: "cancelled", lastError: "superseded" })
            .where(and(eq(reminders.status, "pending"), inArray(reminders.vaccinationId, superseded)));
          return stored;
        });
      } catch (error) {
        // A repeat that slipped past the lock (e.g. the filtered index not used): answer the winner.
        if (row.requestId === null || !isMssqlUniqueViolation(error)) throw error;
        const [winner] = await db.select().from(v).where(vaccinationRequestWhere(row.petId, row.requestId));
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
          .where(and(eq(reminders.status, "pending"), lte(reminders.sendAt, now), leaseFree(reminders, now)))
          .orderBy(asc(reminders.attempts), asc(reminders.sendAt));
        const candidates: ClaimCandidate[] = rows.map((r) => ({
          ...asReminder(r.reminder),
          superseded: r.vaccinationId === null || r.supersededBy !== null,
        }));
        const plan = planClaims(candidates, now, limit);
        for (const row of plan.cancel) {
          await tx
            .update(reminders)
            .set({ status: "cancelled", lastError: "superseded" })
            .where(eq(reminders.id, row.id));
        }
        for (const row of plan.skip) {
          await tx
            .update(reminders)
            .set({ status: "skipped", lastError: "a later stage was due" })
            .where(and(eq(reminders.id, row.id), eq(reminders.status, "pending")));
        }
        const claimed: ReminderRow[] = [];
        const leaseUntil = now + leaseMs;
        for (const row of plan.claim) {
          const result = await tx
            .update(reminders)
            .set({ claimedBy: owner, leaseUntil, attempts: row.attempts + 1 })
            .where(claimWhere(row.id, now));
          if ((result.rowsAffected[0] ?? 0) === 1) {
            await tx.update(reminders).set(SKIPPED).where(earlierStages(reminders, row));
            const { superseded: _, ...reminder } = row;
            claimed.push({ ...reminder, claimedBy: owner, leaseUntil, attempts: row.attempts + 1 });
          }
        }
        return claimed;
      });
    },
    async markReminderSent(id, owner, at) {
      const result = await db
        .update(reminders)
        .set({ status: "sent", sentAt: at, leaseUntil: null, lastError: null })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")));
      return (result.rowsAffected[0] ?? 0) === 1;
    },
    async releaseReminder(id, owner, retryAt, error) {
      await db
        .update(reminders)
        .set({ claimedBy: null, leaseUntil: retryAt, lastError: error.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")));
    },
    async cancelReminder(id, reason) {
      await db
        .update(reminders)
        .set({ status: "cancelled", leaseUntil: null, lastError: reason.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.status, "pending")));
    },
    async deadLetterReminder(id, owner, error) {
      await db
        .update(reminders)
        .set({ status: "dead", claimedBy: null, leaseUntil: null, lastError: error.slice(0, 1000) })
        .where(and(eq(reminders.id, id), eq(reminders.claimedBy, owner), eq(reminders.status, "pending")));
    },
    async dueReminderBacklog(now) {
      const [row] = await db
        .select({ count: sql<number>`count(*)`, oldest: sql<number | null>`min(${reminders.sendAt})` })
        .from(reminders)
        .where(and(eq(reminders.status, "pending"), lte(reminders.sendAt, now)));
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
