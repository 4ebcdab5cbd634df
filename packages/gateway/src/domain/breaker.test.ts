import { describe, expect, test } from "bun:test";
import { type CallOutcome, createBreaker } from "./breaker.ts";

function setup(probes = 1) {
  let now = 0;
  const breaker = createBreaker({
    windowMs: 10_000,
    minCalls: 5,
    failureRatio: 0.5,
    cooldownMs: 1000,
    halfOpenProbes: probes,
    clock: () => now,
  });
  return { breaker, advance: (ms: number) => (now += ms) };
}

function run(breaker: ReturnType<typeof createBreaker>, outcome: CallOutcome, times: number) {
  for (let i = 0; i < times; i++) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.settle(outcome);
  }
}

describe("breaker: failure ratio over a rolling window", () => {
  test("with every call failing it opens at the minimum volume, not before", () => {
    const { breaker } = setup();
    run(breaker, "failure", 4);
    expect(breaker.state()).toBe("closed");
    run(breaker, "failure", 1);
    expect(breaker.state()).toBe("open");
    expect(breaker.tryAcquire()).toBe(false);
  });

  test("5 failures among 100 successes in the window do not open it", () => {
    const { breaker, advance } = setup();
    run(breaker, "success", 100);
    advance(500);
    run(breaker, "failure", 5);
    expect(breaker.state()).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
    breaker.settle("success");
  });

  test("3 failures of 5 calls open it, whichever order they come in", () => {
    const first = setup().breaker;
    run(first, "success", 2);
    run(first, "failure", 2);
    expect(first.state()).toBe("closed");
    run(first, "failure", 1);
    expect(first.state()).toBe("open");

    const second = setup().breaker;
    run(second, "failure", 3);
    run(second, "success", 1);
    expect(second.state()).toBe("closed"); // 4 calls: below the minimum volume
    run(second, "success", 1);
    expect(second.state()).toBe("open");
  });

  test("2 failures of 5 stay below the ratio", () => {
    const { breaker } = setup();
    run(breaker, "success", 3);
    run(breaker, "failure", 2);
    expect(breaker.state()).toBe("closed");
  });

  test("old calls leave the window: successes stop diluting, failures stop counting", () => {
    const diluted = setup();
    run(diluted.breaker, "success", 100);
    diluted.advance(10_000);
    run(diluted.breaker, "failure", 5);
    expect(diluted.breaker.state()).toBe("open");

    const forgotten = setup();
    run(forgotten.breaker, "failure", 4);
    forgotten.advance(10_000);
    run(forgotten.breaker, "failure", 4);
    expect(forgotten.breaker.state()).toBe("closed");
    run(forgotten.breaker, "failure", 1);
    expect(forgotten.breaker.state()).toBe("open");
  });

  test("calls within the last 9 s still count", () => {
    const { breaker, advance } = setup();
    run(breaker, "failure", 4);
    advance(9000);
    run(breaker, "failure", 1);
    expect(breaker.state()).toBe("open");
  });

  test("ignored outcomes (client cancellations) count neither way", () => {
    const { breaker } = setup();
    run(breaker, "failure", 4);
    run(breaker, "ignored", 10);
    expect(breaker.state()).toBe("closed");
    run(breaker, "failure", 1);
    expect(breaker.state()).toBe("open");
  });
});

describe("breaker: open and half-open", () => {
  test("half-opens after the cool-down with bounded probes; a probe success closes with an empty window", () => {
    const { breaker, advance } = setup();
    run(breaker, "failure", 5);
    advance(999);
    expect(breaker.state()).toBe("open");
    advance(1);
    expect(breaker.state()).toBe("half_open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.settle("success");
    expect(breaker.state()).toBe("closed");
    // The failures that opened it are gone: it takes a full minimum volume again.
    run(breaker, "failure", 4);
    expect(breaker.state()).toBe("closed");
    run(breaker, "failure", 1);
    expect(breaker.state()).toBe("open");
  });

  test("a probe failure opens again for a full cool-down", () => {
    const { breaker, advance } = setup(2);
    run(breaker, "failure", 5);
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
