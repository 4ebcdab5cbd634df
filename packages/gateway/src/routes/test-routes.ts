import { z } from "@hono/zod-openapi";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { errorResponse, jsonResponse } from "../openapi/responses.ts";
import { DEMO_OPERATIONS, deadlineMs } from "../policy/operations.ts";
import { clientSignal, type RouteDeps } from "./context.ts";

/** How much longer than its deadline /api/test/timeout asks DemoService.Slow to wait. */
export const TIMEOUT_OVERSHOOT_MS = 1000;

/**
 * The resilience demonstration routes of API.md. None returns a hard-coded
 * status: each calls DemoService through the same limiter, breaker and
 * deadline as every other route, and the status comes from what happens.
 */
export function registerTestRoutes(app: RestApp, deps: RouteDeps): void {
  const { upstreams, config } = deps;
  const tags = ["resilience demonstration"];

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/test/timeout",
      guarded: true,
      tags,
      summary: "Calls an upstream that outlasts the route's deadline: 408",
      responses: {
        200: jsonResponse(
          "Only if the upstream answered within TIMEOUT_TEST_MS (it is asked to wait 1 s longer)",
          z.object({ message: z.literal("ok"), waitedMs: z.number() }),
        ),
      },
    },
    async (c) => {
      const timeoutMs = deadlineMs(config, DEMO_OPERATIONS.slow);
      const res = await upstreams.guard("demo", { timeoutMs, signal: clientSignal(c) }, (options) =>
        upstreams.demo.slow({ delayMs: timeoutMs + TIMEOUT_OVERSHOOT_MS }, options),
      );
      return c.json({ message: "ok", waitedMs: res.waitedMs });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/test/rate-limit",
      guarded: true,
      tags,
      summary: "An ordinary route under the `test` rate-limit policy: spam it to get 429",
      responses: {
        200: jsonResponse("Within the limit", z.object({ message: z.string() }), { message: "ok" }),
      },
    },
    async (c) => {
      const res = await upstreams.guard(
        "demo",
        { timeoutMs: deadlineMs(config, DEMO_OPERATIONS.ping), signal: clientSignal(c) },
        (options) => upstreams.demo.ping({}, options),
      );
      return c.json({ message: res.message });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/test/circuit-breaker",
      guarded: true,
      tags,
      summary:
        "Calls an upstream that throws: 500 `Exception thrown on purpose`, then 503 `Service unavailable: circuit open` once the breaker opens",
      responses: {
        200: jsonResponse(
          "Never, unless the upstream stops throwing",
          z.object({ message: z.literal("ok") }),
        ),
        500: errorResponse("The upstream threw (the breaker is closed)", {
          error: "Exception thrown on purpose",
        }),
      },
    },
    async (c) => {
      await upstreams.guard(
        "demo",
        { timeoutMs: deadlineMs(config, DEMO_OPERATIONS.fail), signal: clientSignal(c) },
        (options) => upstreams.demo.fail({}, options),
      );
      return c.json({ message: "ok" });
    },
  );
}
