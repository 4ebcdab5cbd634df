import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import { z } from "zod";

/** Environment of the discovery service; parsed once in main.ts. */
export const configShape = {
  ...kitConfigShape({ service: "discovery", grpcPort: 7000, httpPort: 7001 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** With it, leases live in Redis and several discovery replicas share them (Kubernetes); else in memory. */
  REDIS_URL: z.url().optional(),
  /** Key prefix in Redis, so that several systems (or test runs) can share one Redis. */
  DISCOVERY_REDIS_PREFIX: z.string().min(1).default("vetmesh:discovery:"),
  /** Lease length for registrations that ask for ttl_ms 0. */
  DISCOVERY_DEFAULT_TTL_MS: millis.default(5000),
  /** How often expired leases are swept and announced; expiry is seen within TTL + this. */
  DISCOVERY_SWEEP_MS: millis.default(250),
};

/** Parsed configuration of the discovery service. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Why this configuration must not start, or null: a discovery reachable from
 * other hosts without DISCOVERY_TOKEN would let anyone register an instance
 * (and receive its traffic) or deregister the real ones.
 */
export function insecureReason(config: Pick<Config, "HOST" | "DISCOVERY_TOKEN">): string | null {
  if (config.DISCOVERY_TOKEN || LOOPBACK.has(config.HOST)) return null;
  return `DISCOVERY_TOKEN: required when HOST is not loopback (HOST=${config.HOST})`;
}
