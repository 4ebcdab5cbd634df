import { z } from "@hono/zod-openapi";
import { ROLES } from "@vetmesh/kit/auth";
import type { Authenticator } from "../auth/authenticate.ts";
import { unauthorized } from "../auth/route-guard.ts";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { errorResponses, jsonResponse } from "../openapi/responses.ts";
import type { RouteDeps } from "./context.ts";

const meSchema = z
  .union([
    z.object({ mode: z.literal("open") }),
    z.object({
      mode: z.literal("required"),
      subject: z.string(),
      role: z.enum(ROLES),
      email: z.string().openapi({ description: "The owner's email for role owner; may be empty for staff" }),
    }),
  ])
  .openapi("Me");

/**
 * `GET /api/me`: who the gateway thinks the caller is. The web app's login
 * sends a pasted token here; in open mode it learns that nobody signs in.
 */
export function registerMeRoute(app: RestApp, deps: RouteDeps, authenticator: Authenticator): void {
  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/me",
      guarded: true,
      tags: ["auth"],
      summary: "The verified caller (or that the gateway runs open)",
      responses: {
        200: jsonResponse("In open mode `{mode: open}`; else the token's subject, role and email", meSchema, {
          mode: "required",
          subject: "vet@clinic.example",
          role: "vet",
          email: "vet@clinic.example",
        }),
        ...errorResponses(401),
      },
    },
    (c) => {
      if (authenticator.mode === "open") return c.json({ mode: "open" });
      const caller = c.get("caller");
      if (!caller) return unauthorized(c);
      return c.json({ mode: "required", subject: caller.subject, role: caller.role, email: caller.email });
    },
  );
}
