import { describe, expect, test } from "bun:test";
import { childPids, cpuTicksOfStat, createCpuMeter, readCpuMs, readThreadCpuMs } from "./cpu.ts";

/** Burns at least `ms` of this process's CPU (measured by the runtime, not the wall clock). */
function burnCpu(ms: number) {
  const start = process.cpuUsage();
  let x = 0;
  while ((process.cpuUsage(start).user + process.cpuUsage(start).system) / 1000 < ms) x += Math.sqrt(x + 1);
  return x;
}

describe("CPU per request from /proc/<pid>/stat", () => {
  test("utime + stime are read after the command name, even one with spaces and parentheses", () => {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const line = "4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 100";
    expect(cpuTicksOfStat(line)).toBe(325);
  });

  test("this process's CPU time grows by about the CPU it burned", () => {
    const before = readCpuMs("self") ?? Number.NaN;
    burnCpu(200);
    const spent = (readCpuMs("self") ?? Number.NaN) - before;
    // Ticks are 10 ms: allow one tick of rounding at each end.
    expect(spent).toBeGreaterThanOrEqual(180);
  });

  test("the per-thread schedstat sum grows by the CPU burned, to well under a 10 ms tick", () => {
    const sum = () => [...(readThreadCpuMs("self")?.values() ?? [])].reduce((a, b) => a + b, 0);
    const before = sum();
    const started = process.cpuUsage();
    burnCpu(50);
    const used = process.cpuUsage(started);
    const spent = sum() - before;
    // The runtime's own figure covers the same threads; other threads (GC) may add a little.
    expect(spent).toBeGreaterThanOrEqual((used.user + used.system) / 1000 - 2);
    expect(spent).toBeLessThan(200);
  });

  test("a meter window divides each group's CPU by the requests completed", () => {
    const meter = createCpuMeter();
    meter.add("bench", "self");
    const window = meter.window();
    burnCpu(100);
    const run = window.end({ id: "x", label: "burn", mode: "throughput" }, 1000);
    const share = run.groups.find((one) => one.group === "bench");
    expect(share?.ms).toBeGreaterThanOrEqual(80);
    expect(share?.usPerRequest).toBeCloseTo((share?.ms ?? 0) * 1, 6);
  });

  test("childPids finds a child this process spawned", async () => {
    const child = Bun.spawn(["sleep", "5"]);
    try {
      expect(childPids(process.pid)).toContain(child.pid);
    } finally {
      child.kill();
      await child.exited;
    }
  });

  test("a process that is gone reads as undefined", () => {
    expect(readCpuMs(2 ** 22 + 12345)).toBeUndefined();
  });
});

describe("idle CPU is taken off each window", () => {
  test("a group that burns only in the idle measurement reads as 0 per request, never negative", async () => {
    const meter = createCpuMeter();
    meter.add("bench", "self");
    const idle = meter.measureIdle(300);
    await idle;
    const rate = meter.idleRates().bench ?? Number.NaN;
    expect(rate).toBeGreaterThanOrEqual(0);
    const window = meter.window();
    const run = window.end({ id: "x", label: "nothing", mode: "throughput" }, 10);
    expect(run.groups[0]?.ms).toBeGreaterThanOrEqual(0);
  });
});
