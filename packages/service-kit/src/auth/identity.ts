import { createContextKey } from "@connectrpc/connect";
import { z } from "zod";

/** The roles a token may carry: three kinds of clinic staff and the pet owner. */
export const ROLES = ["admin", "vet", "reception", "owner"] as const;

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** A caller whose bearer token was verified; `token` is the JWT itself, relayed to the services. */
export interface Identity {
  subject: string;
  role: Role;
  /** The owner's email for role `owner`; the staff member's for staff (may be empty). */
  email: string;
  token: string;
  /** Seconds since the epoch after which the token is no longer valid. */
  expiresAt: number;
}

/**
 * The metadata that carries identity to the services: the gateway's verified
 * bearer token, relayed as `authorization` (what gRPC clients send anyway), so
 * every service verifies the same signature itself.
 */
export const AUTHORIZATION_HEADER = "authorization";

/** `open` keeps the first version's anonymous API; `required` demands a valid token on public calls. */
export type AuthMode = "open" | "required";

/** Where a service's RPC implementation finds the verified caller (undefined when anonymous in open mode). */
export const IDENTITY_KEY = createContextKey<Identity | undefined>(undefined, {
  description: "caller identity",
});

/**
 * The auth variables every deployable that verifies tokens reads (gateway,
 * owner, veterinary). AUTH_MODE has no zod default on purpose: its default
 * depends on HOST (see {@link resolveAuthMode}).
 */
export const authConfigShape = {
  /** open | required; unset = open on a loopback HOST, required on any other bind. */
  AUTH_MODE: z.enum(["open", "required"]).optional(),
  /** JWKS of the token issuer (any OIDC provider's jwks_uri). */
  AUTH_JWKS_URL: z.url().optional(),
  /** A local JWKS file (what `make init` writes under .data/auth/), used when no AUTH_JWKS_URL is set. */
  AUTH_JWKS_FILE: z.string().min(1).optional(),
  /** The `aud` every token must carry. */
  AUTH_AUDIENCE: z.string().min(1).default("vetmesh"),
  /** The `iss` every token must carry. */
  AUTH_ISSUER: z.string().min(1).default("vetmesh-local"),
};

/** The parsed form of {@link authConfigShape}. */
export type AuthConfig = z.infer<z.ZodObject<typeof authConfigShape>>;

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);

/** True for an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

/**
 * The effective mode: what AUTH_MODE says, else `open` only on a loopback
 * bind, so a process reachable from elsewhere never starts anonymous by accident.
 */
export function resolveAuthMode(config: { AUTH_MODE?: AuthMode; HOST: string }): AuthMode {
  return config.AUTH_MODE ?? (isLoopback(config.HOST) ? "open" : "required");
}

/** Emails compare case-insensitively, trimmed (the owner service stores them lower-cased). */
export function sameEmail(a: string | undefined, b: string | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}
