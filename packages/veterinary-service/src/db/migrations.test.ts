import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { applySqliteMigrations } from "@vetmesh/kit/db";
import { MIGRATIONS } from "./migrations.ts";

const packageDir = fileURLToPath(new URL("../..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "vet-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs drizzle-kit generate against a copy of the committed migrations; returns its output and new folders. */
async function generateAgainstCopy(dialect: "sqlite" | "mssql") {
  const out = join(dir, dialect);
  cpSync(MIGRATIONS[dialect], out, { recursive: true });
  const before = readdirSync(out).sort();
  const config = join(dir, `${dialect}.config.ts`);
  const schema = join(packageDir, "src/db", `schema-${dialect}.ts`);
  writeFileSync(config, `export default ${JSON.stringify({ dialect, schema, out })};\n`);
  const proc = Bun.spawn([process.execPath, "x", "drizzle-kit", "generate", "--config", config], {
    cwd: packageDir,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
  ]);
  await proc.exited;
  return { output: stdout + stderr, added: readdirSync(out).filter((name) => !before.includes(name)) };
}

describe("committed migrations match the schema", () => {
  for (const dialect of ["sqlite", "mssql"] as const) {
    test(`${dialect}: drizzle-kit generate finds nothing to migrate`, async () => {
      const { output, added } = await generateAgainstCopy(dialect);
      expect(added).toEqual([]);
      expect(output).toContain("No schema changes");
    });
  }
});

describe("sqlite migrations at start", () => {
  test("apply once; a second run applies nothing", () => {
    const db = new Database(":memory:");
    const count = readdirSync(MIGRATIONS.sqlite).length;
    expect(applySqliteMigrations(db, MIGRATIONS.sqlite)).toBe(count);
    expect(applySqliteMigrations(db, MIGRATIONS.sqlite)).toBe(0);
    const tables = db
      .query<{ name: string }, []>(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
    expect(tables).toContain("appointments");
    expect(tables).toContain("consultation_records");
    expect(tables).toContain("vaccinations");
    db.close();
  });

  test("six processes starting at once on one file: all start, exactly one books the slot", async () => {
    const file = join(dir, "race.db");
    const worker = fileURLToPath(new URL("./race-worker.fixture.ts", import.meta.url));
    const procs = Array.from({ length: 6 }, () =>
      Bun.spawn([process.execPath, worker, file], { stdout: "pipe", stderr: "pipe", timeout: 15_000 }),
    );
    const outputs = await Promise.all(procs.map((proc) => new Response(proc.stdout).text()));
    const codes = await Promise.all(procs.map((proc) => proc.exited));
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(outputs.map((o) => o.trim()).sort()).toEqual([
      "created",
      "overlap",
      "overlap",
      "overlap",
      "overlap",
      "overlap",
    ]);
    const db = new Database(file);
    expect(db.query("SELECT count(*) AS n FROM __drizzle_migrations").get()).toEqual({
      n: readdirSync(MIGRATIONS.sqlite).length,
    });
    db.close();
  });
});
