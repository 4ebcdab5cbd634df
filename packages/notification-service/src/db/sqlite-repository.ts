import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { sqliteHealth } from "@vetmesh/kit/db";
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { ERASED_MESSAGE_FIELDS } from "../domain/outbox.ts";
import type { ClaimedMessage } from "../domain/outbox-transitions.ts";
import * as transition from "../domain/outbox-transitions.ts";
import { backlogOf, type OutboxRepository } from "./repository.ts";
import { outboxMessages as t } from "./schema-sqlite.ts";

const leaseFree = (now: number) => or(isNull(t.leaseUntil), lte(t.leaseUntil, now));

/**
 * The outbox on SQLite. Every write is one synchronous IMMEDIATE transaction,
 * so two processes sharing the file serialise on SQLite's write lock and a
 * conditional update decides each claim.
 */
export function createSqliteOutboxRepository(client: Database): OutboxRepository {
  const db = drizzle({ client });
  const health = sqliteHealth(client);
  const immediate = { behavior: "immediate" } as const;

  return {
    async enqueue(input) {
      return db.transaction((tx) => {
        const inserted = tx
          .insert(t)
          .values(transition.newMessageRow(input))
          .onConflictDoNothing({ target: t.idempotencyKey })
          .run();
        const row = tx.select().from(t).where(eq(t.idempotencyKey, input.idempotencyKey)).get();
        if (!row) throw new Error("outbox row vanished after insert");
        return { message: transition.toOutboxRecord(row), created: inserted.changes === 1 };
      }, immediate);
    },

    async claimDue({ owner, now, leaseMs, limit }) {
      return db.transaction((tx) => {
        const due = and(eq(t.state, "pending"), lte(t.nextAttemptAt, now), leaseFree(now));
        const candidates = tx
          .select({ id: t.id })
          .from(t)
          .where(due)
          .orderBy(asc(t.nextAttemptAt), asc(t.createdAt))
          .limit(limit)
          .all();
        const claimed: ClaimedMessage[] = [];
        for (const { id } of candidates) {
          const leaseToken = randomUUID();
          const row = tx
            .update(t)
            .set({
              ...transition.claimedLease({ owner, now, leaseMs, leaseToken }),
              attempts: sql`${t.attempts} + 1`,
            })
            .where(and(eq(t.id, id), due))
            .returning()
            .get();
          if (row) claimed.push({ ...transition.toOutboxRecord(row), leaseToken });
        }
        return claimed;
      }, immediate);
    },

    async markSent(id, _leaseToken, now) {
      const result = db
        .update(t)
        .set(transition.sentFields(now))
        .where(and(eq(t.id, id), ne(t.state, "sent")))
        .run();
      return result.changes === 1;
    },

    async markFailed(id, leaseToken, update) {
      const result = db
        .update(t)
        .set(transition.failedFields(update))
        .where(and(eq(t.id, id), eq(t.leaseToken, leaseToken), eq(t.state, "pending")))
        .run();
      return result.changes === 1;
    },

    async listDead(limit) {
      const rows = db
        .select()
        .from(t)
        .where(eq(t.state, "dead"))
        .orderBy(asc(t.updatedAt), asc(t.id))
        .limit(limit)
        .all();
      return rows.map(transition.toOutboxRecord);
    },

    async retryDead(id, now) {
      return db.transaction((tx) => {
        tx.update(t)
          .set(transition.retriedFields(now))
          .where(and(eq(t.id, id), eq(t.state, "dead")))
          .run();
        const row = tx.select().from(t).where(eq(t.id, id)).get();
        return row ? transition.toOutboxRecord(row) : undefined;
      }, immediate);
    },

    async cancelPending(recipient, sagaId, now) {
      return db.transaction((tx) => {
        tx.update(t)
          .set(transition.cancelledFields(sagaId, now))
          .where(and(eq(t.recipient, recipient), inArray(t.state, transition.CANCELLABLE_STATES)))
          .run();
        tx.update(t).set(ERASED_MESSAGE_FIELDS).where(eq(t.recipient, recipient)).run();
        const counted = tx
          .select({ n: sql<number>`count(*)` })
          .from(t)
          .where(and(eq(t.state, "cancelled"), eq(t.cancelledBy, sagaId)))
          .get();
        return Number(counted?.n ?? 0);
      }, immediate);
    },

    async get(id) {
      const row = db.select().from(t).where(eq(t.id, id)).get();
      return row ? transition.toOutboxRecord(row) : undefined;
    },

    async backlog() {
      return backlogOf(
        db
          .select({ state: t.state, n: sql<number>`count(*)` })
          .from(t)
          .where(inArray(t.state, ["pending", "dead"]))
          .groupBy(t.state)
          .all(),
      );
    },

    async health() {
      return health();
    },

    async close() {
      client.close();
    },
  };
}
