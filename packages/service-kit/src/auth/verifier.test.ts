import { afterAll, describe, expect, test } from "bun:test";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { mintToken } from "./local-keys.ts";
import { createTestIssuer } from "./test-issuer.ts";
import { AuthError, bearerToken, createTokenVerifier } from "./verifier.ts";

const issuer = await createTestIssuer();
afterAll(() => issuer.close());

const now = () => Math.floor(Date.now() / 1000);
const key = await (async () => {
  const { importJWK } = await import("jose");
  return importJWK(issuer.privateJwk, "ES256");
})();
const kid = issuer.privateJwk.kid as string;

/** A token signed with the issuer's real key, claims as given. */
function signed(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
  return new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid, ...header }).sign(key);
}
const good = { sub: "vet-1", role: "vet", iss: "vetmesh-local", aud: "vetmesh" };

/** A verifier of the test issuer on a clock the test moves. */
function clockedVerifier(cacheMs: number) {
  const now = Date.now();
  let clock = now;
  const verifier = createTokenVerifier({
    keys: createLocalJWKSet(issuer.jwks),
    audience: "vetmesh",
    issuer: "vetmesh-local",
    clock: () => clock,
    cacheMs,
  });
  return { verifier, now, advance: (ms: number) => (clock += ms) };
}

async function refusal(token: string): Promise<string> {
  try {
    await issuer.verifier().verify(token);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).reason;
  }
  throw new Error("token was accepted");
}

describe("token verifier (jose)", () => {
  test("a token from make token's minter verifies to its identity", async () => {
    const token = await issuer.token("owner", "Ann@Example.com");
    const identity = await issuer.verifier().verify(token);
    expect(identity).toMatchObject({
      subject: "Ann@Example.com",
      role: "owner",
      email: "Ann@Example.com",
      token,
    });
    expect(identity.expiresAt).toBeGreaterThan(now());
  });

  const cases: Array<[string, () => Promise<string>, string]> = [
    ["expired", () => signed({ ...good, exp: now() - 120 }), "expired"],
    [
      "not yet valid (nbf in an hour)",
      () => signed({ ...good, exp: now() + 7200, nbf: now() + 3600 }),
      "claim nbf",
    ],
    ["wrong audience", () => signed({ ...good, aud: "someone-else", exp: now() + 600 }), "claim aud"],
    ["wrong issuer", () => signed({ ...good, iss: "evil", exp: now() + 600 }), "claim iss"],
    ["no exp", () => signed({ ...good }), "claim exp"],
    [
      "no sub",
      () => signed({ role: "vet", iss: "vetmesh-local", aud: "vetmesh", exp: now() + 600 }),
      "claim sub",
    ],
    [
      "missing role",
      () => signed({ sub: "x", iss: "vetmesh-local", aud: "vetmesh", exp: now() + 600 }),
      "role",
    ],
    ["unknown role", () => signed({ ...good, role: "root", exp: now() + 600 }), "role"],
    ["owner without email", () => signed({ ...good, role: "owner", exp: now() + 600 }), "email"],
    [
      "alg none",
      async () =>
        new UnsecuredJWT({ ...good, role: "admin" })
          .setIssuer("vetmesh-local")
          .setAudience("vetmesh")
          .setExpirationTime("1h")
          .encode(),
      "algorithm not allowed",
    ],
    [
      "HS256 keyed with the public key",
      async () => {
        const publicJwk = issuer.jwks.keys[0]!;
        const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
        return new SignJWT({ ...good, exp: now() + 600 })
          .setProtectedHeader({ alg: "HS256", kid })
          .sign(secret);
      },
      "algorithm not allowed",
    ],
    [
      "signed by another key with the same kid",
      async () => {
        const other = await generateKeyPair("ES256");
        return new SignJWT({ ...good, exp: now() + 600 })
          .setProtectedHeader({ alg: "ES256", kid })
          .sign(other.privateKey);
      },
      "bad signature",
    ],
    [
      "signature of another token (tampered payload)",
      async () => {
        const [h, , s] = (await signed({ ...good, exp: now() + 600 })).split(".");
        const payload = Buffer.from(JSON.stringify({ ...good, role: "admin", exp: now() + 600 })).toString(
          "base64url",
        );
        return `${h}.${payload}.${s}`;
      },
      "bad signature",
    ],
    ["malformed", async () => "not.a.jwt", "ERR_JWS_INVALID"],
    ["empty segments", async () => "..", "ERR_JWS_INVALID"],
  ];
  for (const [name, make, reason] of cases) {
    test(`refused: ${name}`, async () => {
      expect(await refusal(await make())).toContain(reason);
    });
  }

  test("a verification is cached per token, but never past the token's exp", async () => {
    const { verifier, advance, now } = clockedVerifier(60_000);
    const token = await signed({ ...good, exp: Math.floor(now / 1000) + 5 });
    expect(verifier.cached?.(token)).toBeUndefined(); // never verified: the caller must verify
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first);
    expect(verifier.cached?.(token)).toBe(first);
    advance(10_000);
    expect(verifier.cached?.(token)).toBeUndefined(); // past exp: the synchronous path refuses it too
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(AuthError);
  });

  test("a cached verification ends after cacheMs even for a token that is still valid", async () => {
    const { verifier, advance, now } = clockedVerifier(1_000);
    const token = await signed({ ...good, exp: Math.floor(now / 1000) + 3600 });
    await verifier.verify(token);
    expect(verifier.cached?.(token)).toBeDefined();
    advance(1_500);
    expect(verifier.cached?.(token)).toBeUndefined();
    expect((await verifier.verify(token)).subject).toBe(good.sub);
  });

  test("a key from another issuer's JWKS does not verify", async () => {
    const other = await generateKeyPair("ES256", { extractable: true });
    const otherJwk = { ...(await exportJWK(other.privateKey)), kid: "other", alg: "ES256" };
    const token = await mintToken(otherJwk, {
      subject: "x",
      role: "admin",
      issuer: "vetmesh-local",
      audience: "vetmesh",
    });
    expect(await refusal(token)).toContain("no matching key");
  });

  test("bearerToken reads only `Bearer <token>`", () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken("")).toBeUndefined();
    expect(bearerToken("Bearer abc.def.ghi")).toBe("abc.def.ghi");
    expect(bearerToken("bearer abc")).toBe("abc");
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearer a b")).toBeNull();
    expect(bearerToken("  Bearer  abc  ")).toBe("abc");
    expect(bearerToken("Bearer ")).toBeNull();
    expect(bearerToken("Bearer abc\n")).toBe("abc");
    expect(bearerToken("Bearer ab\u00e9")).toBeNull();
    expect(bearerToken("Bearer a,b")).toBeNull();
    expect(bearerToken("Bearerabc")).toBeNull();
  });
});
