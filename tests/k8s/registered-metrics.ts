/**
 * The Prometheus series the code registers, read from the sources (every
 * prom-client `new Counter|Gauge|Histogram({ name: "vetmesh_…" })` under
 * packages/ and mesh/), so the alert rules and the Grafana dashboard can be
 * checked against names that really exist, with the suffixes each type exports.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./deployables.ts";

/** Metric type as prom-client exports it. */
export type MetricType = "Counter" | "Gauge" | "Histogram" | "Summary";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === "node_modules" || entry === "gen") return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return entry.endsWith(".ts") && !entry.endsWith(".test.ts") ? [path] : [];
  });
}

/** Every registered vetmesh_* metric name with its type. */
export function registeredMetrics(): Map<string, MetricType> {
  const found = new Map<string, MetricType>();
  const declaration = /new (Counter|Gauge|Histogram|Summary)\b[^(]*\(\{\s*name:\s*"(vetmesh_[a-z0-9_]+)"/g;
  for (const file of [...sourceFiles(join(ROOT, "packages")), ...sourceFiles(join(ROOT, "mesh"))]) {
    for (const match of readFileSync(file, "utf8").matchAll(declaration)) {
      found.set(match[2]!, match[1] as MetricType);
    }
  }
  return found;
}

/** The series names a scrape shows for the registered metrics (histograms: _bucket, _sum, _count). */
export function exportedSeries(metrics = registeredMetrics()): Set<string> {
  const series = new Set<string>();
  for (const [name, type] of metrics) {
    series.add(name);
    if (type === "Histogram") for (const suffix of ["_bucket", "_sum", "_count"]) series.add(name + suffix);
    if (type === "Summary") for (const suffix of ["_sum", "_count"]) series.add(name + suffix);
  }
  return series;
}

/** The vetmesh_* names a PromQL expression reads. */
export function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(vetmesh_[a-z0-9_]+)\b/g)].map((match) => match[1]!);
}
