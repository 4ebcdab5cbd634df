import { sql } from "drizzle-orm";
import { bigint, index, int, mssqlTable, nvarchar, uniqueIndex, varchar } from "drizzle-orm/mssql-core";

/**
 * SQL Server twin of schema-sqlite.ts (same tables, columns and indexes).
 * Text the user typed is nvarchar (Unicode); lengths match the domain limits,
 * which count UTF-16 code units exactly as nvarchar does.
 */
export const owners = mssqlTable(
  "owners",
  {
    id: varchar("id", { length: 36 }).primaryKey(),
    email: nvarchar("email", { length: 254 }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    removalSagaId: varchar("removal_saga_id", { length: 36 }),
  },
  (t) => [uniqueIndex("owners_email_uq").on(t.email)],
);

/**
 * Pets; see schema-sqlite.ts. SQL Server lets a UNIQUE index hold one NULL
 * only, so the idempotency key's index is filtered to rows that have a key.
 */
export const pets = mssqlTable(
  "pets",
  {
    id: varchar("id", { length: 36 }).primaryKey(),
    ownerId: varchar("owner_id", { length: 36 })
      .notNull()
      .references(() => owners.id),
    type: nvarchar("type", { length: 100 }).notNull(),
    race: nvarchar("race", { length: 100 }).notNull(),
    name: nvarchar("name", { length: 100 }).notNull(),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    requestId: varchar("request_id", { length: 128 }),
  },
  (t) => [
    index("pets_owner_created_idx").on(t.ownerId, t.createdAt),
    uniqueIndex("pets_owner_request_uq").on(t.ownerId, t.requestId).where(sql`${t.requestId} is not null`),
  ],
);

/** The removal saga log; see schema-sqlite.ts. */
export const removalSagas = mssqlTable(
  "removal_sagas",
  {
    id: varchar("id", { length: 36 }).primaryKey(),
    ownerId: varchar("owner_id", { length: 36 }).notNull(),
    ownerEmail: nvarchar("owner_email", { length: 254 }).notNull(),
    step: varchar("step", { length: 32 }).notNull(),
    attempts: int("attempts").notNull().default(0),
    lastError: nvarchar("last_error", { length: 1000 }),
    leaseOwner: varchar("lease_owner", { length: 128 }),
    leaseUntil: bigint("lease_until", { mode: "number" }),
    createdAt: bigint("created_at", { mode: "number" }).notNull(),
    updatedAt: bigint("updated_at", { mode: "number" }).notNull(),
    completedAt: bigint("completed_at", { mode: "number" }),
  },
  (t) => [uniqueIndex("removal_sagas_owner_uq").on(t.ownerId), index("removal_sagas_step_idx").on(t.step)],
);
