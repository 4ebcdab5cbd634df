import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeMigrationDrift } from "@vetmesh/kit/db/testing";
import { LAYOUT } from "./migrations.ts";

const packageDir = LAYOUT.packageDir;
const dir = mkdtempSync(join(tmpdir(), "notification-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The kit's one drift suite: committed migrations are what drizzle-kit generates from the schema. */
describeMigrationDrift(LAYOUT);

describe("migrations at start", () => {
  test("four processes opening one new SQLite file at once all succeed and apply it once", async () => {
    const file = join(dir, "race.db");
    const script = join(import.meta.dir, "open-repository.ts");
    const code = `const { openOutboxRepository } = await import(${JSON.stringify(script)}); const r = await openOutboxRepository(${JSON.stringify(`sqlite:${file}`)}); await r.close();`;
    const children = Array.from({ length: 4 }, () =>
      Bun.spawn([process.execPath, "-e", code], { cwd: packageDir, stdout: "pipe", stderr: "pipe" }),
    );
    const timer = setTimeout(() => {
      for (const child of children) child.kill();
    }, 30_000);
    const codes = await Promise.all(children.map((child) => child.exited));
    clearTimeout(timer);
    const errors = await Promise.all(children.map((child) => new Response(child.stderr).text()));
    expect({ codes, errors: errors.filter(Boolean) }).toEqual({ codes: [0, 0, 0, 0], errors: [] });
    const db = new Database(file, { readonly: true });
    const applied = db.query("select count(*) as n from __drizzle_migrations").get() as { n: number };
    const tables = db
      .query("select name from sqlite_master where type = 'table' and name = 'outbox_messages'")
      .all();
    db.close();
    expect(applied.n).toBe(1);
    expect(tables).toEqual([{ name: "outbox_messages" }]);
  }, 40_000);
});
