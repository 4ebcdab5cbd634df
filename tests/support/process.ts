/**
 * Starts a real vetmesh process for a cross-process test and learns its bound
 * ports from its "listening" log line (start processes on port 0 so suites
 * never collide). Every process started here is killed by stopAll().
 */

import { resolve } from "node:path";
import { type Subprocess, spawn } from "bun";

/** The repository root, so tests can run from any folder. */
export const ROOT = resolve(import.meta.dir, "../..");

/** A process under test. */
export interface TestProcess {
  name: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  grpcPort: number;
  httpPort: number;
  /** The admin listener (GET /metrics; the HTTP port does not serve it), on loopback. */
  adminPort: number;
  /** Every line the process wrote to stdout/stderr so far. */
  lines: string[];
  /** Resolves with the exit code. */
  exited: Promise<number>;
  /** Resolves when a line matching the predicate appears. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

const started = new Set<TestProcess>();

/** Spawns `bun <entry>` with env and resolves once it logged "listening". */
export async function startProcess(options: {
  name: string;
  entry: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /**
   * Start with SIGXFSZ ignored (bash `trap '' XFSZ`, kept across exec), so that a file size limit
   * set later (`prlimit --fsize`) fails the process's writes the way a full disk does, instead of
   * killing it: the fault-injection tests' "disk full".
   */
  ignoreFileSizeSignal?: boolean;
}): Promise<TestProcess> {
  const direct = [process.execPath, resolve(ROOT, options.entry)];
  const proc = spawn({
    cmd: options.ignoreFileSizeSignal ? ["bash", "-c", `trap '' XFSZ; exec "$0" "$1"`, ...direct] : direct,
    cwd: ROOT,
    env: {
      ...process.env,
      GRPC_PORT: "0",
      HTTP_PORT: "0",
      ADMIN_PORT: "0",
      LOG_LEVEL: "info",
      DRAIN_DELAY_MS: "0",
      ...options.env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true });
      let newline = buffered.indexOf("\n");
      while (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        lines.push(line);
        for (const listener of listeners) listener(line);
        newline = buffered.indexOf("\n");
      }
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);
  const waitForLine = (predicate: (line: string) => boolean, timeoutMs = 10_000) =>
    new Promise<string>((resolveLine, reject) => {
      const seen = lines.find(predicate);
      if (seen) return resolveLine(seen);
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(
          new Error(
            `${options.name}: no matching line within ${timeoutMs} ms; last lines:\n${lines.slice(-10).join("\n")}`,
          ),
        );
      }, timeoutMs);
      const listener = (line: string) => {
        if (!predicate(line)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolveLine(line);
      };
      listeners.add(listener);
      void proc.exited.then(() => {
        if (!listeners.has(listener)) return;
        clearTimeout(timer);
        listeners.delete(listener);
        reject(new Error(`${options.name} exited; last lines:\n${lines.slice(-10).join("\n")}`));
      });
    });
  const listening = await waitForLine(
    (line) => line.includes('"msg":"listening"'),
    options.timeoutMs ?? 15_000,
  );
  const parsed = JSON.parse(listening) as { grpcPort?: number; httpPort: number; adminPort: number };
  const testProcess: TestProcess = {
    name: options.name,
    proc,
    grpcPort: parsed.grpcPort ?? 0,
    httpPort: parsed.httpPort,
    adminPort: parsed.adminPort,
    lines,
    exited: proc.exited,
    waitForLine,
    kill: (signal = "SIGKILL") => proc.kill(signal),
  };
  started.add(testProcess);
  void proc.exited.then(() => started.delete(testProcess));
  return testProcess;
}

/** The Prometheus text a process serves on its admin port. */
export async function scrapeMetrics(process: Pick<TestProcess, "adminPort">): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${process.adminPort}/metrics`);
  if (res.status !== 200) throw new Error(`/metrics on the admin port answered ${res.status}`);
  return res.text();
}

/** Kills every process this module started (use in afterAll). */
export async function stopAll(): Promise<void> {
  const all = [...started];
  for (const one of all) one.kill("SIGKILL");
  await Promise.all(all.map((one) => one.exited));
}

/** Polls until fn returns a truthy value or the bound passes. */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await Bun.sleep(stepMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}
