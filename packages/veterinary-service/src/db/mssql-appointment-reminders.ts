import { and, eq, gt, inArray, isNull, lte, or, type SQL, sql } from "drizzle-orm";
import type { NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import type { AppointmentReminderClaim, AppointmentReminderRepository } from "./repository.ts";
import { appointments as a } from "./schema-mssql.ts";

/** Scheduled appointments starting in (now, now + leadMs] whose reminder is unsent and not under a live lease. */
export function dueAppointmentRemindersWhere({ now, leadMs }: AppointmentReminderClaim): SQL | undefined {
  return and(
    eq(a.status, "scheduled"),
    isNull(a.reminderSentAt),
    gt(a.startsAt, now),
    lte(a.startsAt, now + leadMs),
    or(isNull(a.reminderLeaseUntil), lte(a.reminderLeaseUntil, now)),
  );
}

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
        return tx
          .select({
            id: a.id,
            petId: a.petId,
            startsAt: a.startsAt,
            endsAt: a.endsAt,
            vetId: a.vetId,
            type: a.type,
          })
          .from(a)
          .where(inArray(a.id, ids));
      });
    },
    async markAppointmentReminderSent(id, owner, at) {
      const marked = await db
        .update(a)
        .set({ reminderSentAt: at, reminderLeaseUntil: null })
        .output({ inserted: { id: a.id } })
        .where(and(eq(a.id, id), eq(a.reminderClaimedBy, owner), isNull(a.reminderSentAt)));
      return marked.length === 1;
    },
    async releaseAppointmentReminder(id, owner, retryAt) {
      await db
        .update(a)
        .set({ reminderLeaseUntil: retryAt })
        .where(and(eq(a.id, id), eq(a.reminderClaimedBy, owner), isNull(a.reminderSentAt)));
    },
  };
}

/** The claim's locking select: up to `limit` due ids, rows another replica holds skipped (READPAST). */
export function dueAppointmentRemindersLockQuery(claim: AppointmentReminderClaim): SQL {
  return sql`select top(${sql.raw(String(claim.limit))}) [id] from ${a} with (updlock, readpast) where ${dueAppointmentRemindersWhere(claim)}`;
}
