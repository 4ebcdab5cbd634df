import { describe, expect, test } from "bun:test";
import { createKitMetrics } from "./metrics.ts";
import { createAdminApp, createStatusApp } from "./status.ts";

const metrics = createKitMetrics({ service: "svc", instance: "svc-1" });

describe("GET /status", () => {
  test("200 ok when healthy", async () => {
    const app = createStatusApp({ isDraining: () => false, health: () => null });
    const res = await app.request("/status");
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ok"}');
  });

  test("503 while draining", async () => {
    const app = createStatusApp({ isDraining: () => true });
    const res = await app.request("/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "draining" });
  });

  test("503 naming the reason when the database is unreachable or the check throws", async () => {
    const down = createStatusApp({ isDraining: () => false, health: () => "database unreachable" });
    expect(await (await down.request("/status")).json()).toEqual({
      status: "unavailable",
      reason: "database unreachable",
    });
    const throwing = createStatusApp({
      isDraining: () => false,
      health: async () => {
        throw new Error("socket closed");
      },
    });
    const res = await throwing.request("/status");
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", reason: "socket closed" });
  });

  test("/metrics is not on the status app (the service port): 404", async () => {
    const app = createStatusApp({ isDraining: () => false });
    const res = await app.request("/metrics");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Not found" });
  });
});

describe("the admin app (ADMIN_PORT)", () => {
  test("/metrics is Prometheus text; nothing else is served", async () => {
    const app = createAdminApp({ metrics });
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toContain("process_resident_memory_bytes");
    expect((await app.request("/status")).status).toBe(404);
  });
});
