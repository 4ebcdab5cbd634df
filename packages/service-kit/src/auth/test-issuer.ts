import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, type JSONWebKeySet, type JWK } from "jose";
import type { Role } from "./identity.ts";
import { ensureLocalKeys, mintToken } from "./local-keys.ts";
import { createTokenVerifier, type TokenVerifier } from "./verifier.ts";

/** A real signing key in a temporary folder, for tests that need valid tokens (no mock: jose signs and verifies). */
export interface TestIssuer {
  dir: string;
  jwksFile: string;
  privateJwk: JWK;
  jwks: JSONWebKeySet;
  verifier(): TokenVerifier;
  token(role: Role, email?: string, subject?: string): Promise<string>;
  close(): void;
}

/** Creates a {@link TestIssuer} with the default issuer and audience (vetmesh-local, vetmesh). */
export async function createTestIssuer(): Promise<TestIssuer> {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-auth-"));
  const files = await ensureLocalKeys(dir);
  const privateJwk = JSON.parse(readFileSync(files.privateKey, "utf8")) as JWK;
  const jwks = JSON.parse(readFileSync(files.jwks, "utf8")) as JSONWebKeySet;
  return {
    dir,
    jwksFile: files.jwks,
    privateJwk,
    jwks,
    verifier: () =>
      createTokenVerifier({ keys: createLocalJWKSet(jwks), audience: "vetmesh", issuer: "vetmesh-local" }),
    token: (role, email, subject) =>
      mintToken(privateJwk, {
        role,
        email,
        subject: subject ?? email ?? `${role}-test`,
        issuer: "vetmesh-local",
        audience: "vetmesh",
      }),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
