/**
 * Real tokens for a running system: signed with the private key that
 * scripts/run.ts generated in the system's data folder (the same key
 * `make token` uses), verified by the processes through AUTH_JWKS_FILE.
 */
import { join } from "node:path";
import { mintToken, type Role, readPrivateJwk } from "@vetmesh/kit/auth";
import { importJWK, type JWK, SignJWT } from "jose";

/** Mints tokens for one system. */
export interface SystemTokens {
  privateJwk: JWK;
  /** A valid token for the role (owners pass their email). */
  token(role: Role, email?: string): Promise<string>;
  /** `{ authorization: "Bearer …" }` for the role. */
  bearer(role: Role, email?: string): Promise<Record<string, string>>;
  /** A token signed with the system's real key whose claims are exactly these (for refusal tests). */
  signed(claims: Record<string, unknown>): Promise<string>;
}

/** Tokens signed by the key under `<dataDir>/auth/`. */
export function systemTokens(dataDir: string): SystemTokens {
  const privateJwk = readPrivateJwk(join(dataDir, "auth", "private.jwk"));
  const token = (role: Role, email?: string) =>
    mintToken(privateJwk, {
      role,
      email,
      subject: email ?? `${role}-${crypto.randomUUID().slice(0, 8)}`,
      issuer: "vetmesh-local",
      audience: "vetmesh",
    });
  return {
    privateJwk,
    token,
    bearer: async (role, email) => ({ authorization: `Bearer ${await token(role, email)}` }),
    async signed(claims) {
      const key = await importJWK(privateJwk, "ES256");
      return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: privateJwk.kid }).sign(key);
    },
  };
}
