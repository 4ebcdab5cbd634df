import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import type { Role } from "./identity.ts";

/** File names under the local key folder (`.data/auth/`, never committed). */
export const LOCAL_KEY_FILES = { privateKey: "private.jwk", jwks: "jwks.json" } as const;

/**
 * Creates an ES256 signing key for local runs if the folder has none: the
 * private JWK (mode 0600) that `make token` signs with and the public JWKS
 * every process verifies with (AUTH_JWKS_FILE). Idempotent; returns the paths.
 */
export async function ensureLocalKeys(dir: string): Promise<{ privateKey: string; jwks: string }> {
  const privateKey = join(dir, LOCAL_KEY_FILES.privateKey);
  const jwks = join(dir, LOCAL_KEY_FILES.jwks);
  if (existsSync(privateKey) && existsSync(jwks)) return { privateKey, jwks };
  mkdirSync(dir, { recursive: true });
  const pair = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: "ES256" };
  writeFileSync(privateKey, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
  chmodSync(privateKey, 0o600);
  writeFileSync(jwks, `${JSON.stringify({ keys: [{ ...publicJwk, kid, alg: "ES256", use: "sig" }] })}\n`);
  return { privateKey, jwks };
}

/** What a minted token says. */
export interface TokenClaims {
  subject: string;
  role: Role;
  email?: string;
  issuer: string;
  audience: string;
  /** Lifetime in seconds (default 8 hours: one clinic shift). */
  ttlSeconds?: number;
}

/** Signs a token with a private JWK (ES256, its kid in the header): `make token` and the tests use it. */
export async function mintToken(privateJwk: JWK, claims: TokenClaims): Promise<string> {
  const key = await importJWK(privateJwk, privateJwk.alg ?? "ES256");
  const jwt = new SignJWT({ role: claims.role, ...(claims.email ? { email: claims.email } : {}) })
    .setProtectedHeader({ alg: privateJwk.alg ?? "ES256", kid: privateJwk.kid, typ: "JWT" })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 8 * 3600}s`);
  return jwt.sign(key);
}

/** Reads the private JWK that {@link ensureLocalKeys} wrote. */
export function readPrivateJwk(path: string): JWK {
  return JSON.parse(readFileSync(path, "utf8")) as JWK;
}
