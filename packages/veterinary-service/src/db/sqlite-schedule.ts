import { and, asc, eq, gt, gte, isNotNull, lt, ne } from "drizzle-orm";
import type { SQLiteBunDatabase } from "drizzle-orm/bun-sqlite";
import type { HoursSpan } from "../domain/working-hours.ts";
import type { BusySpan, ExceptionRow, ScheduleRepository, VetWithHours } from "./repository.ts";
import { appointments, scheduleExceptions, vetHours, vets } from "./schema-sqlite.ts";

/** Groups hour rows under their vets, keeping the vets' order. */
export function withHours(
  vetRows: readonly { id: string; name: string; createdAt: number }[],
  hourRows: readonly (HoursSpan & { vetId: string })[],
): VetWithHours[] {
  const byVet = new Map<string, HoursSpan[]>(vetRows.map((vet) => [vet.id, []]));
  for (const { vetId, ...span } of hourRows) byVet.get(vetId)?.push(span);
  return vetRows.map((vet) => ({
    ...vet,
    hours: (byVet.get(vet.id) ?? []).sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute),
  }));
}

/** The SQLite half of the schedule storage (vets, hours, exceptions); writes are BEGIN IMMEDIATE transactions. */
export function createSqliteSchedule(db: SQLiteBunDatabase): ScheduleRepository {
  const immediate = { behavior: "immediate" } as const;
  const vetById = (id: string) => {
    const vet = db.select().from(vets).where(eq(vets.id, id)).get();
    if (!vet) return undefined;
    return withHours([vet], db.select().from(vetHours).where(eq(vetHours.vetId, id)).all())[0];
  };
  return {
    async createVet(vet, hours) {
      db.transaction((tx) => {
        tx.insert(vets).values(vet).run();
        if (hours.length > 0)
          tx.insert(vetHours)
            .values(hours.map((span) => ({ vetId: vet.id, ...span })))
            .run();
      }, immediate);
    },
    async listVets() {
      const vetRows = db.select().from(vets).orderBy(asc(vets.createdAt), asc(vets.id)).all();
      return withHours(vetRows, db.select().from(vetHours).all());
    },
    async replaceVetHours(vetId, hours) {
      const found = db.transaction((tx) => {
        if (!tx.select({ id: vets.id }).from(vets).where(eq(vets.id, vetId)).get()) return false;
        tx.delete(vetHours).where(eq(vetHours.vetId, vetId)).run();
        if (hours.length > 0)
          tx.insert(vetHours)
            .values(hours.map((span) => ({ vetId, ...span })))
            .run();
        return true;
      }, immediate);
      return found ? vetById(vetId) : undefined;
    },
    async addException(row) {
      db.insert(scheduleExceptions).values(row).run();
    },
    async removeException(id) {
      return db.delete(scheduleExceptions).where(eq(scheduleExceptions.id, id)).run().changes === 1;
    },
    async listExceptions({ from, to }) {
      const e = scheduleExceptions;
      return db
        .select()
        .from(e)
        .where(and(lt(e.startsAt, to), gt(e.endsAt, from)))
        .orderBy(asc(e.startsAt), asc(e.id))
        .all() as ExceptionRow[];
    },
    async listBusySpans({ from, to, longestMs, vetId }) {
      const a = appointments;
      return db
        .select({ vetId: a.vetId, startsAt: a.startsAt, endsAt: a.endsAt })
        .from(a)
        .where(
          and(
            vetId === undefined ? isNotNull(a.vetId) : eq(a.vetId, vetId),
            gte(a.startsAt, from - longestMs),
            lt(a.startsAt, to),
            gt(a.endsAt, from),
            ne(a.status, "cancelled"),
          ),
        )
        .all() as BusySpan[];
    },
  };
}
