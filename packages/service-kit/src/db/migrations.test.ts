import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applySqliteMigrations } from "./migrations.ts";

const root = mkdtempSync(join(tmpdir(), "kit-migrations-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes a drizzle-kit v1 folder: one `<timestamp>_<name>/migration.sql` per migration. */
function migrationsFolder(name: string, migrations: Record<string, string[]>): string {
  const folder = join(root, name);
  for (const [dir, statements] of Object.entries(migrations)) {
    mkdirSync(join(folder, dir), { recursive: true });
    writeFileSync(join(folder, dir, "migration.sql"), statements.join("\n--> statement-breakpoint\n"));
  }
  return folder;
}

function tables(db: Database): string[] {
  return db
    .query<{ name: string }, []>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((row) => row.name);
}

describe("applySqliteMigrations", () => {
  test("applies each migration once, in folder order; a second call applies 0", () => {
    const folder = migrationsFolder("good", {
      "20260101000000_first": ["CREATE TABLE `a` (`id` text PRIMARY KEY);", "CREATE TABLE `b` (`id` text);"],
      "20260102000000_second": ["ALTER TABLE `a` ADD `note` text;"],
    });
    const db = new Database(":memory:");
    expect(applySqliteMigrations(db, folder)).toBe(2);
    expect(applySqliteMigrations(db, folder)).toBe(0);
    expect(tables(db)).toEqual(["__drizzle_migrations", "a", "b"]);
    expect(db.query("SELECT name, created_at FROM __drizzle_migrations ORDER BY id").all()).toEqual([
      { name: "20260101000000_first", created_at: Date.UTC(2026, 0, 1) },
      { name: "20260102000000_second", created_at: Date.UTC(2026, 0, 2) },
    ]);
    expect(db.query("SELECT name FROM pragma_table_info('a') ORDER BY cid").all()).toEqual([
      { name: "id" },
      { name: "note" },
    ]);
    db.close();
  });

  test("a broken statement rolls back everything: no table, no bookkeeping row", () => {
    const folder = migrationsFolder("broken", {
      "20260101000000_first": ["CREATE TABLE `a` (`id` text PRIMARY KEY);"],
      "20260102000000_second": ["CREATE TABLE `c` (`id` text);", "CREATE TABLE `a` (`id` text);"],
    });
    const db = new Database(":memory:");
    expect(() => applySqliteMigrations(db, folder)).toThrow("table `a` already exists");
    expect(tables(db)).toEqual([]);
    db.close();
  });

  test("after a good run, a later broken migration leaves the database as it was", () => {
    const folder = migrationsFolder("later", {
      "20260101000000_first": ["CREATE TABLE `a` (`id` text PRIMARY KEY);"],
    });
    const db = new Database(":memory:");
    expect(applySqliteMigrations(db, folder)).toBe(1);
    migrationsFolder("later", {
      "20260102000000_second": ["CREATE TABLE `c` (`id` text);"],
      "20260103000000_third": ["INSERT INTO `missing` VALUES (1);"],
    });
    expect(() => applySqliteMigrations(db, folder)).toThrow("no such table: missing");
    expect(tables(db)).toEqual(["__drizzle_migrations", "a"]);
    expect(db.query("SELECT name FROM __drizzle_migrations").all()).toEqual([
      { name: "20260101000000_first" },
    ]);
    db.close();
  });
});
