import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { applySqliteMigrations } from "@vetmesh/kit/db";
import { describeMigrationDrift } from "@vetmesh/kit/db/testing";
import { LAYOUT, MIGRATIONS } from "./migrations.ts";

const dir = mkdtempSync(join(tmpdir(), "vet-migrations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The kit's one drift suite: committed migrations are what drizzle-kit generates from the schema. */
describeMigrationDrift(LAYOUT);

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
  }, 30_000); // six cold Bun starts take ~5 s on a busy machine; each process is bounded at 15 s
});
