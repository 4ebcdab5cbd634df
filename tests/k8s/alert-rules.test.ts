import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ROOT } from "./deployables.ts";
import { checkRules, PROMTOOL } from "./promtool.ts";
import { exportedSeries, metricsIn } from "./registered-metrics.ts";

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const RULES_FILE = join(ROOT, "k8s/observability/alert-rules.yaml");
const rules = (
  parse(readFileSync(RULES_FILE, "utf8")) as {
    groups: Array<{ name: string; rules: Rule[] }>;
  }
).groups.flatMap((group) => group.rules);
const exported = exportedSeries();

describe("k8s/observability/alert-rules.yaml", () => {
  test("covers stuck and failing sagas, reminders (dead letters, lag, stopped scanner), an open breaker and the outbox (dead letters, growing backlog)", () => {
    expect(rules.map((r) => r.alert)).toEqual([
      "VetmeshRemovalSagaStuck",
      "VetmeshRemovalSagaStepsFailing",
      "VetmeshRemindersDeadLettered",
      "VetmeshReminderScannerLagging",
      "VetmeshReminderScannerStopped",
      "VetmeshGatewayBreakerOpen",
      "VetmeshOutboxDeadLetters",
      "VetmeshOutboxBacklogGrowing",
    ]);
    const exprOf = (name: string) => rules.find((r) => r.alert === name)?.expr ?? "";
    expect(exprOf("VetmeshGatewayBreakerOpen")).toContain("vetmesh_gateway_breaker_state");
    expect(exprOf("VetmeshOutboxDeadLetters")).toContain(
      'vetmesh_notification_outbox_messages{state="dead"}',
    );
    expect(exprOf("VetmeshRemovalSagaStuck")).toContain("vetmesh_removal_saga_oldest_unfinished_age_seconds");
  });

  test("every metric a rule reads is one the code exports; each rule has a severity and a summary", () => {
    for (const rule of rules) {
      const used = metricsIn(rule.expr ?? "");
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((name) => !exported.has(name))).toEqual([]);
      expect(["page", "ticket"]).toContain(rule.labels?.severity ?? "");
      expect(rule.annotations?.summary ?? "").not.toBe("");
    }
  });

  test.skipIf(!PROMTOOL)(
    `promtool check rules accepts the file${PROMTOOL ? "" : " (skipped: promtool is not installed; apt-get install prometheus)"}`,
    () => {
      const { code, output } = checkRules(RULES_FILE);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
      expect(code).toBe(0);
    },
  );
});
