import { and, asc, eq, gt, inArray, isNull, lte, or } from "drizzle-orm";
import type { SQLiteBunDatabase } from "drizzle-orm/bun-sqlite";
import type { AppointmentReminderRepository } from "./repository.ts";
import { appointments } from "./schema-sqlite.ts";

const a = appointments;

/** The columns a reminder email needs. */
export const DUE_COLUMNS = {
  id: a.id,
  petId: a.petId,
  startsAt: a.startsAt,
  endsAt: a.endsAt,
  vetId: a.vetId,
  type: a.type,
};

/** The SQLite half of the appointment reminders: the claim is one BEGIN IMMEDIATE select-and-lease. */
export function createSqliteAppointmentReminders(db: SQLiteBunDatabase): AppointmentReminderRepository {
  return {
    async claimAppointmentReminders({ now, leadMs, owner, leaseMs, limit }) {
      return db.transaction(
        (tx) => {
          const due = tx
            .select(DUE_COLUMNS)
            .from(a)
            .where(
              and(
                eq(a.status, "scheduled"),
                isNull(a.reminderSentAt),
                gt(a.startsAt, now),
                lte(a.startsAt, now + leadMs),
                or(isNull(a.reminderLeaseUntil), lte(a.reminderLeaseUntil, now)),
              ),
            )
            .orderBy(asc(a.startsAt), asc(a.id))
            .limit(limit)
            .all();
          if (due.length === 0) return [];
          tx.update(a)
            .set({ reminderClaimedBy: owner, reminderLeaseUntil: now + leaseMs })
            .where(
              inArray(
                a.id,
                due.map((row) => row.id),
              ),
            )
            .run();
          return due;
        },
        { behavior: "immediate" },
      );
    },
    async markAppointmentReminderSent(id, owner, at) {
      const result = db
        .update(a)
        .set({ reminderSentAt: at, reminderLeaseUntil: null })
        .where(and(eq(a.id, id), eq(a.reminderClaimedBy, owner), isNull(a.reminderSentAt)))
        .run();
      return result.changes === 1;
    },
    async releaseAppointmentReminder(id, owner, retryAt) {
      db.update(a)
        .set({ reminderLeaseUntil: retryAt })
        .where(and(eq(a.id, id), eq(a.reminderClaimedBy, owner), isNull(a.reminderSentAt)))
        .run();
    },
  };
}
