import { defineConfig } from "drizzle-kit";

/** drizzle-kit config for the embedded SQLite dialect (`bun run db:generate`). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema-sqlite.ts",
  out: "./drizzle/sqlite",
});
