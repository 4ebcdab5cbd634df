import { asc, inArray } from "drizzle-orm";
import type { SQLiteBunDatabase } from "drizzle-orm/bun-sqlite";
import { appointmentReminderHeldWhere, dueAppointmentRemindersWhere } from "./conditions.ts";
import type { AppointmentReminderRepository } from "./repository.ts";
import { dueReminderColumns } from "./rows.ts";
import { appointments } from "./schema-sqlite.ts";

const a = appointments;

/** The SQLite half of the appointment reminders: the claim is one BEGIN IMMEDIATE select-and-lease. */
export function createSqliteAppointmentReminders(db: SQLiteBunDatabase): AppointmentReminderRepository {
  return {
    async claimAppointmentReminders({ now, leadMs, owner, leaseMs, limit }) {
      return db.transaction(
        (tx) => {
          const due = tx
            .select(dueReminderColumns(a))
            .from(a)
            .where(dueAppointmentRemindersWhere(a, { now, leadMs }))
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
        .where(appointmentReminderHeldWhere(a, id, owner))
        .run();
      return result.changes === 1;
    },
    async releaseAppointmentReminder(id, owner, retryAt) {
      db.update(a)
        .set({ reminderLeaseUntil: retryAt })
        .where(appointmentReminderHeldWhere(a, id, owner))
        .run();
    },
  };
}
