import { inArray, type SQL, sql } from "drizzle-orm";
import type { NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import { appointmentReminderHeldWhere, dueAppointmentRemindersWhere } from "./conditions.ts";
import type { AppointmentReminderClaim, AppointmentReminderRepository } from "./repository.ts";
import { dueReminderColumns } from "./rows.ts";
import { appointments as a } from "./schema-mssql.ts";

/**
 * The SQL Server half of the appointment reminders: the claim takes the due
 * rows under UPDLOCK, READPAST (a replica skips rows another is claiming) and
 * leases them in the same transaction.
 */
export function createMssqlAppointmentReminders(db: NodeMsSqlDatabase): AppointmentReminderRepository {
  return {
    async claimAppointmentReminders(claim) {
      return db.transaction(async (tx) => {
        const locked = (await tx.execute(dueAppointmentRemindersLockQuery(claim))) as unknown as {
          recordset?: { id: string }[];
        };
        const ids = (locked.recordset ?? []).map((row) => row.id);
        if (ids.length === 0) return [];
        await tx
          .update(a)
          .set({ reminderClaimedBy: claim.owner, reminderLeaseUntil: claim.now + claim.leaseMs })
          .where(inArray(a.id, ids));
        return tx.select(dueReminderColumns(a)).from(a).where(inArray(a.id, ids));
      });
    },
    async markAppointmentReminderSent(id, owner, at) {
      const marked = await db
        .update(a)
        .set({ reminderSentAt: at, reminderLeaseUntil: null })
        .output({ inserted: { id: a.id } })
        .where(appointmentReminderHeldWhere(a, id, owner));
      return marked.length === 1;
    },
    async releaseAppointmentReminder(id, owner, retryAt) {
      await db
        .update(a)
        .set({ reminderLeaseUntil: retryAt })
        .where(appointmentReminderHeldWhere(a, id, owner));
    },
  };
}

/** The claim's locking select: up to `limit` due ids, rows another replica holds skipped (READPAST). */
export function dueAppointmentRemindersLockQuery(claim: AppointmentReminderClaim): SQL {
  return sql`select top(${sql.raw(String(claim.limit))}) [id] from ${a} with (updlock, readpast) where ${dueAppointmentRemindersWhere(a, claim)}`;
}
