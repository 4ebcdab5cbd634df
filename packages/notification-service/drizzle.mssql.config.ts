import { defineConfig } from "drizzle-kit";

/** drizzle-kit config for the SQL Server migrations (`bunx drizzle-kit generate --config drizzle.mssql.config.ts`). */
export default defineConfig({
  dialect: "mssql",
  schema: "./src/db/schema-mssql.ts",
  out: "./drizzle/mssql",
});
