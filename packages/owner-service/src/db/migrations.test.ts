import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeMigrationDrift } from "@vetmesh/kit/db/testing";
import { LAYOUT } from "./migrations.ts";

/** The kit's one drift suite: committed migrations are what drizzle-kit generates from the schema. */
describeMigrationDrift(LAYOUT);

const pkg = LAYOUT.packageDir;
const tmp = mkdtempSync(join(tmpdir(), "owner-migrations-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("start-up migration when instances start together", () => {
  test("eight processes migrating one fresh SQLite file all succeed, each migration applied once", async () => {
    const file = join(tmp, "shared.db");
    const script = join(tmp, "migrate-once.ts");
    writeFileSync(
      script,
      `import { applySqliteMigrations, openSqliteFile } from "@vetmesh/kit/db";
import { MIGRATIONS } from ${JSON.stringify(join(pkg, "src/db/migrations.ts"))};
const db = openSqliteFile(process.argv[2]!);
await Bun.sleep(Number(process.argv[3]) - Date.now()); // a start barrier: without it the race rarely happens
applySqliteMigrations(db, MIGRATIONS.sqlite);
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
