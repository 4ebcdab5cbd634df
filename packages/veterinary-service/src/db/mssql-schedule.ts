import { asc, eq } from "drizzle-orm";
import type { NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import { withHours } from "../domain/vet-hours.ts";
import { busySpansWhere, exceptionsWhere } from "./conditions.ts";
import type { BusySpan, ExceptionRow, ScheduleRepository } from "./repository.ts";
import { appointments, scheduleExceptions, vetHours, vets } from "./schema-mssql.ts";

/** The SQL Server half of the schedule storage; same contract as SQLite's. */
export function createMssqlSchedule(db: NodeMsSqlDatabase): ScheduleRepository {
  const vetById = async (id: string) => {
    const [vet] = await db.select().from(vets).where(eq(vets.id, id));
    if (!vet) return undefined;
    return withHours([vet], await db.select().from(vetHours).where(eq(vetHours.vetId, id)))[0];
  };
  return {
    async createVet(vet, hours) {
      await db.transaction(async (tx) => {
        await tx.insert(vets).values(vet);
        if (hours.length > 0)
          await tx.insert(vetHours).values(hours.map((span) => ({ vetId: vet.id, ...span })));
      });
    },
    async listVets() {
      const vetRows = await db.select().from(vets).orderBy(asc(vets.createdAt), asc(vets.id));
      return withHours(vetRows, await db.select().from(vetHours));
    },
    async replaceVetHours(vetId, hours) {
      const found = await db.transaction(async (tx) => {
        const [vet] = await tx.select({ id: vets.id }).from(vets).where(eq(vets.id, vetId));
        if (!vet) return false;
        await tx.delete(vetHours).where(eq(vetHours.vetId, vetId));
        if (hours.length > 0) await tx.insert(vetHours).values(hours.map((span) => ({ vetId, ...span })));
        return true;
      });
      return found ? vetById(vetId) : undefined;
    },
    async addException(row) {
      await db.insert(scheduleExceptions).values(row);
    },
    async removeException(id) {
      const removed = await db
        .delete(scheduleExceptions)
        .output({ id: scheduleExceptions.id })
        .where(eq(scheduleExceptions.id, id));
      return removed.length === 1;
    },
    async listExceptions(range) {
      const rows = await db
        .select()
        .from(scheduleExceptions)
        .where(exceptionsWhere(scheduleExceptions, range))
        .orderBy(asc(scheduleExceptions.startsAt), asc(scheduleExceptions.id));
      return rows as ExceptionRow[];
    },
    async listBusySpans(range) {
      const a = appointments;
      const rows = await db
        .select({ vetId: a.vetId, startsAt: a.startsAt, endsAt: a.endsAt })
        .from(a)
        .where(busySpansWhere(a, range));
      return rows as BusySpan[];
    },
  };
}
