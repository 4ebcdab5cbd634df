import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The outbox on SQLite (embedded default and tests). Times are epoch
 * milliseconds so that both dialects compare them the same way and the
 * dispatcher's injectable clock decides what is due.
 */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    recipient: text("recipient").notNull(),
    subject: text("subject").notNull(),
    textBody: text("text_body").notNull(),
    htmlBody: text("html_body").notNull(),
    messageId: text("message_id").notNull(),
    state: text("state", { enum: ["pending", "sent", "dead", "cancelled"] }).notNull(),
    attempts: integer("attempts").notNull(),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    leaseToken: text("lease_token"),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    lastError: text("last_error"),
    cancelledBy: text("cancelled_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    sentAt: integer("sent_at"),
  },
  (table) => [
    uniqueIndex("outbox_messages_idempotency_key_uq").on(table.idempotencyKey),
    index("outbox_messages_due_ix").on(table.state, table.nextAttemptAt),
    index("outbox_messages_recipient_ix").on(table.recipient, table.state),
  ],
);
