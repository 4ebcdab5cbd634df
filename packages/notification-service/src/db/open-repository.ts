import {
  applyMssqlMigrations,
  applySqliteMigrations,
  openSqliteFile,
  parseDatabaseUrl,
} from "@vetmesh/kit/db";
import { drizzle, getMsSqlConnectionParams } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { migrationsFolder } from "./migrate.ts";
import { createMssqlOutboxRepository } from "./mssql-repository.ts";
import type { OutboxRepository } from "./repository.ts";
import { createSqliteOutboxRepository } from "./sqlite-repository.ts";

/**
 * Opens the outbox named by DATABASE_URL (`sqlite:<path>` or `mssql://…`),
 * applies the committed migrations, and returns the repository. The only
 * place that knows which dialect is in use.
 */
export async function openOutboxRepository(databaseUrl: string): Promise<OutboxRepository> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === "sqlite") {
    const client = openSqliteFile(target.path);
    applySqliteMigrations(client, migrationsFolder.sqlite);
    return createSqliteOutboxRepository(client);
  }
  const params = getMsSqlConnectionParams(target.url.replace(/^sqlserver:/, "mssql:"));
  if (typeof params === "string") throw new Error("DATABASE_URL is not a valid mssql:// URL");
  const pool = new mssql.ConnectionPool(params);
  await pool.connect();
  try {
    await applyMssqlMigrations(pool, migrationsFolder.mssql, "vetmesh.notification.migrate");
  } catch (error) {
    await pool.close();
    throw error;
  }
  return createMssqlOutboxRepository(drizzle({ client: pool }), () => pool.close());
}
