import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./deployables.ts";

interface Rule {
  alert?: string;
  expr?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const rules = (
  parse(readFileSync(join(ROOT, "k8s/observability/alert-rules.yaml"), "utf8")) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  }
).groups.flatMap((group) => group.rules);

/** The metric names the code registers (prom-client `name: "vetmesh_…"`). */
const SOURCES = [
  "packages/owner-service/src/domain/saga-metrics.ts",
  "packages/veterinary-service/src/reminders/metrics.ts",
];
const exported = new Set(
  SOURCES.flatMap((file) =>
    [...readFileSync(join(ROOT, file), "utf8").matchAll(/name: "(vetmesh_[a-z_]+)"/g)].map((m) => m[1]),
  ),
);

describe("k8s/observability/alert-rules.yaml", () => {
  test("covers stuck sagas, failing saga steps, dead-lettered reminders, scanner lag and a stopped scanner", () => {
    expect(rules.map((r) => r.alert)).toEqual([
      "VetmeshRemovalSagaStuck",
      "VetmeshRemovalSagaStepsFailing",
      "VetmeshRemindersDeadLettered",
      "VetmeshReminderScannerLagging",
      "VetmeshReminderScannerStopped",
    ]);
  });

  test("every metric a rule reads is one the code exports; each rule has a severity and a summary", () => {
    for (const rule of rules) {
      const used = [...(rule.expr ?? "").matchAll(/\b(vetmesh_[a-z_]+)\b/g)].map((m) => m[1]);
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((name) => !exported.has(name))).toEqual([]);
      expect(["page", "ticket"]).toContain(rule.labels?.severity ?? "");
      expect(rule.annotations?.summary ?? "").not.toBe("");
    }
  });
});
