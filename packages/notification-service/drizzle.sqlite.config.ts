import { defineConfig } from "drizzle-kit";

/** drizzle-kit config for the SQLite migrations (`bunx drizzle-kit generate --config drizzle.sqlite.config.ts`). */
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema-sqlite.ts",
  out: "./drizzle/sqlite",
});
