import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import { authConfigShape } from "@vetmesh/kit/auth";
import { z } from "zod";
import { parsePolicy } from "./domain/rate-policy.ts";

const policy = z
  .string()
  .regex(/^\d+\/\d+$/, "expected <points>/<seconds>, e.g. 300/60")
  .transform((value) => parsePolicy(value));

const positive = z.coerce.number().int().min(1);

const commaList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/**
 * Environment of the gateway, parsed once in main.ts. Every limit the public
 * API depends on (deadlines, rate-limit policies, breaker thresholds, cache
 * TTL, body size) is here so operators tune it without a rebuild.
 */
export const configShape = {
  ...kitConfigShape({ service: "gateway", grpcPort: 0, httpPort: 8080 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** Bearer JWTs (jose): mode, key source, audience, issuer. See the README's access table. */
  ...authConfigShape,
  REDIS_URL: z.string().min(1).default("redis://127.0.0.1:6379"),
  /** Prefix of every Redis key the gateway writes; tests use a unique one per run. */
  REDIS_KEY_PREFIX: z.string().min(1).default("vetmesh:gateway:"),
  /** Bound on one Redis command so a hung Redis degrades to the fallbacks instead of stalling requests. */
  REDIS_COMMAND_TIMEOUT_MS: millis.default(250),
  /** Deadline of ordinary routes, propagated to the RPC as its timeout. */
  TIMEOUT_DEFAULT_MS: millis.default(5000),
  /** remove-data waits for the saga up to this deadline, then answers 202. */
  TIMEOUT_REMOVE_DATA_MS: millis.default(10_000),
  /** Deadline of /api/test/timeout; its upstream call is asked to wait longer than this. */
  TIMEOUT_TEST_MS: millis.default(1000),
  /** Reads (GET routes and read RPCs). */
  RATE_LIMIT_READ: policy.default(parsePolicy("300/60")),
  /** Writes (POST/DELETE routes and write RPCs). */
  RATE_LIMIT_WRITE: policy.default(parsePolicy("60/60")),
  /** /api/test/rate-limit: tight so that a burst of 20 sees 429s. */
  RATE_LIMIT_TEST: policy.default(parsePolicy("10/10")),
  /** Peers (exact IPs) whose X-Forwarded-For is believed; everyone else is keyed by socket address. */
  TRUSTED_PROXIES: commaList,
  /** Allowed CORS origins; empty (the default) turns CORS off. `*` allows any origin. */
  CORS_ORIGINS: commaList,
  /** TTL of the cached owner pet lists. */
  CACHE_TTL_MS: millis.default(30_000),
  /** Rolling window over which a target service's breaker measures its failure ratio. */
  BREAKER_WINDOW_MS: millis.min(1).default(10_000),
  /** Calls that must have finished in the window before the breaker may open: a few failures alone don't. */
  BREAKER_MIN_CALLS: positive.default(5),
  /** Failure ratio (0 < r ≤ 1) over the window that opens the breaker: the service, not one instance, fails. */
  BREAKER_FAILURE_RATIO: z.coerce.number().gt(0).max(1).default(0.5),
  /** How long an open breaker rejects before letting probes through. */
  BREAKER_COOLDOWN_MS: millis.default(10_000),
  /** Probes allowed (and successes needed) while half-open. */
  BREAKER_HALF_OPEN_PROBES: positive.default(1),
  /** Largest request body accepted; larger ones get 413. */
  BODY_LIMIT_BYTES: positive.default(64 * 1024),
  /** Folder of the built web app served at `/`; empty = packages/web/dist of this checkout (make init builds it). */
  WEB_DIR: z.string().default(""),
};

/** Parsed configuration of the gateway. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;

/** The configuration used when nothing is set (tests start from it and override). */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...z.object(configShape).parse({}), ...overrides };
}
