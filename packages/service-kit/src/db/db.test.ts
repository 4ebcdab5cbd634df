import { describe, expect, test } from "bun:test";
import {
  isMssqlUniqueViolation,
  isSqliteUniqueViolation,
  openSqliteFile,
  parseDatabaseUrl,
  sqliteHealth,
} from "./index.ts";

describe("parseDatabaseUrl", () => {
  test("sqlite and mssql forms", () => {
    expect(parseDatabaseUrl("sqlite:.data/owner.db")).toEqual({ dialect: "sqlite", path: ".data/owner.db" });
    expect(parseDatabaseUrl("sqlite::memory:")).toEqual({ dialect: "sqlite", path: ":memory:" });
    expect(parseDatabaseUrl("mssql://sa:pw@db:1433/owner")).toEqual({
      dialect: "mssql",
      url: "mssql://sa:pw@db:1433/owner",
    });
    expect(() => parseDatabaseUrl("postgres://x")).toThrow("must start with sqlite: or mssql://");
  });
});

describe("unique violations", () => {
  test("SQLite's constraint error is recognised through drizzle-style wrapping", () => {
    const db = openSqliteFile(":memory:");
    db.run("CREATE TABLE t (email TEXT UNIQUE)");
    db.run("INSERT INTO t VALUES ('a')");
    let caught: unknown;
    try {
      db.run("INSERT INTO t VALUES ('a')");
    } catch (error) {
      caught = new Error("Failed query", { cause: error });
    }
    expect(isSqliteUniqueViolation(caught)).toBe(true);
    expect(isSqliteUniqueViolation(new Error("other"))).toBe(false);
    expect(sqliteHealth(db)()).toBeNull();
    db.close();
    expect(sqliteHealth(db)()).toBe("database unreachable");
  });

  test("SQL Server numbers 2627 and 2601", () => {
    expect(isMssqlUniqueViolation({ number: 2627 })).toBe(true);
    expect(isMssqlUniqueViolation(new Error("wrapped", { cause: { number: 2601 } }))).toBe(true);
    expect(isMssqlUniqueViolation({ number: 547 })).toBe(false);
  });
});
