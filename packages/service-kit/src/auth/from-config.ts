import type { Interceptor } from "@connectrpc/connect";
import { ConfigError } from "../config.ts";
import type { Logger } from "../logger.ts";
import { type AuthConfig, type AuthMode, resolveAuthMode } from "./identity.ts";
import { createAuthInterceptor } from "./interceptor.ts";
import { createTokenVerifier, keysFromConfig, type TokenVerifier } from "./verifier.ts";

/** What a process needs to check callers, built once in main.ts. */
export interface ProcessAuth {
  mode: AuthMode;
  verifier?: TokenVerifier;
  /** For services: the server interceptor that enforces the policy table. */
  interceptor: Interceptor;
}

/**
 * Builds the mode and verifier from the auth variables. Required mode without
 * a key source is a configuration error (exit 78 naming AUTH_JWKS_URL); open
 * mode is logged loudly, once, at start: nothing checks who calls.
 */
export function createProcessAuth(
  config: AuthConfig & { HOST: string },
  logger: Logger,
  options: { cacheMs?: number } = {},
): ProcessAuth {
  const mode = resolveAuthMode(config);
  const keys = keysFromConfig(config);
  if (mode === "required" && !keys) {
    throw new ConfigError(
      ["AUTH_JWKS_URL"],
      "invalid configuration:\n  AUTH_JWKS_URL: AUTH_MODE=required needs AUTH_JWKS_URL or AUTH_JWKS_FILE",
    );
  }
  const verifier = keys
    ? createTokenVerifier({
        keys,
        audience: config.AUTH_AUDIENCE,
        issuer: config.AUTH_ISSUER,
        cacheMs: options.cacheMs,
      })
    : undefined;
  if (mode === "open") {
    logger.warn("AUTH_MODE=open: anyone who reaches this process can read and change every record", {
      authMode: mode,
      host: config.HOST,
    });
  } else {
    logger.info("auth required", {
      authMode: mode,
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
    });
  }
  return { mode, verifier, interceptor: createAuthInterceptor({ mode, verifier, logger }) };
}

/** For main.ts: {@link createProcessAuth}, or exit 78 naming the variable, like a bad config. */
export function createProcessAuthOrExit(
  config: AuthConfig & { HOST: string },
  logger: Logger,
  options: { cacheMs?: number } = {},
): ProcessAuth {
  try {
    return createProcessAuth(config, logger, options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
