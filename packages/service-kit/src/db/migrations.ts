import type { Database } from "bun:sqlite";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { retryWhileBusy } from "./sqlite-busy.ts";

/**
 * Applies the drizzle-kit migrations in `folder` to an SQLite file and returns
 * how many it applied. drizzle's own migrator reads the applied list outside
 * its transaction, so two instances starting at once on one file could both
 * try to apply the same migration. Here the read and the writes happen inside
 * one BEGIN IMMEDIATE: the second instance waits on the write lock
 * (busy_timeout), then sees the migration applied and does nothing. A failing
 * statement rolls back every migration of the call. The bookkeeping table is
 * drizzle's `__drizzle_migrations`, same columns, so files drizzle migrated
 * before stay readable both ways.
 */
export function applySqliteMigrations(db: Database, folder: string): number {
  const migrations = readMigrationFiles({ migrationsFolder: folder });
  retryWhileBusy(() => db.run("BEGIN IMMEDIATE"));
  try {
    db.run(
      `CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (
        id INTEGER PRIMARY KEY, hash text NOT NULL, created_at numeric, name text, applied_at TEXT)`,
    );
    const applied = new Set(
      db
        .query<{ name: string | null }, []>(`SELECT name FROM "__drizzle_migrations"`)
        .all()
        .map((row) => row.name),
    );
    let count = 0;
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      for (const statement of migration.sql) if (statement.trim()) db.run(statement);
      db.run(`INSERT INTO "__drizzle_migrations" (hash, created_at, name, applied_at) VALUES (?, ?, ?, ?)`, [
        migration.hash,
        migration.folderMillis,
        migration.name,
        new Date().toISOString(),
      ]);
      count++;
    }
    db.run("COMMIT");
    return count;
  } catch (error) {
    db.run("ROLLBACK");
    throw error;
  }
}
