import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isSqliteBusy, openSqliteFile, SQLITE_BUSY_TIMEOUT_MS } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "kit-sqlite-durability-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("openSqliteFile: durability and a bounded busy wait", () => {
  test("synchronous=FULL: an acknowledged commit survives power loss (sagas, idempotency keys, the outbox)", () => {
    const db = openSqliteFile(join(dir, "full.db"));
    expect(db.query("PRAGMA synchronous").get()).toEqual({ synchronous: 2 }); // 2 = FULL
    expect(db.query("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    db.close();
  });

  test("the busy timeout stays below a third of the default 5 s discovery lease, so a blocked write cannot starve heartbeats", () => {
    const db = openSqliteFile(join(dir, "busy-pragma.db"));
    expect(db.query("PRAGMA busy_timeout").get()).toEqual({ timeout: SQLITE_BUSY_TIMEOUT_MS });
    expect(SQLITE_BUSY_TIMEOUT_MS).toBeLessThan(5000 / 3);
    db.close();
  });

  test("a write blocked by another connection's lock gives up with SQLITE_BUSY after the bound (not 5 s later)", () => {
    const path = join(dir, "busy.db");
    const db = openSqliteFile(path);
    db.run("CREATE TABLE t (x INTEGER)");
    const holder = new Database(path);
    holder.run("BEGIN IMMEDIATE");
    holder.run("INSERT INTO t VALUES (1)");
    const started = performance.now();
    let caught: unknown;
    try {
      db.run("INSERT INTO t VALUES (2)");
    } catch (error) {
      caught = error;
    }
    const waited = performance.now() - started;
    holder.run("ROLLBACK");
    holder.close();
    expect(isSqliteBusy(caught)).toBe(true);
    // Only a lower bound: it did wait for the lock before giving up (a busy machine can only make it longer).
    expect(waited).toBeGreaterThanOrEqual(SQLITE_BUSY_TIMEOUT_MS * 0.9);
    db.run("INSERT INTO t VALUES (3)");
    expect(db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 1 });
    db.close();
  });
});
