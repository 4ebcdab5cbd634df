/** Where a breaker stands; exported as a gauge (0 closed, 1 half-open, 2 open). */
export type BreakerState = "closed" | "open" | "half_open";

/** Tuning of one breaker; see the gateway README for why these defaults. */
export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
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
 * A circuit breaker for one target service: closed until `failureThreshold`
 * consecutive failures, then open (rejecting without calling) for
 * `cooldownMs`, then half-open with at most `halfOpenProbes` calls in flight;
 * that many successes close it, one failure opens it again. Pure: no timers,
 * time comes from the injected clock.
 */
export interface Breaker {
  /** Asks to make a call; false means reject at once. A true answer must be followed by `settle`. */
  tryAcquire(): boolean;
  settle(outcome: CallOutcome): void;
  state(): BreakerState;
}

/** Creates a breaker in the closed state. */
export function createBreaker(options: BreakerOptions): Breaker {
  let state: BreakerState = "closed";
  let failures = 0;
  let openedAt = 0;
  let probesInFlight = 0;
  let probeSuccesses = 0;

  const open = () => {
    state = "open";
    openedAt = options.clock();
    probesInFlight = 0;
    probeSuccesses = 0;
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
          failures = 0;
        }
        return;
      }
      if (state !== "closed") return;
      if (outcome === "success") failures = 0;
      else if (outcome === "failure" && ++failures >= options.failureThreshold) open();
    },
    state() {
      refresh();
      return state;
    },
  };
}
