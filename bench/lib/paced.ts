/**
 * Fixed-rate (open-loop) latency runs. autocannon's `overallRate` lets each
 * connection send its per-second quota back to back and then sleep, which is
 * a burst at every second boundary, not a steady rate; so the fixed-rate runs
 * use this small pacer instead: requests are due at start + i/rate, sent on
 * time whatever the previous answers did (open loop: a slow answer never
 * delays the next request, so no coordinated omission). Each latency is timed
 * from the moment its request was sent; how late the pacer itself sent
 * (timer jitter on a busy 2-core machine) is reported separately as `lag`.
 */

import type { Target } from "./load.ts";
import { type RunResult, Samples } from "./stats.ts";

/** Options of a fixed-rate run. */
export interface PacedOptions {
  rate: number;
  durationS: number;
  /** Requests still open beyond this are counted as failures instead of piling up. */
  maxInFlight?: number;
}

/** Sends `rate` requests per second for `durationS` seconds and returns exact percentiles. */
export async function pacedRun(
  meta: { id: string; label: string },
  target: Target,
  options: PacedOptions,
): Promise<RunResult> {
  const samples = new Samples();
  const lag = new Samples();
  const total = Math.round(options.rate * options.durationS);
  const maxInFlight = options.maxInFlight ?? 1000;
  const intervalMs = 1000 / options.rate;
  let failures = 0;
  let inFlight = 0;
  let sent = 0;
  let urlIndex = 0;
  const pending = new Set<Promise<void>>();

  const fire = (dueAt: number) => {
    if (inFlight >= maxInFlight) {
      failures++;
      return;
    }
    const base = target.urls[urlIndex++ % target.urls.length];
    const path = typeof target.path === "function" ? target.path() : target.path;
    const body = typeof target.body === "function" ? target.body() : target.body;
    inFlight++;
    const sentAt = performance.now();
    lag.add(sentAt - dueAt);
    const one = fetch(`${base}${path}`, {
      method: target.method ?? "GET",
      headers: { "content-type": "application/json", ...target.headers },
      body,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        if (response.ok) samples.add(performance.now() - sentAt);
        else failures++;
      })
      .catch(() => {
        failures++;
      })
      .finally(() => {
        inFlight--;
        pending.delete(one);
      });
    pending.add(one);
  };

  const start = performance.now();
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
    while (sent < due) {
      fire(start + sent * intervalMs);
      sent++;
    }
    // Bun.sleep below 1 ms returns at once (a busy loop that would steal the CPU from the target).
    await Bun.sleep(Math.max(1, start + sent * intervalMs - performance.now()));
  }
  await Promise.all(pending);
  const elapsedS = (performance.now() - start) / 1000;
  const [p50 = 0, p90 = 0, p99 = 0, max = 0] = samples.percentiles(50, 90, 99, 100);
  const [lagP50 = 0, lagP99 = 0] = lag.percentiles(50, 99);
  return {
    ...meta,
    mode: "fixed-rate",
    lag: { p50: lagP50, p99: lagP99 },
    targetRate: options.rate,
    durationS: options.durationS,
    requests: total,
    rps: samples.count / elapsedS,
    p50,
    p90,
    p99,
    max,
    failures,
  };
}
