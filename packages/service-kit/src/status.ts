import { Hono } from "hono";
import type { KitMetrics } from "./metrics.ts";

/** Returns why the process cannot serve, or null when it can. */
export type HealthCheck = () => Promise<string | null> | string | null;

/**
 * `GET /status` on the service port: 200 {"status":"ok"} only while the process
 * is not draining and its own dependencies answer, so orchestrators and the
 * balancer stop sending it traffic otherwise.
 */
export function createStatusApp(deps: { isDraining: () => boolean; health?: HealthCheck }) {
  const app = new Hono();
  app.get("/status", async (c) => {
    if (deps.isDraining()) return c.json({ status: "unavailable", reason: "draining" }, 503);
    let reason: string | null = null;
    try {
      reason = deps.health ? await deps.health() : null;
    } catch (error) {
      reason = error instanceof Error ? error.message : "health check failed";
    }
    if (reason) return c.json({ status: "unavailable", reason }, 503);
    return c.json({ status: "ok" });
  });
  // Any other method on this path: still a JSON answer, like every other error of the system.
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return app;
}

/**
 * The admin listener's app: `GET /metrics` (Prometheus text) and nothing else. It is served on
 * ADMIN_PORT only, never on the service port, so metrics (routes, instance names, error rates)
 * are not readable by whoever can call the service.
 */
export function createAdminApp(deps: { metrics: KitMetrics }) {
  const app = new Hono();
  app.get("/metrics", async (c) => {
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return app;
}
