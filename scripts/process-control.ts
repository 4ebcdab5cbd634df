/** Shared by run.ts and stop.ts: pid files, liveness and port checks for `make run` processes. */
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import type { ProcessSpec } from "./processes.ts";

/** The pid file of a process. */
export const pidFile = (spec: ProcessSpec, runDir: string) => `${runDir}/${spec.name}.pid`;

/**
 * The pid recorded for spec if that process is alive AND is still the one we
 * started (its command line names our entry file): pids get reused.
 */
export function readAlivePid(spec: ProcessSpec, runDir: string): number | undefined {
  const file = pidFile(spec, runDir);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmdline.includes(spec.entry) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** True when GET /status on the port answers 200 {"status":"ok"}. */
export async function statusOk(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(1000) });
    const body = (await res.json()) as { status?: string };
    return res.status === 200 && body.status === "ok";
  } catch {
    return false;
  }
}
