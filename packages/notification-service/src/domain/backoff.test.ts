import { describe, expect, test } from "bun:test";
import { backoffDelay, decideFailure } from "./backoff.ts";

const policy = { maxAttempts: 4, baseMs: 1000, capMs: 5000 };

describe("backoffDelay", () => {
  test("doubles per attempt up to the cap, with half of it jittered", () => {
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 0))).toEqual([
      500, 1000, 2000, 2500, 2500,
    ]);
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 5000, 5000,
    ]);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1500);
  });
  test("huge attempt counts do not overflow", () => {
    expect(backoffDelay(10_000, policy, () => 1)).toBe(5000);
  });
});

describe("decideFailure", () => {
  test("retries transient failures until the budget is spent, then dead-letters", () => {
    expect(decideFailure({ attempts: 1, permanent: false, now: 100, policy, random: () => 0 })).toEqual({
      kind: "retry",
      nextAttemptAt: 600,
    });
    expect(decideFailure({ attempts: 3, permanent: false, now: 100, policy, random: () => 1 })).toEqual({
      kind: "retry",
      nextAttemptAt: 4100,
    });
    expect(decideFailure({ attempts: 4, permanent: false, now: 100, policy })).toEqual({ kind: "dead" });
  });
  test("a permanent failure dead-letters on the first attempt", () => {
    expect(decideFailure({ attempts: 1, permanent: true, now: 100, policy })).toEqual({ kind: "dead" });
  });
});
