import Redis from "ioredis";

/**
 * The gateway's Redis client: no offline queue (a down Redis fails a command
 * at once, so the limiter and cache fall back instead of waiting), a bounded
 * command time, one attempt per command, and reconnects in the background.
 */
export function createRedis(url: string, commandTimeoutMs: number): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  // Errors surface on each command; the connection's own error events only need not crash the process.
  redis.on("error", () => {});
  return redis;
}
