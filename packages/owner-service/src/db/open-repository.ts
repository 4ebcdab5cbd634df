import { applySqliteMigrations, openSqliteFile, parseDatabaseUrl } from "@vetmesh/kit/db";
import { MIGRATIONS } from "./migrations.ts";
import type { OwnerRepository } from "./repository.ts";
import { createSqliteRepository } from "./sqlite-repository.ts";

/**
 * Opens the database DATABASE_URL names, applies the committed migrations and
 * returns the repository: the only place that knows which dialect runs.
 */
export async function openRepository(databaseUrl: string): Promise<OwnerRepository> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === "mssql") {
    // Loaded only for SQL Server: the driver costs ~36 MB of RSS that SQLite runs need not pay.
    const { openMssqlRepository } = await import("./mssql-repository.ts");
    return openMssqlRepository(target.url);
  }
  const client = openSqliteFile(target.path);
  applySqliteMigrations(client, MIGRATIONS.sqlite);
  return createSqliteRepository(client);
}
