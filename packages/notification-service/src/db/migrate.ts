import type { Database } from "bun:sqlite";
import { fileURLToPath } from "node:url";
import { drizzle as drizzleSqlite } from "drizzle-orm/bun-sqlite";
import { migrate as migrateSqliteDb } from "drizzle-orm/bun-sqlite/migrator";
import type { NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import { migrate as migrateMssqlDb } from "drizzle-orm/node-mssql/migrator";
import mssql from "mssql";

/** The committed drizzle-kit migrations, per dialect. */
export const migrationsFolder = {
  sqlite: fileURLToPath(new URL("./drizzle/sqlite", import.meta.url)),
  mssql: fileURLToPath(new URL("./drizzle/mssql", import.meta.url)),
} as const;

/**
 * Applies the SQLite migrations. Two processes starting at once on one file
 * may both see "not applied yet"; the loser's DDL then fails inside its own
 * transaction (rolled back whole), and re-running finds the migration
 * recorded and does nothing. Bounded to a few rounds.
 */
export function migrateSqlite(client: Database): void {
  const db = drizzleSqlite({ client });
  for (let round = 1; ; round++) {
    try {
      migrateSqliteDb(db, { migrationsFolder: migrationsFolder.sqlite });
      return;
    } catch (error) {
      if (round >= 5) throw error;
      Bun.sleepSync(20 * round);
    }
  }
}

/**
 * Applies the SQL Server migrations under an exclusive application lock
 * (sp_getapplock, held by a transaction on its own connection), so that
 * replicas starting together apply them once, one after the other.
 */
export async function migrateMssql(db: NodeMsSqlDatabase, pool: mssql.ConnectionPool): Promise<void> {
  const lock = new mssql.Transaction(pool);
  await lock.begin();
  try {
    const result = await new mssql.Request(lock).query(
      "DECLARE @r int; EXEC @r = sp_getapplock @Resource = 'vetmesh.notification.migrate', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 60000; SELECT @r AS r",
    );
    const code = Number(result.recordset[0]?.r);
    if (code < 0) throw new Error(`sp_getapplock failed with ${code}`);
    await migrateMssqlDb(db, { migrationsFolder: migrationsFolder.mssql });
    await lock.commit();
  } catch (error) {
    await lock.rollback().catch(() => undefined);
    throw error;
  }
}
