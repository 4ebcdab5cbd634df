import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const packageDir = join(import.meta.dir, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "notification-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function explain(dialect: "sqlite" | "mssql"): Promise<unknown> {
  const child = Bun.spawn(
    [
      process.execPath,
      "x",
      "drizzle-kit",
      "generate",
      "--dialect",
      dialect,
      "--schema",
      `./src/db/schema-${dialect}.ts`,
      "--out",
      `./src/db/drizzle/${dialect}`,
      "--explain",
      "--output",
      "json",
    ],
    { cwd: packageDir, stdout: "pipe", stderr: "pipe" },
  );
  const timer = setTimeout(() => child.kill(), 60_000);
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  clearTimeout(timer);
  expect(code).toBe(0);
  return JSON.parse(out.trim().split("\n").at(-1) ?? "null");
}

describe("committed migrations match the schemas (drizzle-kit generate --explain)", () => {
  test("SQLite", async () => {
    expect(await explain("sqlite")).toEqual({ status: "no_changes", dialect: "sqlite" });
  }, 60_000);
  test("SQL Server", async () => {
    expect(await explain("mssql")).toEqual({ status: "no_changes", dialect: "mssql" });
  }, 60_000);
});

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
