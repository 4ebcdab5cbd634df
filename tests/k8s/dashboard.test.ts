/**
 * k8s/observability/grafana-dashboard.json: a dashboard Grafana can import (the
 * fields it needs, panels on its 24-column grid without overlaps, a Prometheus
 * datasource variable), whose every query reads series the code really exports
 * and, where promtool is installed, parses as PromQL.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./deployables.ts";
import { checkExpressions, PROMTOOL } from "./promtool.ts";
import { exportedSeries, metricsIn } from "./registered-metrics.ts";

interface Target {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  gridPos?: { h: number; w: number; x: number; y: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
}
interface Dashboard {
  title?: string;
  uid?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: Array<{ name?: string; type?: string; query?: string }> };
}

const dashboard = JSON.parse(
  readFileSync(join(ROOT, "k8s/observability/grafana-dashboard.json"), "utf8"),
) as Dashboard;
const panels = dashboard.panels ?? [];
const targets = panels.flatMap((panel) => panel.targets ?? []);
// Grafana's $__rate_interval is at least four scrape intervals; 5m stands in for it when Prometheus parses.
// Grafana's own placeholder syntax, not a JavaScript template.
const DATASOURCE_VARIABLE = ["$", "{datasource}"].join("");
const asPromQL = (expr: string) => expr.replaceAll("$__rate_interval", "5m");

describe("k8s/observability/grafana-dashboard.json", () => {
  test("has a title, a stable uid, a schema version and a Prometheus datasource variable every query uses", () => {
    expect(dashboard.title).toBe("vetmesh");
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating?.list).toContainEqual(
      expect.objectContaining({ name: "datasource", type: "datasource", query: "prometheus" }),
    );
    for (const holder of [...panels.map((p) => p.datasource), ...targets.map((t) => t.datasource)]) {
      expect(holder).toEqual({ type: "prometheus", uid: DATASOURCE_VARIABLE });
    }
  });

  test("panels have unique ids, a known type, a title, a description and queries with unique refIds", () => {
    expect(panels.length).toBeGreaterThanOrEqual(6);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const panel of panels) {
      expect(["timeseries", "stat", "gauge", "table", "state-timeline"]).toContain(panel.type ?? "");
      expect(panel.title ?? "").not.toBe("");
      expect(panel.description ?? "").not.toBe("");
      const refs = (panel.targets ?? []).map((t) => t.refId);
      expect(refs.length).toBeGreaterThan(0);
      expect(new Set(refs).size).toBe(refs.length);
      for (const target of panel.targets ?? []) expect(target.expr ?? "").not.toBe("");
    }
  });

  test("panels sit on the 24-column grid without overlapping", () => {
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos ?? { x: -1, y: -1, w: 0, h: 0 };
      expect([x, y, w, h].every(Number.isInteger)).toBe(true);
      expect(x >= 0 && w > 0 && h > 0 && x + w <= 24 && y >= 0).toBe(true);
      for (let col = x; col < x + w; col++)
        for (let row = y; row < y + h; row++) {
          const cell = `${col},${row}`;
          expect(cells.has(cell) ? `${panel.title} overlaps at ${cell}` : "").toBe("");
          cells.add(cell);
        }
    }
  });

  test("every query reads only series the code registers (histograms through _bucket)", () => {
    const exported = exportedSeries();
    for (const target of targets) {
      const used = metricsIn(target.expr ?? "");
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((name) => !exported.has(name))).toEqual([]);
    }
  });

  test("shows request rate, errors and p99 per route, breaker state, outbox backlog and reminder lag", () => {
    const panelReading = (pattern: RegExp) =>
      panels
        .filter((panel) => (panel.targets ?? []).some((t) => pattern.test(t.expr ?? "")))
        .map((p) => p.title);
    expect(panelReading(/^sum by \(route\) \(rate\(vetmesh_gateway_http_requests_total\[/)).toEqual([
      "Request rate by route",
    ]);
    expect(panelReading(/vetmesh_gateway_http_requests_total\{status=~"5\.\."\}/)).toEqual([
      "Errors by route (5xx share)",
    ]);
    expect(
      panelReading(
        /histogram_quantile\(0\.99, sum by \(route, le\) \(rate\(vetmesh_gateway_http_request_duration_seconds_bucket/,
      ),
    ).toEqual(["p99 latency by route"]);
    expect(panelReading(/vetmesh_gateway_breaker_state/)).toEqual(["Circuit breaker state by target"]);
    expect(panelReading(/vetmesh_notification_outbox_messages/)).toEqual(["Outbox backlog"]);
    expect(panelReading(/vetmesh_reminders_scan_lag_seconds/)).toEqual(["Reminder lag"]);
  });

  test("balanced brackets and quotes in every query", () => {
    for (const { expr = "" } of targets) {
      const stack: string[] = [];
      const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
      for (const char of expr.replace(/"[^"]*"/g, '""')) {
        if ("([{".includes(char)) stack.push(char);
        else if (char in pairs) expect(stack.pop()).toBe(pairs[char]!);
      }
      expect(stack).toEqual([]);
      expect((expr.match(/"/g) ?? []).length % 2).toBe(0);
    }
  });

  test.skipIf(!PROMTOOL)(
    `promtool parses every query${PROMTOOL ? "" : " (skipped: promtool is not installed; apt-get install prometheus)"}`,
    () => {
      const { code, output } = checkExpressions(targets.map((t) => asPromQL(t.expr ?? "")));
      expect(output).toContain(`SUCCESS: ${targets.length} rules found`);
      expect(code).toBe(0);
    },
  );
});
