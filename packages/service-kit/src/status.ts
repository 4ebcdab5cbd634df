import { Hono } from "hono";
import type { KitMetrics } from "./metrics.ts";

/** Returns why the process cannot serve, or null when it can. */
export type HealthCheck = () => Promise<string | null> | string | null;

/**
 * `GET /status` and `GET /metrics`: 200 {"status":"ok"} only while the process
 * is not draining and its own dependencies answer, so orchestrators and the
 * balancer stop sending it traffic otherwise.
 */
export function createStatusApp(deps: {
  isDraining: () => boolean;
  health?: HealthCheck;
  metrics: KitMetrics;
}) {
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
  app.get("/metrics", async (c) => {
    c.header("content-type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  // Any other method on these paths: still a JSON answer, like every other error of the system.
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  return app;
}
