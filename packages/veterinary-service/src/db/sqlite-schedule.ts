import { asc, eq } from "drizzle-orm";
import type { SQLiteBunDatabase } from "drizzle-orm/bun-sqlite";
import { withHours } from "../domain/vet-hours.ts";
import { busySpansWhere, exceptionsWhere } from "./conditions.ts";
import type { BusySpan, ExceptionRow, ScheduleRepository } from "./repository.ts";
import { appointments, scheduleExceptions, vetHours, vets } from "./schema-sqlite.ts";

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
    async listExceptions(range) {
      const e = scheduleExceptions;
      return db
        .select()
        .from(e)
        .where(exceptionsWhere(e, range))
        .orderBy(asc(e.startsAt), asc(e.id))
        .all() as ExceptionRow[];
    },
    async listBusySpans(range) {
      const a = appointments;
      return db
        .select({ vetId: a.vetId, startsAt: a.startsAt, endsAt: a.endsAt })
        .from(a)
        .where(busySpansWhere(a, range))
        .all() as BusySpan[];
    },
  };
}
