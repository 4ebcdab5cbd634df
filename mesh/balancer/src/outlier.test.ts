import { describe, expect, test } from "bun:test";
import { createOutlierDetector } from "./outlier.ts";

function setup(options: { maxEjectedShare?: number } = {}) {
  const time = { now: 0 };
  const detector = createOutlierDetector({
    consecutiveFailures: 3,
    baseEjectionMs: 1000,
    maxEjectionMs: 5000,
    maxEjectedShare: options.maxEjectedShare ?? 0.5,
    now: () => time.now,
  });
  return { detector, advance: (ms: number) => void Object.assign(time, { now: time.now + ms }) };
}

describe("outlier ejection", () => {
  test("a refused connection ejects at once, for the base ejection time", () => {
    const { detector, advance } = setup();
    expect(detector.failure("a", "connect", 4)).toBe(true);
    expect(detector.isEjected("a")).toBe(true);
    expect(detector.ejectedForMs("a")).toBe(1000);
    advance(999);
    expect(detector.isEjected("a")).toBe(true);
    advance(1);
    expect(detector.isEjected("a")).toBe(false);
  });

  test("N consecutive errors eject; a success in between resets the count", () => {
    const { detector } = setup();
    expect(detector.failure("a", "error", 4)).toBe(false);
    expect(detector.failure("a", "error", 4)).toBe(false);
    detector.success("a");
    expect(detector.failure("a", "error", 4)).toBe(false);
    expect(detector.failure("a", "error", 4)).toBe(false);
    expect(detector.isEjected("a")).toBe(false);
    expect(detector.failure("a", "error", 4)).toBe(true);
    expect(detector.isEjected("a")).toBe(true);
  });

  test("repeated ejections back off longer each time, up to the maximum", () => {
    const { detector, advance } = setup();
    const lengths: number[] = [];
    for (let i = 0; i < 7; i++) {
      expect(detector.failure("a", "connect", 4)).toBe(true);
      lengths.push(detector.ejectedForMs("a"));
      advance(detector.ejectedForMs("a"));
    }
    expect(lengths).toEqual([1000, 2000, 3000, 4000, 5000, 5000, 5000]);
  });

  test("a healthy stretch as long as the maximum ejection forgives earlier ejections", () => {
    const { detector, advance } = setup();
    detector.failure("a", "connect", 4);
    advance(1000);
    detector.failure("a", "connect", 4);
    expect(detector.ejectedForMs("a")).toBe(2000);
    advance(2000 + 5000);
    detector.success("a");
    detector.failure("a", "connect", 4);
    expect(detector.ejectedForMs("a")).toBe(1000);
  });

  test("at most the configured share is ejected at once, but always at least one", () => {
    const half = setup({ maxEjectedShare: 0.5 }).detector;
    expect(half.failure("a", "connect", 4)).toBe(true);
    expect(half.failure("b", "connect", 4)).toBe(true);
    expect(half.failure("c", "connect", 4)).toBe(false);
    expect(half.ejectedCount()).toBe(2);
    const tenth = setup({ maxEjectedShare: 0.1 }).detector;
    expect(tenth.failure("a", "connect", 3)).toBe(true);
    expect(tenth.failure("b", "connect", 3)).toBe(false);
  });

  test("a forgotten instance starts over", () => {
    const { detector } = setup();
    detector.failure("a", "connect", 4);
    detector.forget("a");
    expect(detector.isEjected("a")).toBe(false);
    expect(detector.ejectedCount()).toBe(0);
  });
});
