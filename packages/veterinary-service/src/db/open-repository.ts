import { parseDatabaseUrl } from "@vetmesh/kit/db";
import type { RepositoryFaults, VeterinaryRepository } from "./repository.ts";
import { createSqliteRepository } from "./sqlite-repository.ts";

/** Opens (and migrates) the repository of the dialect DATABASE_URL names. */
export async function openRepository(url: string, faults?: RepositoryFaults): Promise<VeterinaryRepository> {
  const target = parseDatabaseUrl(url);
  if (target.dialect === "sqlite") return createSqliteRepository({ path: target.path, faults });
  // Loaded only for SQL Server: the driver costs ~36 MB of RSS that SQLite runs need not pay.
  const { createMssqlRepository } = await import("./mssql-repository.ts");
  return createMssqlRepository({ url: target.url, faults });
}
