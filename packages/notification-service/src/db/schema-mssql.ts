import { bigint, index, int, mssqlTable, nvarchar, uniqueIndex } from "drizzle-orm/mssql-core";

/**
 * The outbox on SQL Server (Kubernetes). Same columns and meaning as
 * schema-sqlite.ts; times are epoch milliseconds in bigint.
 */
export const outboxMessages = mssqlTable(
  "outbox_messages",
  {
    id: nvarchar("id", { length: 36 }).primaryKey(),
    idempotencyKey: nvarchar("idempotency_key", { length: 200 }).notNull(),
    recipient: nvarchar("recipient", { length: 320 }).notNull(),
    subject: nvarchar("subject", { length: 998 }).notNull(),
    textBody: nvarchar("text_body", { length: "max" }).notNull(),
    htmlBody: nvarchar("html_body", { length: "max" }).notNull(),
    messageId: nvarchar("message_id", { length: 255 }).notNull(),
    state: nvarchar("state", { length: 16, enum: ["pending", "sent", "dead", "cancelled"] }).notNull(),
    attempts: int("attempts").notNull(),
    nextAttemptAt: bigint("next_attempt_at", { mode: "number" }).notNull(),
    leaseToken: nvarchar("lease_token", { length: 36 }),
    leaseOwner: nvarchar("lease_owner", { length: 128 }),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    lastError: nvarchar("last_error", { length: 2000 }),
    cancelledBy: nvarchar("cancelled_by", { length: 200 }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    sentAt: bigint("sent_at", { mode: "number" }),
  },
  (table) => [
    uniqueIndex("outbox_messages_idempotency_key_uq").on(table.idempotencyKey),
    index("outbox_messages_due_ix").on(table.state, table.nextAttemptAt),
    index("outbox_messages_recipient_ix").on(table.recipient, table.state),
  ],
);
