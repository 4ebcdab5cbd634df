import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The committed migrations must be exactly what drizzle-kit would generate
 * from the schema: `drizzle-kit generate --explain` is a dry run that diffs
 * the schema against the committed snapshots and reports the planned change.
 */
const pkg = fileURLToPath(new URL("../..", import.meta.url));
const kit = join(pkg, "node_modules/.bin/drizzle-kit");
const tmp = mkdtempSync(join(tmpdir(), "owner-migrations-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function explain(dialect: "sqlite" | "mssql", schema: string): { status: string } {
  const out_ = join(pkg, "drizzle", dialect);
  const args = [
    "generate",
    "--dialect",
    dialect,
    "--schema",
    schema,
    "--out",
    out_,
    "--explain",
    "--output",
    "json",
  ];
  const run = Bun.spawnSync([kit, ...args], { cwd: pkg });
  const out = run.stdout.toString();
  const json = out.slice(out.indexOf("{"));
  if (run.exitCode !== 0 || !json) throw new Error(`drizzle-kit failed: ${out}${run.stderr.toString()}`);
  return JSON.parse(json);
}

describe("committed migrations match the schema", () => {
  for (const dialect of ["sqlite", "mssql"] as const) {
    const schema = join(pkg, "src/db", `schema-${dialect}.ts`);
    test(`${dialect}: drizzle-kit plans no change`, () => {
      expect(explain(dialect, schema).status).toBe("no_changes");
    }, 30_000);
    test(`${dialect}: the check does fail when the schema drifts (a column added)`, () => {
      // Beside the real schema so its imports resolve; removed at once.
      const drifted = join(pkg, "src/db", `.drifted-${crypto.randomUUID()}.ts`);
      const source = readFileSync(schema, "utf8").replace(
        "    email: ",
        dialect === "sqlite"
          ? '    nickname: text("nickname"),\n    email: '
          : '    nickname: nvarchar("nickname", { length: 50 }),\n    email: ',
      );
      writeFileSync(drifted, source);
      try {
        expect(explain(dialect, drifted).status).not.toBe("no_changes");
      } finally {
        rmSync(drifted, { force: true });
      }
    }, 30_000);
  }
});

describe("start-up migration when instances start together", () => {
  test("eight processes migrating one fresh SQLite file all succeed, each migration applied once", async () => {
    const file = join(tmp, "shared.db");
    const script = join(tmp, "migrate-once.ts");
    writeFileSync(
      script,
      `import { applySqliteMigrations, openSqliteFile } from "@vetmesh/kit/db";
import { SQLITE_MIGRATIONS } from ${JSON.stringify(join(pkg, "src/db/sqlite-repository.ts"))};
const db = openSqliteFile(process.argv[2]!);
await Bun.sleep(Number(process.argv[3]) - Date.now()); // a start barrier: without it the race rarely happens
applySqliteMigrations(db, SQLITE_MIGRATIONS);
db.close();`,
    );
    // Run from the package so "@vetmesh/kit/db" resolves through its node_modules.
    const local = join(pkg, `.migrate-once-${crypto.randomUUID()}.ts`);
    copyFileSync(script, local);
    try {
      // All start migrating at the same instant; drizzle's own migrate() then fails with
      // "table `owners` already exists" in some of them (seen when this test was written).
      const startAt = String(Date.now() + 1500);
      const children = Array.from({ length: 8 }, () =>
        Bun.spawn([process.execPath, local, file, startAt], { cwd: pkg, stdout: "pipe", stderr: "pipe" }),
      );
      const codes = await Promise.all(children.map((child) => child.exited));
      const errors = await Promise.all(children.map((child) => new Response(child.stderr).text()));
      expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: Array(8).fill(0), errors: [] });
    } finally {
      rmSync(local, { force: true });
    }
    const db = new Database(file, { readonly: true });
    const applied = db.query("SELECT name FROM __drizzle_migrations").all();
    const tables = db
      .query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all();
    db.close();
    expect(applied).toHaveLength(2);
    expect(tables).toEqual([
      { name: "__drizzle_migrations" },
      { name: "owners" },
      { name: "pets" },
      { name: "removal_sagas" },
    ]);
  }, 30_000);
});
