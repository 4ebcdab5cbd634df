import type { Logger } from "@vetmesh/kit";
import { AuthError, type AuthMode, bearerToken, type Identity, type TokenVerifier } from "@vetmesh/kit/auth";

/** The outcome of reading a request's credentials. */
export type Authentication =
  | { kind: "anonymous" }
  | { kind: "verified"; identity: Identity }
  | { kind: "refused"; reason: string };

/** Reads and verifies the bearer token of one request. */
export interface Authenticator {
  mode: AuthMode;
  authenticate(authorization: string | undefined): Promise<Authentication>;
}

/**
 * Required mode verifies the bearer token (jose, through the kit's verifier
 * and its per-token cache); open mode ignores credentials altogether, so the
 * first version's anonymous API stays byte-exact.
 */
export function createAuthenticator(options: {
  mode: AuthMode;
  verifier?: TokenVerifier;
  logger: Logger;
}): Authenticator {
  const { mode, verifier, logger } = options;
  return {
    mode,
    async authenticate(authorization) {
      if (mode === "open") return { kind: "anonymous" };
      const token = bearerToken(authorization);
      if (token === undefined) return { kind: "anonymous" };
      if (token === null || !verifier) return { kind: "refused", reason: "not a bearer token" };
      try {
        return { kind: "verified", identity: await verifier.verify(token) };
      } catch (error) {
        if (!(error instanceof AuthError)) throw error;
        logger.info("token refused", { reason: error.reason });
        return { kind: "refused", reason: error.reason };
      }
    },
  };
}
