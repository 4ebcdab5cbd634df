import { applySqliteMigrations, openSqliteFile, parseDatabaseUrl } from "@vetmesh/kit/db";
import { openMssqlRepository } from "./mssql-repository.ts";
import type { OwnerRepository } from "./repository.ts";
import { createSqliteRepository, SQLITE_MIGRATIONS } from "./sqlite-repository.ts";

/**
 * Opens the database DATABASE_URL names, applies the committed migrations and
 * returns the repository: the only place that knows which dialect runs.
 */
export async function openRepository(databaseUrl: string): Promise<OwnerRepository> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === "mssql") return openMssqlRepository(target.url);
  const client = openSqliteFile(target.path);
  applySqliteMigrations(client, SQLITE_MIGRATIONS);
  return createSqliteRepository(client);
}
