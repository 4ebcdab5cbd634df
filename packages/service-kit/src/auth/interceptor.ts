import { Code, ConnectError, type HandlerContext, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "../logger.ts";
import { AUTHORIZATION_HEADER, type AuthMode, IDENTITY_KEY, type Identity, sameEmail } from "./identity.ts";
import { roleAllowed, ruleOf } from "./rules.ts";
import { AuthError, bearerToken, type TokenVerifier } from "./verifier.ts";

/** The exact messages of 401 and 403 (the gateway's REST bodies say the same). */
export const AUTH_MESSAGES = { unauthorized: "Unauthorized", forbidden: "Forbidden" } as const;

/** Unauthenticated with the exact message. */
export function unauthenticated(): ConnectError {
  return new ConnectError(AUTH_MESSAGES.unauthorized, Code.Unauthenticated);
}

/** PermissionDenied with the exact message. */
export function forbidden(): ConnectError {
  return new ConnectError(AUTH_MESSAGES.forbidden, Code.PermissionDenied);
}

/** How a service checks its callers. */
export interface AuthInterceptorOptions {
  mode: AuthMode;
  /** Needed in required mode; in open mode a presented token is still verified when there is one. */
  verifier?: TokenVerifier;
  logger?: Logger;
}

/**
 * Each service's own enforcement, so a call that bypasses the gateway (the
 * balancer proxy, a pod in the mesh) meets the same rules: on a public RPC
 * (one with a row in the policy table) the `authorization` bearer token is
 * verified; none in required mode → Unauthenticated, a bad one → Unauthenticated,
 * a role the table does not list → PermissionDenied. The identity is put in
 * the handler context for the ownership checks the implementations make.
 * Internal RPCs have no row: their protection is the proxy's allow-list and
 * the mesh policy (Linkerd), not user identity.
 */
export function createAuthInterceptor(options: AuthInterceptorOptions): Interceptor {
  return (next) => async (req) => {
    const rule = ruleOf(req.service, req.method.name);
    if (!rule) return next(req);
    const token = bearerToken(req.header.get(AUTHORIZATION_HEADER));
    if (token === undefined) {
      if (options.mode === "required") throw unauthenticated();
      return next(req);
    }
    if (token === null || !options.verifier) throw unauthenticated();
    let identity: Identity;
    try {
      identity = await options.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthError) {
        options.logger?.info("token refused", { reason: error.reason, method: req.method.name });
        throw unauthenticated();
      }
      throw error;
    }
    if (!roleAllowed(rule, identity)) throw forbidden();
    req.contextValues.set(IDENTITY_KEY, identity);
    return next(req);
  };
}

/** The verified caller of this RPC, if any. */
export function callerOf(ctx: Pick<HandlerContext, "values">): Identity | undefined {
  return ctx.values.get(IDENTITY_KEY);
}

/**
 * The ownership rule the implementations apply once they know whose data a
 * call touches: an owner-role caller must be that owner (by email); staff pass
 * (their role was checked by the interceptor). Anonymous (open mode) passes.
 */
export function assertOwnerAccess(ctx: Pick<HandlerContext, "values">, ownerEmail: string | undefined): void {
  const caller = callerOf(ctx);
  if (caller?.role === "owner" && !sameEmail(caller.email, ownerEmail)) throw forbidden();
}

/** True when the caller is an owner (their access is limited to their own data). */
export function isOwnerCaller(ctx: Pick<HandlerContext, "values">): boolean {
  return callerOf(ctx)?.role === "owner";
}
