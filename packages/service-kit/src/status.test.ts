import { describe, expect, test } from "bun:test";
import { createKitMetrics } from "./metrics.ts";
import { createStatusApp } from "./status.ts";

const metrics = createKitMetrics({ service: "svc", instance: "svc-1" });

describe("GET /status", () => {
  test("200 ok when healthy", async () => {
    const app = createStatusApp({ isDraining: () => false, health: () => null, metrics });
    const res = await app.request("/status");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok"}');
  });

  test("503 while draining", async () => {
    const app = createStatusApp({ isDraining: () => true, metrics });
    const res = await app.request("/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "draining" });
  });

  test("503 naming the reason when the database is unreachable or the check throws", async () => {
    const down = createStatusApp({ isDraining: () => false, health: () => "database unreachable", metrics });
    expect(await (await down.request("/status")).json()).toEqual({
      status: "unavailable",
      reason: "database unreachable",
    });
    const throwing = createStatusApp({
      isDraining: () => false,
      health: async () => {
        throw new Error("socket closed");
      },
      metrics,
    });
    const res = await throwing.request("/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "socket closed" });
  });

  test("/metrics is Prometheus text", async () => {
    const app = createStatusApp({ isDraining: () => false, metrics });
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toContain("process_resident_memory_bytes");
  });
});
