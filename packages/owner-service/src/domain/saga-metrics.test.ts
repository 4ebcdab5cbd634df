import { afterAll, describe, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { createKitMetrics } from "@vetmesh/kit";
import { createOwnerHarness } from "../testing/harness.ts";

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(10);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe("removal saga metrics", () => {
  test("started, step failures, unfinished count and the age of the oldest unfinished saga, then completed", async () => {
    let now = Date.UTC(2026, 0, 1);
    const metrics = createKitMetrics({ service: "owner", instance: `saga-metrics-${crypto.randomUUID()}` });
    const h = await createOwnerHarness({
      metrics,
      clock: { now: () => now, newId: () => Bun.randomUUIDv7() },
      saga: { leaseMs: 2_000, retryMinMs: 10, retryMaxMs: 20, sweepIntervalMs: 10 },
      // The service's own bound answers IN_PROGRESS; the caller's deadline is far beyond it, so a busy
      // machine cannot turn the answer into DeadlineExceeded (a 200 ms deadline did, in a loaded CI run).
      removalWaitMs: 200,
    });
    cleanups.push(() => h.close());
    const value = async (name: string, label = "") => {
      const line = (await metrics.registry.metrics())
        .split("\n")
        .find((l) => l.startsWith(`${name}{`) && l.includes(label));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    const client = createClient(OwnerService, h.transport);
    await client.registerOwner({ email: "stuck@example.org" });
    h.participants.state.notificationDown = true;
    const res = await client.removeOwnerData({ ownerRef: "stuck@example.org" }, { timeoutMs: 10_000 });
    expect(res.state).toBe(RemovalState.IN_PROGRESS);
    expect(await value("vetmesh_removal_sagas_started_total")).toBe(1);
    await until(
      async () =>
        (await value("vetmesh_removal_saga_step_failures_total", 'step="cancel_notifications"')) >= 2,
    );
    now += 90_000;
    await until(async () => (await value("vetmesh_removal_saga_oldest_unfinished_age_seconds")) === 90);
    expect(await value("vetmesh_removal_sagas_unfinished")).toBe(1);

    h.participants.state.notificationDown = false;
    await until(async () => (await value("vetmesh_removal_sagas_completed_total")) === 1);
    await until(async () => (await value("vetmesh_removal_sagas_unfinished")) === 0);
    expect(await value("vetmesh_removal_saga_oldest_unfinished_age_seconds")).toBe(0);
    // Four waits of up to 20 s each: the test's own budget must cover them (bun's default is 5 s,
    // which a busy machine's saga retries exceeded while every condition still held).
  }, 90_000);
});
