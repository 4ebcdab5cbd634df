/**
 * A controllable clock: tests set or advance it instead of sleeping, so
 * time-dependent rules are checked without waiting and without flakiness.
 * `now` is the `() => Date` the services take; `ms` the same instant in ms.
 */
export function createTestClock(start: number) {
  let now = start;
  return {
    now: () => new Date(now),
    ms: () => now,
    set(ms: number) {
      now = ms;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

/** What createTestClock returns. */
export type TestClock = ReturnType<typeof createTestClock>;
