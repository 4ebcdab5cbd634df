import { randomUUID } from "node:crypto";
import { isMssqlUniqueViolation, mssqlPoolConfig } from "@vetmesh/kit/db";
import { applyMssqlMigrations } from "@vetmesh/kit/db/mssql";
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import { drizzle, type NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { ERASED_MESSAGE_FIELDS } from "../domain/outbox.ts";
import type { ClaimedMessage } from "../domain/outbox-transitions.ts";
import * as transition from "../domain/outbox-transitions.ts";
import { MIGRATIONS } from "./migrations.ts";
import { backlogOf, type OutboxRepository } from "./repository.ts";
import { outboxMessages as t } from "./schema-mssql.ts";

const leaseFree = (now: number) => or(isNull(t.leaseUntil), lte(t.leaseUntil, now));
const due = (now: number) => and(eq(t.state, "pending"), lte(t.nextAttemptAt, now), leaseFree(now));

/**
 * The statements the SQL Server repository runs, built without a connection
 * so unit tests can check their SQL with drizzle.mock().toSQL(); given a
 * transaction, they run inside it.
 */
export function mssqlStatements(db: Pick<NodeMsSqlDatabase, "select" | "update">) {
  return {
    candidates: (now: number, limit: number) =>
      db
        .select({ id: t.id })
        .from(t)
        .where(due(now))
        .orderBy(asc(t.nextAttemptAt), asc(t.createdAt))
        .offset(0)
        .fetch(limit),
    claim: (id: string, input: { owner: string; now: number; leaseMs: number; leaseToken: string }) =>
      db
        .update(t)
        .set({ ...transition.claimedLease(input), attempts: sql`${t.attempts} + 1` })
        .output()
        .where(and(eq(t.id, id), due(input.now))),
    markSent: (id: string, now: number) =>
      db
        .update(t)
        .set(transition.sentFields(now))
        .output({ inserted: { id: t.id } })
        .where(and(eq(t.id, id), ne(t.state, "sent"))),
    cancel: (recipient: string, sagaId: string, now: number) =>
      db
        .update(t)
        .set(transition.cancelledFields(sagaId, now))
        .where(and(eq(t.recipient, recipient), inArray(t.state, transition.CANCELLABLE_STATES))),
    erase: (recipient: string) => db.update(t).set(ERASED_MESSAGE_FIELDS).where(eq(t.recipient, recipient)),
  };
}

/**
 * The outbox on SQL Server. Same algorithm as the SQLite repository: each
 * claim is a single conditional UPDATE (re-checked under SQL Server's update
 * lock), so of two dispatchers racing for a row exactly one gets it back from
 * OUTPUT.
 */
export function createMssqlOutboxRepository(
  db: NodeMsSqlDatabase,
  close: () => Promise<void>,
): OutboxRepository {
  const q = mssqlStatements(db);
  const byId = async (id: string) => {
    const [row] = await db.select().from(t).where(eq(t.id, id));
    return row ? transition.toOutboxRecord(row) : undefined;
  };

  return {
    async enqueue(input) {
      let created = true;
      try {
        await db.insert(t).values(transition.newMessageRow(input));
      } catch (error) {
        if (!isMssqlUniqueViolation(error)) throw error;
        created = false;
      }
      const [row] = await db.select().from(t).where(eq(t.idempotencyKey, input.idempotencyKey));
      if (!row) throw new Error("outbox row vanished after insert");
      return { message: transition.toOutboxRecord(row), created };
    },

    async claimDue({ owner, now, leaseMs, limit }) {
      const candidates = await q.candidates(now, limit);
      const claimed: ClaimedMessage[] = [];
      for (const { id } of candidates) {
        const leaseToken = randomUUID();
        const [row] = await q.claim(id, { owner, now, leaseMs, leaseToken });
        if (row) claimed.push({ ...transition.toOutboxRecord(row), leaseToken });
      }
      return claimed;
    },

    async markSent(id, _leaseToken, now) {
      return (await q.markSent(id, now)).length === 1;
    },

    async markFailed(id, leaseToken, update) {
      const rows = await db
        .update(t)
        .set(transition.failedFields(update))
        .output({ inserted: { id: t.id } })
        .where(and(eq(t.id, id), eq(t.leaseToken, leaseToken), eq(t.state, "pending")));
      return rows.length === 1;
    },

    async listDead(limit) {
      const rows = await db
        .select()
        .from(t)
        .where(eq(t.state, "dead"))
        .orderBy(asc(t.updatedAt), asc(t.id))
        .offset(0)
        .fetch(limit);
      return rows.map(transition.toOutboxRecord);
    },

    async retryDead(id, now) {
      await db
        .update(t)
        .set(transition.retriedFields(now))
        .where(and(eq(t.id, id), eq(t.state, "dead")));
      return byId(id);
    },

    async cancelPending(recipient, sagaId, now) {
      // One transaction, as on SQLite: a dispatcher never sees the cancel without the erase, nor the count without both.
      return db.transaction(async (tx) => {
        const inTx = mssqlStatements(tx);
        await inTx.cancel(recipient, sagaId, now);
        await inTx.erase(recipient);
        const [counted] = await tx
          .select({ n: sql<number>`count(*)` })
          .from(t)
          .where(and(eq(t.state, "cancelled"), eq(t.cancelledBy, sagaId)));
        return Number(counted?.n ?? 0);
      });
    },

    get: byId,

    async backlog() {
      return backlogOf(
        await db
          .select({ state: t.state, n: sql<number>`count(*)` })
          .from(t)
          .where(inArray(t.state, ["pending", "dead"]))
          .groupBy(t.state),
      );
    },

    async health() {
      try {
        await db.execute(sql`select 1`);
        return null;
      } catch {
        return "database unreachable";
      }
    },

    close,
  };
}

/** Connects to SQL Server, applies the migrations under an app lock, and returns the repository. */
export async function openMssqlOutboxRepository(url: string): Promise<OutboxRepository> {
  const pool = new mssql.ConnectionPool(mssqlPoolConfig(url));
  await pool.connect();
  try {
    await applyMssqlMigrations(pool, MIGRATIONS.mssql, "vetmesh.notification.migrate");
  } catch (error) {
    await pool.close();
    throw error;
  }
  return createMssqlOutboxRepository(drizzle({ client: pool }), () => pool.close());
}
