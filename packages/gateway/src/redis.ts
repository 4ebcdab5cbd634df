import type { Logger } from "@vetmesh/kit";
import Redis from "ioredis";

/**
 * The gateway's Redis client: no offline queue (a down Redis fails a command
 * at once, so the limiter and cache fall back instead of waiting), a bounded
 * command time, one attempt per command, and reconnects in the background.
 * Each change between reachable and unreachable is said once in the log
 * (the per-request fallbacks log at debug level only).
 */
export function createRedis(url: string, commandTimeoutMs: number, logger?: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 1000,
    lazyConnect: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
  });
  const where = new URL(url).host;
  let reachable: boolean | undefined;
  redis.on("ready", () => {
    if (reachable !== true)
      logger?.info("redis reachable: shared rate limits and cache in use", { redis: where });
    reachable = true;
  });
  // Errors surface on each command; the connection's own error events only need not crash the process.
  redis.on("error", (error: Error) => {
    if (reachable !== false) {
      logger?.warn("redis unreachable: rate limits and cache fall back to this process until it returns", {
        redis: where,
        error: error.message,
      });
    }
    reachable = false;
  });
  return redis;
}
