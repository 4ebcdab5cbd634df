/**
 * The "nothing left behind" half of the removal saga's invariant: after an
 * owner is removed, no text column of any table of any service database, and
 * no file of the mailbox folder, may still mention the owner's personal data
 * (email address, pet names). Every table is scanned (read from sqlite_master),
 * so a table added later is covered without touching this file.
 */
import { Database } from "bun:sqlite";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseFiles } from "./invariants.ts";

function scanDatabase(label: string, path: string, needles: string[]): string[] {
  const found: string[] = [];
  const db = new Database(path, { readonly: true });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    const tables = db
      .query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%'",
      )
      .all() as Array<{ name: string }>;
    for (const { name: table } of tables) {
      const columns = db.query(`SELECT name, type FROM pragma_table_info(?)`).all(table) as Array<{
        name: string;
        type: string;
      }>;
      for (const column of columns.filter((c) => /TEXT|CHAR|CLOB/i.test(c.type))) {
        for (const needle of needles) {
          const row = db
            .query(`SELECT count(*) AS n FROM "${table}" WHERE instr(lower("${column.name}"), lower(?)) > 0`)
            .get(needle) as { n: number };
          if (row.n > 0)
            found.push(`${label}.${table}.${column.name}: ${row.n} row(s) mention ${JSON.stringify(needle)}`);
        }
      }
    }
  } finally {
    db.close();
  }
  return found;
}

/** Every place that still mentions one of `needles` (case-insensitive); [] when the data is gone. */
export function personalDataLeft(places: DatabaseFiles, needles: string[]): string[] {
  const wanted = needles.map((n) => n.trim()).filter((n) => n !== "");
  const found: string[] = [];
  for (const label of ["owner", "veterinary", "notification"] as const) {
    const path = places[label];
    if (path && existsSync(path)) found.push(...scanDatabase(label, path, wanted));
  }
  if (places.mailbox && existsSync(places.mailbox)) {
    for (const file of readdirSync(places.mailbox)) {
      const text = `${file}\n${readFileSync(join(places.mailbox, file), "utf8")}`.toLowerCase();
      for (const needle of wanted) {
        if (text.includes(needle.toLowerCase()))
          found.push(`mailbox ${file} mentions ${JSON.stringify(needle)}`);
      }
    }
  }
  return found;
}
