/**
 * Runs Prometheus's own checker (`promtool`, Debian package `prometheus`) when it
 * is installed, so PromQL in the alert rules and the dashboard is parsed by
 * Prometheus itself; the tests that need it say in their names when it is absent.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** Path of promtool, or null when it is not installed. */
export const PROMTOOL = Bun.which("promtool");

/** `promtool check rules` on a rules file; returns its exit code and output. */
export function checkRules(file: string): { code: number; output: string } {
  const run = Bun.spawnSync({
    cmd: [PROMTOOL ?? "promtool", "check", "rules", file],
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: run.exitCode, output: `${run.stdout.toString()}${run.stderr.toString()}` };
}

/** Checks bare PromQL expressions by wrapping each in a recording rule of a temporary rules file. */
export function checkExpressions(exprs: string[]): { code: number; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-promql-"));
  try {
    const file = join(dir, "rules.yaml");
    const rules = exprs.map((expr, i) => ({ record: `vetmesh:dashboard_check:${i}`, expr }));
    writeFileSync(file, stringify({ groups: [{ name: "dashboard", rules }] }));
    return checkRules(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
