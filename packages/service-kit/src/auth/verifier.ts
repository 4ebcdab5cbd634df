import { readFileSync } from "node:fs";
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from "jose";
import { z } from "zod";
import { type AuthConfig, type Identity, ROLES } from "./identity.ts";

/** Asymmetric algorithms only: `none` and HMAC (e.g. HS256 keyed with the public key) never verify. */
export const ACCEPTED_ALGORITHMS = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "EdDSA"];

/** Why a token was refused; the client only ever sees 401 Unauthorized. */
export class AuthError extends Error {
  constructor(readonly reason: string) {
    super(`invalid token: ${reason}`);
    this.name = "AuthError";
  }
}

const claimsSchema = z
  .object({
    sub: z.string().min(1).max(256),
    role: z.enum(ROLES),
    email: z.string().max(320).optional(),
    exp: z.number(),
  })
  .refine((claims) => claims.role !== "owner" || (claims.email ?? "").includes("@"), {
    message: "an owner token must carry the owner's email",
    path: ["email"],
  });

/** Verifies bearer tokens; one per process. */
export interface TokenVerifier {
  /** The identity of a valid token; throws {@link AuthError} for anything else. */
  verify(token: string): Promise<Identity>;
  /**
   * The identity of a token this verifier verified before and still trusts (its cache entry is younger
   * than `cacheMs` and the token is not past `exp`), synchronously; undefined otherwise (call `verify`).
   * Lets the gateway's cache-hit path skip two promise turns per request.
   */
  cached?(token: string): Identity | undefined;
}

/** Where the keys come from and which claims a token must carry. */
export interface TokenVerifierOptions {
  keys: JWTVerifyGetKey;
  audience: string;
  issuer: string;
  /** Verified tokens kept (by their exact text) so a repeat costs a map lookup, not a signature check. */
  cacheSize?: number;
  /** How long a cached verification is trusted at most (it is never trusted past the token's exp). */
  cacheMs?: number;
  clock?: () => number;
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "expired";
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (error instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (error instanceof errors.JWKSNoMatchingKey) return "no matching key";
  if (error instanceof errors.JOSEError) return error.code;
  return "malformed";
}

/**
 * jose's `jwtVerify` with a fixed algorithm list, the configured audience and
 * issuer, `exp` required, a known role, and an email on owner tokens. Results
 * are cached per token for at most `cacheMs` (and never past `exp`), which is
 * what keeps auth within the bench budget on the gateway's cache-hit path.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const clock = options.clock ?? Date.now;
  const cacheSize = options.cacheSize ?? 10_000;
  const cacheMs = options.cacheMs ?? 60_000;
  const cache = new Map<string, { identity: Identity; until: number }>();
  const cached = (token: string, now: number): Identity | undefined => {
    const hit = cache.get(token);
    if (hit === undefined) return undefined;
    if (hit.until > now) return hit.identity;
    cache.delete(token);
    return undefined;
  };
  return {
    cached: (token) => cached(token, clock()),
    async verify(token) {
      const now = clock();
      const hit = cached(token, now);
      if (hit) return hit;
      let payload: unknown;
      try {
        ({ payload } = await jwtVerify(token, options.keys, {
          algorithms: ACCEPTED_ALGORITHMS,
          audience: options.audience,
          issuer: options.issuer,
          requiredClaims: ["exp", "sub"],
          currentDate: new Date(now),
        }));
      } catch (error) {
        throw new AuthError(reasonOf(error));
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        const issue = claims.error.issues[0];
        throw new AuthError(`claim ${issue?.path.join(".") || "set"}: ${issue?.message ?? "invalid"}`);
      }
      const identity: Identity = {
        subject: claims.data.sub,
        role: claims.data.role,
        email: claims.data.email ?? "",
        token,
        expiresAt: claims.data.exp,
      };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      cache.set(token, { identity, until: Math.min(now + cacheMs, claims.data.exp * 1000) });
      return identity;
    },
  };
}

const TOKEN_TEXT = /^[A-Za-z0-9._~+/=-]+$/;

/** Reads `Authorization: Bearer <token>`; undefined when absent, null when present but not a bearer token. */
export function bearerToken(header: string | null | undefined): string | undefined | null {
  if (header === null || header === undefined || header === "") return undefined;
  // What clients send (`Bearer <token>`, no padding): one scan, no trim, no match array.
  if (header.startsWith("Bearer ") && header.charCodeAt(7) !== 32) {
    const token = header.slice(7);
    if (TOKEN_TEXT.test(token)) return token;
  }
  const match = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/**
 * The key source the configuration names: a remote JWKS (jose caches and
 * refreshes it) or a local JWKS file read once at start. Undefined when
 * neither is set; a process in required mode refuses to start then.
 */
export function keysFromConfig(config: AuthConfig): JWTVerifyGetKey | undefined {
  if (config.AUTH_JWKS_URL) return createRemoteJWKSet(new URL(config.AUTH_JWKS_URL));
  if (config.AUTH_JWKS_FILE) {
    const jwks = JSON.parse(readFileSync(config.AUTH_JWKS_FILE, "utf8")) as JSONWebKeySet;
    return createLocalJWKSet(jwks);
  }
  return undefined;
}
