import { fileURLToPath } from "node:url";

/** The committed drizzle-kit migrations, per dialect (applied by the kit's runners). */
export const migrationsFolder = {
  sqlite: fileURLToPath(new URL("./drizzle/sqlite", import.meta.url)),
  mssql: fileURLToPath(new URL("./drizzle/mssql", import.meta.url)),
} as const;
