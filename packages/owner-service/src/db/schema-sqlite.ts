import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Owners. `email` is the normalised (trimmed, lower-cased) address and is
 * unique in the database itself. `removal_saga_id` hides the owner at once
 * when a removal saga starts: every public read treats such a row as absent.
 * Times are epoch milliseconds in both dialects so the adapters compare alike.
 */
export const owners = sqliteTable(
  "owners",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    createdAt: integer("created_at").notNull(),
    removalSagaId: text("removal_saga_id"),
  },
  (t) => [uniqueIndex("owners_email_uq").on(t.email)],
);

/**
 * Pets; listed per owner in registration order, hence the (owner_id, created_at) index.
 * `request_id` is the client's idempotency key: unique per owner, so a repeated
 * registration finds the first pet instead of creating a second (NULLs, i.e.
 * registrations without a key, are distinct in a SQLite UNIQUE index).
 */
export const pets = sqliteTable(
  "pets",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id")
      .notNull()
      .references(() => owners.id),
    type: text("type").notNull(),
    race: text("race").notNull(),
    name: text("name").notNull(),
    createdAt: integer("created_at").notNull(),
    requestId: text("request_id"),
  },
  (t) => [
    index("pets_owner_created_idx").on(t.ownerId, t.createdAt),
    uniqueIndex("pets_owner_request_uq").on(t.ownerId, t.requestId),
  ],
);

/**
 * The durable log of owner-removal sagas: one row per owner removal, the step
 * it reached, and a lease so that only one process drives it at a time.
 */
export const removalSagas = sqliteTable(
  "removal_sagas",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").notNull(),
    ownerEmail: text("owner_email").notNull(),
    step: text("step").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    leaseOwner: text("lease_owner"),
    leaseUntil: integer("lease_until"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [uniqueIndex("removal_sagas_owner_uq").on(t.ownerId), index("removal_sagas_step_idx").on(t.step)],
);
