import { defineConfig } from "drizzle-kit";

/** drizzle-kit config for the SQL Server dialect (`bun run db:generate`). */
export default defineConfig({
  dialect: "mssql",
  schema: "./src/db/schema-mssql.ts",
  out: "./drizzle/mssql",
});
