import { fileURLToPath } from "node:url";

/** Where the committed drizzle-kit migrations of each dialect live. */
export const MIGRATIONS = {
  sqlite: fileURLToPath(new URL("../../drizzle/sqlite", import.meta.url)),
  mssql: fileURLToPath(new URL("../../drizzle/mssql", import.meta.url)),
} as const;
