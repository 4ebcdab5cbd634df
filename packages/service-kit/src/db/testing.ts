/**
 * Database test suites every service shares (`@vetmesh/kit/db/testing`,
 * imported by tests only): the migration drift check and the dialect targets
 * of the repository contract.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Dialect, MigrationLayout } from "./layout.ts";

/** drizzle-kit's dry run: what `generate` would do to the committed migrations for `schema`. */
export function plannedMigration(
  layout: MigrationLayout,
  dialect: Dialect,
  schema = layout.schema[dialect],
): string {
  const args = ["generate", "--dialect", dialect, "--schema", relative(layout.packageDir, schema)];
  args.push(
    "--out",
    relative(layout.packageDir, layout.migrations[dialect]),
    "--explain",
    "--output",
    "json",
  );
  const run = Bun.spawnSync([process.execPath, "x", "drizzle-kit", ...args], {
    cwd: layout.packageDir,
    timeout: 90_000,
  });
  const out = run.stdout.toString();
  const json = out
    .split("\n")
    .reverse()
    .find((line) => line.startsWith("{"));
  if (run.exitCode !== 0 || !json) throw new Error(`drizzle-kit failed: ${out}${run.stderr.toString()}`);
  return String((JSON.parse(json) as { status?: unknown }).status);
}

/** A table drizzle-kit has never seen, appended to a copy of the schema to prove the check can fail. */
const PROBE_TABLE: Record<Dialect, string> = {
  sqlite: `import { sqliteTable as probeTable, text as probeText } from "drizzle-orm/sqlite-core";
export const driftProbe = probeTable("drift_probe", { id: probeText("id").primaryKey() });\n`,
  mssql: `import { mssqlTable as probeTable, nvarchar as probeText } from "drizzle-orm/mssql-core";
export const driftProbe = probeTable("drift_probe", { id: probeText("id", { length: 36 }).primaryKey() });\n`,
};

/**
 * The one drift suite: for each dialect, the committed migrations are exactly
 * what drizzle-kit generates from the schema, and the same check fails on a
 * schema with one more table (so it cannot pass by not looking).
 */
export function describeMigrationDrift(layout: MigrationLayout): void {
  describe("committed migrations match the schema (drizzle-kit generate --explain)", () => {
    for (const dialect of ["sqlite", "mssql"] as const) {
      test(`${dialect}: drizzle-kit plans no change`, () => {
        expect(plannedMigration(layout, dialect)).toBe("no_changes");
      }, 120_000);
      test(`${dialect}: the check does fail when the schema drifts (a table added)`, () => {
        // Beside the real schema so its relative imports resolve; removed at once.
        const schema = layout.schema[dialect];
        const drifted = join(dirname(schema), `.drifted-${crypto.randomUUID()}.ts`);
        writeFileSync(drifted, `${readFileSync(schema, "utf8")}\n${PROBE_TABLE[dialect]}`);
        try {
          expect(plannedMigration(layout, dialect, drifted)).not.toBe("no_changes");
        } finally {
          rmSync(drifted, { force: true });
        }
      }, 120_000);
    }
  });
}

/** Why the SQL Server contract run is skipped here, in the skipped suite's name. */
export const MSSQL_SKIP_REASON = "skipped: MSSQL_URL is not set (no SQL Server on this machine)";

/**
 * Runs a repository contract on SQL Server where MSSQL_URL points at one,
 * and otherwise registers it as skipped under a name that says why.
 */
export function onMssqlIfReachable(name: string, run: (url: string) => void): void {
  const url = process.env.MSSQL_URL;
  if (url) run(url);
  else
    describe.skip(`${name} — ${MSSQL_SKIP_REASON}`, () => {
      test("not run", () => {});
    });
}
