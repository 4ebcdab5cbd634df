import type { Database } from "bun:sqlite";
import { randomUUID } from "node:crypto";
import { sqliteHealth } from "@vetmesh/kit/db";
import { and, asc, eq, inArray, isNull, lte, ne, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { ERASED_MESSAGE_FIELDS, type OutboxRecord } from "../domain/outbox.ts";
import type { ClaimedMessage, OutboxRepository } from "./repository.ts";
import { outboxMessages as t } from "./schema-sqlite.ts";

const leaseFree = (now: number) => or(isNull(t.leaseUntil), lte(t.leaseUntil, now));

function toRecord(row: typeof t.$inferSelect): OutboxRecord {
  const { leaseToken: _token, ...record } = row;
  return record;
}

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
          .values({
            id: input.id,
            idempotencyKey: input.idempotencyKey,
            recipient: input.recipient,
            subject: input.subject,
            textBody: input.text,
            htmlBody: input.html,
            messageId: input.messageId,
            state: "pending",
            attempts: 0,
            nextAttemptAt: input.now,
            createdAt: input.now,
            updatedAt: input.now,
          })
          .onConflictDoNothing({ target: t.idempotencyKey })
          .run();
        const row = tx.select().from(t).where(eq(t.idempotencyKey, input.idempotencyKey)).get();
        if (!row) throw new Error("outbox row vanished after insert");
        return { message: toRecord(row), created: inserted.changes === 1 };
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
              leaseToken,
              leaseOwner: owner,
              leaseUntil: now + leaseMs,
              attempts: sql`${t.attempts} + 1`,
              updatedAt: now,
            })
            .where(and(eq(t.id, id), due))
            .returning()
            .get();
          if (row) claimed.push({ ...toRecord(row), leaseToken });
        }
        return claimed;
      }, immediate);
    },

    async markSent(id, _leaseToken, now) {
      // Sent is the truth once the server said 250: recorded even if the
      // lease ran out or a saga cancelled the message meanwhile.
      const result = db
        .update(t)
        .set({
          state: "sent",
          sentAt: now,
          updatedAt: now,
          leaseToken: null,
          leaseOwner: null,
          leaseUntil: null,
          lastError: null,
        })
        .where(and(eq(t.id, id), ne(t.state, "sent")))
        .run();
      return result.changes === 1;
    },

    async markFailed(id, leaseToken, update) {
      const common = {
        lastError: update.error.slice(0, 2000),
        updatedAt: update.now,
        leaseToken: null,
        leaseOwner: null,
        leaseUntil: null,
      };
      const set =
        update.kind === "dead"
          ? { ...common, state: "dead" as const }
          : { ...common, nextAttemptAt: update.nextAttemptAt };
      const result = db
        .update(t)
        .set(set)
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
      return rows.map(toRecord);
    },

    async retryDead(id, now) {
      return db.transaction((tx) => {
        tx.update(t)
          .set({
            state: "pending",
            attempts: 0,
            nextAttemptAt: now,
            updatedAt: now,
            leaseToken: null,
            leaseOwner: null,
            leaseUntil: null,
          })
          .where(and(eq(t.id, id), eq(t.state, "dead")))
          .run();
        const row = tx.select().from(t).where(eq(t.id, id)).get();
        return row ? toRecord(row) : undefined;
      }, immediate);
    },

    async cancelPending(recipient, sagaId, now) {
      return db.transaction((tx) => {
        tx.update(t)
          .set({
            state: "cancelled",
            cancelledBy: sagaId,
            updatedAt: now,
            leaseToken: null,
            leaseOwner: null,
            leaseUntil: null,
          })
          .where(and(eq(t.recipient, recipient), inArray(t.state, ["pending", "dead"])))
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
      return row ? toRecord(row) : undefined;
    },

    async health() {
      return health();
    },

    async close() {
      client.close();
    },
  };
}
