/** Where a breaker stands; exported as a gauge (0 closed, 1 half-open, 2 open). */
export type BreakerState = "closed" | "open" | "half_open";

/** Tuning of one breaker; see the gateway README for why these defaults. */
export interface BreakerOptions {
  /** Length of the rolling window the failure ratio is measured over. */
  windowMs: number;
  /** Calls that must have finished in the window before the ratio can open the breaker. */
  minCalls: number;
  /** Share of failures among the window's calls (0 < ratio ≤ 1) that opens the breaker. */
  failureRatio: number;
  /** Time spent open before probes are let through. */
  cooldownMs: number;
  /** Probes allowed at once while half-open, and successes needed to close. */
  halfOpenProbes: number;
  /** Milliseconds since some epoch; injected so tests drive time. */
  clock: () => number;
}

/** Outcome of one guarded call, reported back to the breaker. */
export type CallOutcome = "success" | "failure" | "ignored";

/**
 * A circuit breaker for one target service: closed while, over the last
 * `windowMs`, fewer than `minCalls` calls finished or their failure ratio is
 * below `failureRatio`; then open (rejecting without calling) for
 * `cooldownMs`; then half-open with at most `halfOpenProbes` calls in flight:
 * that many successes close it (with an empty window), one failure opens it
 * again. Pure: no timers, time comes from the injected clock.
 */
export interface Breaker {
  /** Asks to make a call; false means reject at once. A true answer must be followed by `settle`. */
  tryAcquire(): boolean;
  settle(outcome: CallOutcome): void;
  state(): BreakerState;
}

// The window is kept as this many buckets of windowMs / BUCKETS each, so memory stays constant
// whatever the call rate; a call leaves the window between (BUCKETS-1)/BUCKETS and 1 windows later.
const BUCKETS = 10;
const UNUSED = Number.NEGATIVE_INFINITY;

interface Bucket {
  /** floor(time / bucketMs) of the calls counted here; -Infinity (with zero counts) when unused. */
  index: number;
  calls: number;
  failures: number;
}

/** Rolling counts of finished calls over the last `windowMs`. */
function createWindow(windowMs: number) {
  const bucketMs = Math.max(1, windowMs / BUCKETS);
  const buckets: Bucket[] = Array.from({ length: BUCKETS }, () => ({ index: UNUSED, calls: 0, failures: 0 }));
  return {
    record(now: number, failed: boolean) {
      const index = Math.floor(now / bucketMs);
      const bucket = buckets[((index % BUCKETS) + BUCKETS) % BUCKETS] as Bucket;
      if (bucket.index !== index) {
        bucket.index = index;
        bucket.calls = 0;
        bucket.failures = 0;
      }
      bucket.calls++;
      if (failed) bucket.failures++;
    },
    totals(now: number) {
      const current = Math.floor(now / bucketMs);
      let calls = 0;
      let failures = 0;
      for (const bucket of buckets) {
        if (bucket.index > current - BUCKETS && bucket.index <= current) {
          calls += bucket.calls;
          failures += bucket.failures;
        }
      }
      return { calls, failures };
    },
    clear() {
      for (const bucket of buckets) {
        bucket.index = UNUSED;
        bucket.calls = 0;
        bucket.failures = 0;
      }
    },
  };
}

/** Creates a breaker in the closed state. */
export function createBreaker(options: BreakerOptions): Breaker {
  const window = createWindow(options.windowMs);
  let state: BreakerState = "closed";
  let openedAt = 0;
  let probesInFlight = 0;
  let probeSuccesses = 0;

  const open = () => {
    state = "open";
    openedAt = options.clock();
    probesInFlight = 0;
    probeSuccesses = 0;
    window.clear();
  };
  const refresh = () => {
    if (state === "open" && options.clock() - openedAt >= options.cooldownMs) {
      state = "half_open";
      probesInFlight = 0;
      probeSuccesses = 0;
    }
  };

  return {
    tryAcquire() {
      refresh();
      if (state === "closed") return true;
      if (state === "open") return false;
      if (probesInFlight >= options.halfOpenProbes) return false;
      probesInFlight++;
      return true;
    },
    settle(outcome) {
      if (state === "half_open") {
        probesInFlight = Math.max(0, probesInFlight - 1);
        if (outcome === "failure") open();
        else if (outcome === "success" && ++probeSuccesses >= options.halfOpenProbes) {
          state = "closed";
          window.clear();
        }
        return;
      }
      // Calls admitted before the breaker opened may still settle while it is open: not counted.
      if (state !== "closed" || outcome === "ignored") return;
      const now = options.clock();
      window.record(now, outcome === "failure");
      const { calls, failures } = window.totals(now);
      if (calls >= options.minCalls && failures / calls >= options.failureRatio) open();
    },
    state() {
      refresh();
      return state;
    },
  };
}
