/**
 * True for SQLite's "database is locked" family (SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, ...), also when
 * wrapped (drizzle puts the driver's error in `cause`). Kept free of bun:sqlite so the kit's RPC
 * interceptor can answer such errors as Unavailable in every process.
 */
export function isSqliteBusy(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (String((e as { code?: unknown }).code).startsWith("SQLITE_BUSY")) return true;
  }
  return false;
}
