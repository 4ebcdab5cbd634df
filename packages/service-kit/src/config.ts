import { hostname } from "node:os";
import { z } from "zod";
import { mssqlTlsProblem } from "./db/mssql-url.ts";

/** Thrown when the environment does not satisfy a deployable's schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(
    readonly variables: string[],
    message: string,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

const port = z.coerce.number().int().min(0).max(65535);

/** A duration in milliseconds from the environment; shared so every deployable parses them alike. */
export const millis = z.coerce.number().int().min(0).max(86_400_000);

/**
 * The variables every kit-based process understands. Each deployable extends
 * this with its own and parses the result once with {@link loadConfig}.
 */
export function kitConfigShape(defaults: { service: string; grpcPort: number; httpPort: number }) {
  return {
    INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, "letters, digits and . _ : - only")
      .default(`${defaults.service}-${hostname()}-${process.pid}`),
    HOST: z.string().min(1).default("127.0.0.1"),
    ADVERTISE_HOST: z.string().min(1).optional(),
    /**
     * The gRPC port discovery lists, when something in front of the listener forwards to it (a TCP
     * proxy, a port mapping; the fault-injection tests put a delay proxy there). Default: the bound port.
     */
    ADVERTISE_GRPC_PORT: port.min(1).optional(),
    GRPC_PORT: port.default(defaults.grpcPort),
    HTTP_PORT: port.default(defaults.httpPort),
    /**
     * The admin listener (`GET /metrics`), apart from the service port so that whoever reaches the
     * service (the public, for the gateway) cannot read its metrics. Bound to ADMIN_HOST, loopback by
     * default even when HOST is not: Kubernetes sets ADMIN_HOST=0.0.0.0 and lets only Prometheus in.
     * ADMIN_PORT unset: HTTP_PORT + 1 ({@link adminPortOf}).
     */
    ADMIN_HOST: z.string().min(1).default("127.0.0.1"),
    ADMIN_PORT: port.optional(),
    DISCOVERY_URL: z.url().optional(),
    DISCOVERY_TTL_MS: millis.default(5000),
    /**
     * The mesh's shared secret for Register/Heartbeat/Deregister (from the k8s Secret; `make run`
     * generates one per run). Discovery refuses to start off loopback without it.
     */
    DISCOVERY_TOKEN: z.string().min(16, "at least 16 characters").max(512).optional(),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    DRAIN_DELAY_MS: millis.default(150),
    DRAIN_TIMEOUT_MS: millis.default(10_000),
  };
}

/**
 * The admin listener's port: ADMIN_PORT, else HTTP_PORT + 1 (and 0, a free port, when HTTP_PORT is 0,
 * so tests that start several processes on free ports never collide on a fixed admin port).
 */
export function adminPortOf(config: { HTTP_PORT: number; ADMIN_PORT?: number | undefined }): number {
  if (config.ADMIN_PORT !== undefined) return config.ADMIN_PORT;
  return config.HTTP_PORT === 0 ? 0 : config.HTTP_PORT + 1;
}

/** The parsed form of {@link kitConfigShape}. */
export type KitConfig = z.infer<z.ZodObject<ReturnType<typeof kitConfigShape>>>;

/**
 * Parses the environment once at start. Nothing else in a deployable reads
 * process.env, so a bad variable fails here, named, and not at first use.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const picked: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    picked[key] = value === "" ? undefined : value;
  }
  const result = z.object(shape).safeParse(picked);
  if (result.success) {
    const data = result.data as Record<string, unknown>;
    const url = data.DATABASE_URL;
    const problem =
      typeof url === "string"
        ? mssqlTlsProblem(url, data.DATABASE_DEV_TRUST_SERVER_CERTIFICATE === true)
        : null;
    if (problem)
      throw new ConfigError(["DATABASE_URL"], `invalid configuration:\n  DATABASE_URL: ${problem}`);
    return result.data;
  }
  const variables = [...new Set(result.error.issues.map((issue) => String(issue.path[0] ?? "?")))];
  const lines = result.error.issues.map((issue) => `  ${String(issue.path[0] ?? "?")}: ${issue.message}`);
  throw new ConfigError(variables, `invalid configuration:\n${lines.join("\n")}`);
}

/**
 * For main.ts: parse or stop the process with the variable named on stderr
 * and exit code 78 (EX_CONFIG).
 */
export function loadConfigOrExit<S extends z.ZodRawShape>(shape: S): z.infer<z.ZodObject<S>> {
  try {
    return loadConfig(shape);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
