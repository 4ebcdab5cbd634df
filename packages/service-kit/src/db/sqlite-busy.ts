/**
 * Runs `fn`, retrying while SQLite answers SQLITE_BUSY, for at most `boundMs`.
 * SQLite may answer BUSY at once instead of waiting out busy_timeout (its
 * deadlock avoidance, e.g. switching to WAL or taking the write lock while a
 * sibling process that opened the same file first is migrating it), so
 * replicas that start together retry instead of crashing.
 */
export function retryWhileBusy<T>(fn: () => T, boundMs = 15_000): T {
  const deadline = Date.now() + boundMs;
  for (;;) {
    try {
      return fn();
    } catch (error) {
      const code = String((error as { code?: unknown }).code);
      if (!code.startsWith("SQLITE_BUSY") || Date.now() > deadline) throw error;
      Bun.sleepSync(25);
    }
  }
}
