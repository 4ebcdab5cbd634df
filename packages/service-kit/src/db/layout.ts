import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The two dialects every database-owning service ships migrations for. */
export type Dialect = "sqlite" | "mssql";

/**
 * The one migration layout: `<package>/drizzle/<dialect>` for drizzle-kit's
 * output and `<package>/src/db/schema-<dialect>.ts` for its input. Every
 * service, its drizzle configs and the drift suite read the folders from here.
 */
export function migrationLayout(packageDir: string | URL) {
  const dir = typeof packageDir === "string" ? packageDir : fileURLToPath(packageDir);
  return {
    packageDir: dir,
    migrations: { sqlite: join(dir, "drizzle", "sqlite"), mssql: join(dir, "drizzle", "mssql") },
    schema: {
      sqlite: join(dir, "src", "db", "schema-sqlite.ts"),
      mssql: join(dir, "src", "db", "schema-mssql.ts"),
    },
  } as const;
}

/** What migrationLayout returns. */
export type MigrationLayout = ReturnType<typeof migrationLayout>;
