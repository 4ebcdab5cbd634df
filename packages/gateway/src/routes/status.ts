import { z } from "@hono/zod-openapi";
import type { HealthCheck } from "@vetmesh/kit";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { jsonResponse } from "../openapi/responses.ts";
import type { RouteDeps } from "./context.ts";

/** What the health routes ask. */
export interface StatusOptions {
  /** True while the process drains. */
  isDraining?: () => boolean;
  health?: HealthCheck;
}

/**
 * `GET /status` and the first version's `GET /api/status`: 200 while the
 * gateway takes traffic, 503 while it drains or its health check fails, so
 * orchestrators and balancers stop sending it requests. Not rate limited.
 */
export function registerStatusRoutes(app: RestApp, deps: RouteDeps, options: StatusOptions): void {
  for (const path of ["/status", "/api/status"]) {
    defineRoute(
      app,
      deps.route,
      {
        method: "get",
        path,
        tags: ["health"],
        summary:
          path === "/status" ? "Health of the gateway" : "Health of the gateway (the first version's path)",
        responses: {
          200: jsonResponse("Taking traffic", z.object({ status: z.literal("ok") }), { status: "ok" }),
          503: jsonResponse(
            "Draining, or a dependency of the process is down",
            z.object({ status: z.literal("unavailable"), reason: z.string() }).openapi("Unavailable"),
            { status: "unavailable", reason: "draining" },
          ),
        },
      },
      async (c) => {
        if (options.isDraining?.()) return c.json({ status: "unavailable", reason: "draining" }, 503);
        const reason = options.health ? await options.health() : null;
        if (reason) return c.json({ status: "unavailable", reason }, 503);
        return c.json({ status: "ok" }, 200);
      },
    );
  }
}
