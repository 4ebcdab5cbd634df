import type { Hono } from "hono";
import { clientSignal, type RouteDeps } from "./context.ts";

/** How much longer than its deadline /api/test/timeout asks DemoService.Slow to wait. */
export const TIMEOUT_OVERSHOOT_MS = 1000;

/**
 * The resilience demonstration routes of API.md. None returns a hard-coded
 * status: each calls DemoService through the same limiter, breaker and
 * deadline as every other route, and the status comes from what happens.
 */
export function registerTestRoutes(app: Hono, deps: RouteDeps): void {
  const { upstreams, config } = deps;

  app.get("/api/test/timeout", deps.route("/api/test/timeout", "read"), async (c) => {
    const timeoutMs = config.TIMEOUT_TEST_MS;
    const res = await upstreams.guard("demo", { timeoutMs, signal: clientSignal(c) }, (options) =>
      upstreams.demo.slow({ delayMs: timeoutMs + TIMEOUT_OVERSHOOT_MS }, options),
    );
    return c.json({ message: "ok", waitedMs: res.waitedMs });
  });

  app.get("/api/test/rate-limit", deps.route("/api/test/rate-limit", "test"), async (c) => {
    const res = await upstreams.guard(
      "demo",
      { timeoutMs: config.TIMEOUT_DEFAULT_MS, signal: clientSignal(c) },
      (options) => upstreams.demo.ping({}, options),
    );
    return c.json({ message: res.message });
  });

  app.get("/api/test/circuit-breaker", deps.route("/api/test/circuit-breaker", "read"), async (c) => {
    await upstreams.guard(
      "demo",
      { timeoutMs: config.TIMEOUT_DEFAULT_MS, signal: clientSignal(c) },
      (options) => upstreams.demo.fail({}, options),
    );
    return c.json({ message: "ok" });
  });
}
