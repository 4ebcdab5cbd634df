import { applySqliteMigrations, openSqliteFile, parseDatabaseUrl } from "@vetmesh/kit/db";
import { MIGRATIONS } from "./migrations.ts";
import type { OutboxRepository } from "./repository.ts";
import { createSqliteOutboxRepository } from "./sqlite-repository.ts";

/**
 * Opens the outbox named by DATABASE_URL (`sqlite:<path>` or `mssql://…`),
 * applies the committed migrations, and returns the repository. The only
 * place that knows which dialect is in use; the SQL Server driver is loaded
 * only when it is the one (it costs ~36 MB of RSS).
 */
export async function openOutboxRepository(databaseUrl: string): Promise<OutboxRepository> {
  const target = parseDatabaseUrl(databaseUrl);
  if (target.dialect === "sqlite") {
    const client = openSqliteFile(target.path);
    applySqliteMigrations(client, MIGRATIONS.sqlite);
    return createSqliteOutboxRepository(client);
  }
  const { openMssqlOutboxRepository } = await import("./mssql-repository.ts");
  return openMssqlOutboxRepository(target.url);
}
