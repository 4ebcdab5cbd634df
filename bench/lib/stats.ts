/**
 * Percentiles over exact sub-millisecond samples. autocannon's own histogram
 * stores whole milliseconds, too coarse for the (c − d) ≤ 1.5 ms target, so the
 * bench keeps every latency it sees (runs are bounded, so the arrays are too).
 */

/** A growable list of float latencies in milliseconds. */
export class Samples {
  private values = new Float64Array(1 << 16);
  private size = 0;

  add(value: number): void {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = value;
  }

  get count(): number {
    return this.size;
  }

  /** Nearest-rank percentile (p in 0..100); NaN when empty. */
  percentiles(...ps: number[]): number[] {
    if (this.size === 0) return ps.map(() => Number.NaN);
    const sorted = this.values.slice(0, this.size).sort();
    return ps.map(
      (p) => sorted[Math.min(this.size - 1, Math.max(0, Math.ceil((p / 100) * this.size) - 1))] ?? 0,
    );
  }
}

/** Result of one load run, in the units the table prints. */
export interface RunResult {
  /** Scenario id and label, e.g. "b" / "gateway cache hit". */
  id: string;
  label: string;
  mode: "throughput" | "fixed-rate";
  /** Target rate for fixed-rate runs. */
  targetRate?: number;
  durationS: number;
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Fixed-rate runs: how late the pacer sent its requests (ms), a property of the load generator. */
  lag?: { p50: number; p99: number };
  /** Non-2xx answers plus transport errors/timeouts. */
  failures: number;
}
