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
  /** Synchronous when it can be (open mode, no token, a token verified before): the cache-hit path. */
  authenticate(authorization: string | undefined): Authentication | Promise<Authentication>;
}

const ANONYMOUS: Authentication = Object.freeze({ kind: "anonymous" });
const NOT_BEARER: Authentication = Object.freeze({ kind: "refused", reason: "not a bearer token" });

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
  const verifyAfresh = async (token: string): Promise<Authentication> => {
    if (!verifier) return NOT_BEARER;
    try {
      return { kind: "verified", identity: await verifier.verify(token) };
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      logger.info("token refused", { reason: error.reason });
      return { kind: "refused", reason: error.reason };
    }
  };
  return {
    mode,
    authenticate(authorization) {
      if (mode === "open") return ANONYMOUS;
      const token = bearerToken(authorization);
      if (token === undefined) return ANONYMOUS;
      if (token === null || !verifier) return NOT_BEARER;
      const identity = verifier.cached?.(token);
      return identity ? { kind: "verified", identity } : verifyAfresh(token);
    },
  };
}
