import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { BENCH_OUTPUT_DIR, BENCH_REFERENCE_DIR, saveReference } from "./output.ts";

const ROOT = join(import.meta.dir, "..", "..");
const git = (...args: string[]) => Bun.spawnSync(["git", ...args], { cwd: ROOT });

describe("make bench leaves the checkout clean (issue #19)", () => {
  test("every file a run writes is git-ignored", () => {
    for (const name of ["latest.json", "latest.svg", "2026-12-03T10-00-00Z.json"]) {
      const file = relative(ROOT, join(BENCH_OUTPUT_DIR, name));
      expect(git("check-ignore", "-q", file).exitCode).toBe(0);
    }
  });

  test("the reference result is tracked, and not where runs go", () => {
    for (const name of ["reference.json", "reference.svg"]) {
      const file = relative(ROOT, join(BENCH_REFERENCE_DIR, name));
      expect(git("ls-files", "--error-unmatch", file).exitCode).toBe(0);
      expect(git("check-ignore", "-q", file).exitCode).toBe(1);
    }
    expect(relative(BENCH_OUTPUT_DIR, BENCH_REFERENCE_DIR).startsWith("..")).toBe(true);
  });

  test("bench-save copies the newest run over the reference, and says so when there is none", () => {
    const from = mkdtempSync(join(tmpdir(), "bench-run-"));
    const to = mkdtempSync(join(tmpdir(), "bench-ref-"));
    expect(() => saveReference(from, to)).toThrow("run make bench first");
    writeFileSync(join(from, "latest.json"), '{"run":2}\n');
    writeFileSync(join(from, "latest.svg"), "<svg/>\n");
    expect(saveReference(from, to)).toEqual([join(to, "reference.json"), join(to, "reference.svg")]);
    expect(readFileSync(join(to, "reference.json"), "utf8")).toBe('{"run":2}\n');
  });
});
