import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { z } from "zod";
import type { HealthCheck } from "../status.ts";

export { isSqliteBusy } from "./busy-error.ts";
export { type Dialect, type MigrationLayout, migrationLayout } from "./layout.ts";
export { applySqliteMigrations } from "./migrations.ts";
export { type MssqlPoolConfig, mssqlPoolConfig, mssqlTlsProblem } from "./mssql-url.ts";
export { retryWhileBusy } from "./sqlite-busy.ts";

import { retryWhileBusy } from "./sqlite-busy.ts";

/** Which database a service runs on, chosen by DATABASE_URL. */
export type DatabaseTarget = { dialect: "sqlite"; path: string } | { dialect: "mssql"; url: string };

/**
 * Parses DATABASE_URL: `sqlite:<path>` (or `sqlite::memory:`) for the embedded
 * default, `mssql://user:pass@host:1433/db` (or `sqlserver://`) for SQL Server.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (!path) throw new Error("sqlite URL has no path");
    return { dialect: "sqlite", path };
  }
  if (/^(mssql|sqlserver):\/\//.test(url)) return { dialect: "mssql", url };
  throw new Error("must start with sqlite: or mssql://");
}

/**
 * DATABASE_DEV_TRUST_SERVER_CERTIFICATE: "true" admits `trustServerCertificate=true` in a SQL
 * Server DATABASE_URL (a self-signed development server, e.g. the local overlay's); default false,
 * so production verifies the server's certificate (loadConfig refuses the URL otherwise).
 */
export const devTrustServerCertificate = z
  .enum(["true", "false"])
  .default("false")
  .transform((value) => value === "true");

/** Zod field for DATABASE_URL, so a bad URL stops the process naming the variable. */
export const databaseUrl = z.string().refine(
  (value) => {
    try {
      parseDatabaseUrl(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: "must be sqlite:<path> or mssql://user:password@host:port/database" },
);

/**
 * How long one SQLite statement waits for another connection's lock. bun:sqlite
 * calls are synchronous, so this wait blocks the whole event loop (heartbeats,
 * /status, every other call): it stays well below a third of the default 5 s
 * discovery lease, so a blocked write delays at most one heartbeat. A statement
 * that still finds the lock taken fails with SQLITE_BUSY, which the kit answers
 * as Unavailable (retryable), not as an internal error.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 1000;

/**
 * Opens an SQLite file the way every service needs it: WAL so two instances
 * can share one file, a bounded busy timeout ({@link SQLITE_BUSY_TIMEOUT_MS}),
 * `synchronous=FULL` (in WAL mode NORMAL may lose the last acknowledged
 * commits on power loss, and saga steps, idempotency keys and the outbox are
 * acknowledged state), and foreign keys enforced.
 */
export function openSqliteFile(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, readwrite: true, strict: true });
  db.run(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  if (path !== ":memory:") retryWhileBusy(() => db.run("PRAGMA journal_mode = WAL"));
  db.run("PRAGMA synchronous = FULL");
  db.run("PRAGMA foreign_keys = ON");
  return db;
}

/** /status check for an SQLite-backed service. */
export function sqliteHealth(db: Database): HealthCheck {
  return () => {
    try {
      db.query("SELECT 1").get();
      return null;
    } catch {
      return "database unreachable";
    }
  };
}

/** True for SQL Server's unique-constraint (2627) and unique-index (2601) violations. */
export function isMssqlUniqueViolation(error: unknown): boolean {
  const number = findErrorProperty(error, "number");
  return number === 2627 || number === 2601;
}

/** True for SQLite's UNIQUE / PRIMARY KEY constraint failures. */
export function isSqliteUniqueViolation(error: unknown): boolean {
  const code = findErrorProperty(error, "code");
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Drizzle wraps driver errors; look through `cause` for the driver's property. */
function findErrorProperty(error: unknown, key: string): unknown {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object"; depth++) {
    const value = (current as Record<string, unknown>)[key];
    if (value !== undefined) return value;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
