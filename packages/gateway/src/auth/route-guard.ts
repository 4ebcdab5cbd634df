import { type Identity, roleAllowed } from "@vetmesh/kit/auth";
import type { Context, MiddlewareHandler } from "hono";
import type { PolicyName } from "../domain/rate-policy.ts";
import { MESSAGES } from "../http/errors.ts";
import type { GatewayMetrics } from "../metrics.ts";
import type { FoldedCharge } from "../openapi/define-route.ts";
import { type RateDecision, type RateLimiter, rateLimitHeaders } from "../resilience/limiter.ts";
import { type Audit, outcomeOfStatus } from "./audit.ts";
import type { Authenticator } from "./authenticate.ts";
import { runAsCaller } from "./caller.ts";
import { routeAccess } from "./route-rules.ts";

/** What the per-route guard is built from (app.ts). */
export interface RouteGuardDeps {
  authenticator: Authenticator;
  limiter: RateLimiter;
  metrics: GatewayMetrics;
  audit: Audit;
  /** The client's IP, the rate-limit key when there is no verified subject. */
  clientIp(c: Context): string;
}

/** The rate-limit bucket of a request: the verified subject, else the client IP. */
export function rateKey(identity: Identity | undefined, ip: string): string {
  return identity ? `sub:${identity.subject}` : ip;
}

/** 401 with the challenge of RFC 6750. */
export function unauthorized(c: Context): Response {
  c.header("WWW-Authenticate", "Bearer");
  return c.json({ error: MESSAGES.unauthorized }, 401);
}

const TARGET_FIELDS = ["email", "petId", "appointmentId"];

/** What an audited request touched: path parameters, the petId query and the body's ids. */
async function targetOf(c: Context): Promise<string> {
  const parts: string[] = Object.values(c.req.param() as Record<string, string>);
  const pet = c.req.query("petId");
  if (pet) parts.push(pet);
  if (c.req.method === "POST") {
    try {
      // Hono caches the body the handler read; an unread one is read here, within the body limit.
      const body = JSON.parse(await c.req.text()) as Record<string, unknown>;
      for (const field of TARGET_FIELDS) {
        const value = body?.[field];
        if (typeof value === "string" || typeof value === "number") parts.push(String(value).slice(0, 320));
      }
    } catch {
      // not JSON: nothing more to name
    }
  }
  return parts.join(",");
}

/**
 * The per-route middleware (`deps.route(path)`): names the route,
 * authenticates, charges the rate limit (by subject when a token verified,
 * else by IP, so floods of bad tokens are limited too), answers 401/403 by the
 * route's row in ROUTE_RULES, runs the handler with the caller visible to the
 * upstream guard, and audits writes and medical reads. A route without a row
 * throws here, at start-up. A route with `foldCharge` has its charge made by
 * its own first Redis read (one round trip for both).
 */
export function createRouteGuard(deps: RouteGuardDeps) {
  /** The rate-limit decision: folded into the route's read when it can, else a charge of its own. */
  const charge = async (
    c: Context,
    policy: PolicyName,
    key: string,
    fold?: FoldedCharge,
  ): Promise<RateDecision> => {
    const shared = fold ? deps.limiter.sharedCharge(policy, key) : undefined;
    if (fold && shared) {
      const reply = await fold(c, shared);
      if (reply === null) return deps.limiter.consumeLocal(policy, key);
      if (reply) return deps.limiter.decideShared(policy, reply[0], reply[1]);
    }
    return deps.limiter.consume(policy, key);
  };
  return (path: string, foldCharge?: FoldedCharge): MiddlewareHandler => {
    const access = routeAccess(path);
    const { policy } = access;
    return async function guardRoute(c, next) {
      c.set("route", path);
      const pending = deps.authenticator.authenticate(c.req.header("authorization"));
      const auth = pending instanceof Promise ? await pending : pending;
      const identity = auth.kind === "verified" ? auth.identity : undefined;
      const decision = await charge(c, policy, rateKey(identity, deps.clientIp(c)), foldCharge);
      for (const [name, value] of rateLimitHeaders(decision)) c.header(name, value);
      if (!decision.allowed) {
        deps.metrics.rateLimited.inc({ route: path, policy });
        return c.json({ error: MESSAGES.rateLimited }, 429);
      }
      let denied: Response | undefined;
      if (auth.kind === "refused" || (deps.authenticator.mode === "required" && !identity)) {
        denied = unauthorized(c);
      } else if (identity && !roleAllowed(access.rule, identity)) {
        denied = c.json({ error: MESSAGES.forbidden }, 403);
      }
      if (denied) {
        if (access.audited) {
          deps.audit(identity, {
            action: access.action,
            target: await targetOf(c),
            outcome: outcomeOfStatus(denied.status),
            status: denied.status,
          });
        }
        return denied;
      }
      c.set("caller", identity);
      try {
        // Anonymous (open mode) needs no scope: outside one, the upstream guard sees no caller either.
        if (identity) await runAsCaller(identity, next);
        else await next();
      } finally {
        if (access.audited) {
          deps.audit(identity, {
            action: access.action,
            target: await targetOf(c),
            outcome: outcomeOfStatus(c.res.status),
            status: c.res.status,
          });
        }
      }
    };
  };
}
