import { describe, expect, test } from "bun:test";
import { createBreaker } from "./breaker.ts";

function setup(probes = 1) {
  let now = 0;
  const breaker = createBreaker({
    failureThreshold: 3,
    cooldownMs: 1000,
    halfOpenProbes: probes,
    clock: () => now,
  });
  return { breaker, advance: (ms: number) => (now += ms) };
}

function fail(breaker: ReturnType<typeof createBreaker>, times: number) {
  for (let i = 0; i < times; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.settle("failure");
  }
}

describe("breaker", () => {
  test("opens after the threshold of consecutive failures, not before", () => {
    const { breaker } = setup();
    fail(breaker, 2);
    expect(breaker.state()).toBe("closed");
    fail(breaker, 1);
    expect(breaker.state()).toBe("open");
    expect(breaker.tryAcquire()).toBe(false);
  });

  test("a success resets the consecutive count; ignored outcomes change nothing", () => {
    const { breaker } = setup();
    fail(breaker, 2);
    breaker.tryAcquire();
    breaker.settle("success");
    fail(breaker, 2);
    breaker.tryAcquire();
    breaker.settle("ignored");
    expect(breaker.state()).toBe("closed");
    fail(breaker, 1);
    expect(breaker.state()).toBe("open");
  });

  test("half-opens after the cool-down with bounded probes; a probe success closes", () => {
    const { breaker, advance } = setup();
    fail(breaker, 3);
    advance(999);
    expect(breaker.state()).toBe("open");
    advance(1);
    expect(breaker.state()).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.settle("success");
    expect(breaker.state()).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });

  test("a probe failure opens again for a full cool-down", () => {
    const { breaker, advance } = setup(2);
    fail(breaker, 3);
    advance(1000);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.settle("success");
    expect(breaker.state()).toBe("half_open");
    breaker.settle("failure");
    expect(breaker.state()).toBe("open");
    advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    advance(1);
    expect(breaker.state()).toBe("half_open");
  });
});
