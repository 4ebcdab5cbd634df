/**
 * What `make bench` shows and keeps: a table on stdout, the same numbers as
 * JSON, and an SVG chart (no plotting dependency) in the git-ignored .bench/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CpuRun } from "./cpu.ts";
import type { ImportCost } from "./import-cost.ts";
import type { ProcessMemory } from "./rss.ts";
import type { RunResult } from "./stats.ts";

/** One target line: the figure, the goal, and whether it was met (printed, never asserted). */
export interface TargetCheck {
  name: string;
  value: string;
  goal: string;
  met: boolean;
}

/** Everything one bench run measured. */
export interface BenchReport {
  startedAt: string;
  machine: { cpus: number; bun: string; loadGenerator: string };
  runs: RunResult[];
  /** CPU per request of every process group in each run's measured window (the headline). */
  cpu: CpuRun[];
  /** Each group's CPU with no load (ms per second), subtracted from every window. */
  cpuIdleMsPerS: Record<string, number>;
  memory: ProcessMemory[];
  /** RSS a fresh bun adds by importing each dependency alone (bench/lib/import-cost.ts). */
  imports: { bareMb: number; costs: ImportCost[] };
  targets: TargetCheck[];
  notes: string[];
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "-");

/** Renders rows as a left-aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Groups that are not shown as their own column: whatever else the system spent meanwhile. */
const CPU_COLUMNS = ["owners", "redis"] as const;

/**
 * The CPU one request cost at saturation, by process: the row's front process, the owners, Redis (their
 * sum is the request's total), then the rest of the system's background and the load generator. Fixed-rate
 * windows are left out: at a low rate the processes' idle work (timers, heartbeats) dominates the quotient.
 */
export function cpuRows(runs: CpuRun[]): string[][] {
  return runs
    .filter((run) => run.mode === "throughput")
    .map((run) => {
      const of = (group: string) => run.groups.find((one) => one.group === group)?.usPerRequest;
      const front = run.front ?? "";
      const shown = new Set<string>([front, ...CPU_COLUMNS, "load generator"]);
      const rest = run.groups
        .filter((one) => !shown.has(one.group))
        .reduce((sum, one) => sum + one.usPerRequest, 0);
      const serverSide = [front, ...CPU_COLUMNS]
        .filter((group, i, all) => all.indexOf(group) === i)
        .reduce((sum, group) => sum + (of(group) ?? 0), 0);
      const cell = (value: number | undefined) => (value === undefined ? "-" : fixed(value, 0));
      return [
        run.id,
        run.mode === "fixed-rate" ? "fixed" : "max",
        front,
        cell(of(front)),
        front === "owners" ? "(front)" : cell(of("owners")),
        cell(of("redis")),
        cell(serverSide),
        cell(rest),
        cell(of("load generator")),
      ];
    });
}

/** The printed report: CPU per request (the headline), runs with ratio to (a), memory, targets. */
export function renderText(report: BenchReport): string {
  const baseline = report.runs.find((run) => run.id === "a" && run.mode === "throughput");
  const runRows = report.runs.map((run) => [
    run.id,
    run.label,
    run.mode === "fixed-rate" ? `fixed ${run.targetRate}/s` : "max",
    fixed(run.rps, 0),
    fixed(run.p50),
    fixed(run.p90),
    fixed(run.p99),
    fixed(run.max, 1),
    run.mode === "throughput" && baseline ? `${fixed(run.rps / baseline.rps)}x` : "",
    `${run.failures}/${run.requests}`,
    run.lag ? `${fixed(run.lag.p50)}/${fixed(run.lag.p99)}` : "",
  ]);
  const memoryRows = report.memory.map((one) => [
    one.name,
    String(one.pid),
    fixed(one.idleMb, 1),
    fixed(one.peakMb, 1),
  ]);
  const targetRows = report.targets.map((t) => [t.name, t.value, t.goal, t.met ? "met" : "MISSED"]);
  return [
    `vetmesh bench — ${report.startedAt}, ${report.machine.cpus} cores, bun ${report.machine.bun}, load: ${report.machine.loadGenerator}`,
    "",
    "CPU µs per request, by process (utime+stime from /proc/<pid>/stat over each measured window, less each process's idle CPU rate; the headline)",
    table(
      [
        "id",
        "load",
        "front process",
        "front",
        "owners",
        "redis",
        "total",
        "rest of system",
        "load generator",
      ],
      cpuRows(report.cpu),
    ),
    `idle CPU (ms/s, subtracted): ${Object.entries(report.cpuIdleMsPerS)
      .map(([group, rate]) => `${group} ${fixed(rate, 1)}`)
      .join(", ")}`,
    "",
    table(
      [
        "id",
        "scenario",
        "load",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "vs (a)",
        "failed",
        "pacer lag p50/p99",
      ],
      runRows,
    ),
    "",
    table(["process", "pid", "idle RSS MB", "peak RSS MB"], memoryRows),
    "",
    `import cost: RSS a fresh bun adds by importing one module alone (bare bun: ${fixed(report.imports.bareMb, 1)} MB; imports overlap, so rows do not add up)`,
    table(
      ["module", "imported from", "+RSS MB"],
      report.imports.costs.map((one) => [one.module, one.from, fixed(one.addedMb, 1)]),
    ),
    "",
    table(["target (shown, not asserted)", "measured", "goal", ""], targetRows),
    ...(report.notes.length > 0 ? ["", ...report.notes.map((note) => `note: ${note}`)] : []),
  ].join("\n");
}

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Two bar panels: throughput per scenario, and p50/p99 at the fixed rate. */
export function renderSvg(report: BenchReport): string {
  const width = 760;
  const panelHeight = 220;
  const parts: string[] = [];
  const panel = (
    top: number,
    title: string,
    bars: Array<{ label: string; values: Array<{ value: number; color: string; tag: string }> }>,
  ) => {
    const max = Math.max(1e-9, ...bars.flatMap((bar) => bar.values.map((v) => v.value)));
    const left = 60;
    const plotWidth = width - left - 20;
    const plotTop = top + 30;
    const plotHeight = panelHeight - 70;
    parts.push(
      `<text x="${left}" y="${top + 18}" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    );
    parts.push(
      `<line x1="${left}" y1="${plotTop + plotHeight}" x2="${left + plotWidth}" y2="${plotTop + plotHeight}" stroke="#333"/>`,
    );
    const slot = plotWidth / Math.max(1, bars.length);
    bars.forEach((bar, i) => {
      const barWidth = (slot * 0.7) / bar.values.length;
      bar.values.forEach((v, j) => {
        const h = (v.value / max) * plotHeight;
        const x = left + i * slot + slot * 0.15 + j * barWidth;
        const y = plotTop + plotHeight - h;
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${v.color}"/>`,
        );
        parts.push(
          `<text x="${(x + barWidth / 2 - 1).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="10" text-anchor="middle">${escapeXml(v.tag)}</text>`,
        );
      });
      parts.push(
        `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${plotTop + plotHeight + 16}" font-size="11" text-anchor="middle">${escapeXml(bar.label)}</text>`,
      );
    });
  };
  const throughput = report.runs.filter((run) => run.mode === "throughput");
  panel(
    0,
    "Throughput (requests/s, closed loop, autocannon)",
    throughput.map((run) => ({
      label: `(${run.id}) ${run.label}`,
      values: [{ value: run.rps, color: "#4878a8", tag: fixed(run.rps, 0) }],
    })),
  );
  const paced = report.runs.filter((run) => run.mode === "fixed-rate");
  const rate = paced[0]?.targetRate ?? 0;
  panel(
    panelHeight,
    `Latency at a fixed ${rate} req/s (ms): p50 blue, p99 orange`,
    paced.map((run) => ({
      label: `(${run.id}) ${run.label}`,
      values: [
        { value: run.p50, color: "#4878a8", tag: fixed(run.p50) },
        { value: run.p99, color: "#e08a2c", tag: fixed(run.p99) },
      ],
    })),
  );
  const cpuMax = report.cpu.filter((run) => run.mode === "throughput");
  panel(
    panelHeight * 2,
    "CPU µs per request at saturation: front process blue, owners orange, Redis green",
    cpuMax.map((run) => {
      const of = (group: string | undefined) =>
        run.groups.find((one) => one.group === group)?.usPerRequest ?? 0;
      return {
        label: `(${run.id})`,
        values: [
          { value: of(run.front), color: "#4878a8", tag: fixed(of(run.front), 0) },
          { value: run.front === "owners" ? 0 : of("owners"), color: "#e08a2c", tag: fixed(of("owners"), 0) },
          { value: of("redis"), color: "#5a9e5a", tag: fixed(of("redis"), 0) },
        ],
      };
    }),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${panelHeight * 3}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...parts,
    "</svg>",
    "",
  ].join("\n");
}

/** Writes latest.json and latest.svg into the folder (each run replaces the last); returns the paths. */
export function writeResults(folder: string, report: BenchReport): string[] {
  mkdirSync(folder, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const svg = renderSvg(report);
  // latest.* for make bench-save, and a copy per run so earlier runs stay to compare.
  const stamp = report.startedAt.replaceAll(":", "-").replace(/\.\d+Z$/, "Z");
  const files: Array<[string, string]> = [
    [join(folder, "latest.json"), json],
    [join(folder, "latest.svg"), svg],
    [join(folder, `${stamp}.json`), json],
    [join(folder, `${stamp}.svg`), svg],
  ];
  for (const [file, text] of files) writeFileSync(file, text);
  return files.map(([file]) => file);
}
