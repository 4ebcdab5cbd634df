import type { DescService } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ConnectRouter,
  createConnectRouter,
  createContextKey,
  createContextValues,
  type HandlerContext,
} from "@connectrpc/connect";
import {
  universalServerRequestFromFetch,
  universalServerResponseToFetch,
} from "@connectrpc/connect/protocol";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { forbidden, IDENTITY_KEY, roleAllowed, unauthenticated } from "@vetmesh/kit/auth";
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Audit } from "../auth/audit.ts";
import type { Authenticator } from "../auth/authenticate.ts";
import { runAsCaller } from "../auth/caller.ts";
import { rateKey } from "../auth/route-guard.ts";
import type { Config } from "../config.ts";
import { MESSAGES } from "../http/errors.ts";
import { deadlineMs, operationOf, routingKeyOf, withInvalidations } from "../policy/operations.ts";
import { type RateLimiter, rateLimitHeaders } from "../resilience/limiter.ts";
import type { PetsCache } from "../resilience/pets-cache.ts";
import type { CallOptions, Target, Upstreams } from "../resilience/upstreams.ts";

/** The rate-limit key (subject or IP) the Hono layer computed, handed to the RPC implementation. */
const CLIENT_KEY = createContextKey("unknown", { description: "rate-limit client key" });
/** True when the request carried credentials that did not verify (required mode only reads them). */
const REFUSED = createContextKey(false, { description: "credentials refused" });

type Message = Record<string, unknown>;
type Forward = (req: Message, options: CallOptions) => Promise<Message>;

/** What the forwarding implementations need. */
export interface PassThroughDeps {
  config: Config;
  upstreams: Upstreams;
  limiter: RateLimiter;
  cache: PetsCache;
  authenticator: Authenticator;
  audit: Audit;
}

function forwardService(service: DescService, upstream: Target, client: object, deps: PassThroughDeps) {
  const impl: Record<string, (req: Message, ctx: HandlerContext) => Promise<Message>> = {};
  const calls = client as Record<string, Forward>;
  for (const method of service.methods) {
    const forward = calls[method.localName];
    if (method.methodKind !== "unary" || !forward) continue;
    const operation = operationOf(service, method);
    if (!operation) continue;
    const { rule } = operation;
    const audited = operation.policy === "write" || rule.medical === true;
    impl[method.localName] = async (req, ctx) => {
      const caller = ctx.values.get(IDENTITY_KEY);
      const decision = await deps.limiter.consume(operation.policy, ctx.values.get(CLIENT_KEY));
      for (const [name, value] of rateLimitHeaders(decision)) ctx.responseHeader.set(name, value);
      if (!decision.allowed) throw new ConnectError(MESSAGES.rateLimited, Code.ResourceExhausted);
      const action = `${service.name}/${method.name}`;
      const routingKey = routingKeyOf(operation, req);
      const target = routingKey ?? "";
      const refuse = (error: ConnectError, outcome: "unauthenticated" | "denied") => {
        if (audited) deps.audit(caller, { action, target, outcome });
        return error;
      };
      if (ctx.values.get(REFUSED)) throw refuse(unauthenticated(), "unauthenticated");
      if (deps.authenticator.mode === "required" && !caller)
        throw refuse(unauthenticated(), "unauthenticated");
      if (caller && !roleAllowed(rule, caller)) throw refuse(forbidden(), "denied");
      const guard = {
        timeoutMs: deadlineMs(deps.config, operation),
        clientTimeoutMs: ctx.timeoutMs(),
        routingKey,
        signal: ctx.signal,
      };
      try {
        const res = await withInvalidations(deps.cache, operation, req, () =>
          deps.upstreams.guard(upstream, guard, (options) => forward(req, options)),
        );
        if (audited) deps.audit(caller, { action, target, outcome: "ok" });
        return res;
      } catch (error) {
        if (audited) {
          const code = ConnectError.from(error).code;
          const outcome = code === Code.PermissionDenied ? "denied" : "failed";
          deps.audit(caller, { action, target, outcome });
        }
        throw error;
      }
    };
  }
  return impl;
}

/**
 * The public services (OwnerService, VeterinaryService) re-served by the
 * gateway for Connect and gRPC-Web clients, each method forwarded to the
 * upstream under the same operation-policy row as the REST routes
 * (policy/operations.ts: rate-limit policy, deadline, routing key, cache
 * invalidations and the kit's RPC rule; Unauthenticated / PermissionDenied). Internal services are simply not registered, so their
 * paths 404.
 */
export function passThroughRoutes(deps: PassThroughDeps): (router: ConnectRouter) => void {
  return (router) => {
    router.service(OwnerService, forwardService(OwnerService, "owner", deps.upstreams.owner, deps));
    router.service(
      VeterinaryService,
      forwardService(VeterinaryService, "veterinary", deps.upstreams.veterinary, deps),
    );
  };
}

/** Mounts the pass-through on the Hono app, behind its middleware, with the client key in the RPC context. */
export function mountPassThrough(
  app: Hono,
  deps: PassThroughDeps,
  label: (path: string) => MiddlewareHandler,
  clientKey: (c: Context) => string,
): void {
  const router = createConnectRouter();
  passThroughRoutes(deps)(router);
  for (const handler of router.handlers) {
    app.on(["POST", "GET"], handler.requestPath, label(handler.requestPath), async (c) => {
      const request = universalServerRequestFromFetch(c.req.raw, {});
      const auth = await deps.authenticator.authenticate(c.req.header("authorization"));
      const caller = auth.kind === "verified" ? auth.identity : undefined;
      request.contextValues = createContextValues()
        .set(CLIENT_KEY, rateKey(caller, clientKey(c)))
        .set(IDENTITY_KEY, caller)
        .set(REFUSED, auth.kind === "refused");
      const response = await runAsCaller(caller, () => handler(request));
      // connect-es answers an unsupported content type (415) or method (405) with an empty body;
      // every error of the gateway is JSON, so give those a Connect-shaped JSON error.
      if (response.status >= 400 && response.body === undefined) {
        const message =
          response.status === 415 ? "unsupported content type" : "unsupported method or protocol";
        return c.json({ code: "invalid_argument", message }, response.status as 400);
      }
      return universalServerResponseToFetch(response);
    });
  }
}
