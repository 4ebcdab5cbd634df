/**
 * Starts a private copy of the whole system with `scripts/run.ts` — the same
 * code path as `make run` — on shifted ports, in a temporary data folder, and
 * stops it with `scripts/stop.ts`. Lets the e2e suite run beside a user's own
 * `make run`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildProcesses } from "../../scripts/processes.ts";
import { ROOT } from "./process.ts";

/** One running copy of the system. */
export interface RunningSystem {
  portOffset: number;
  dataDir: string;
  runDir: string;
  /** Base URL of the gateway. */
  gateway: string;
  /** host:port of a named process's gRPC listener, from processes.json. */
  grpcAddress(name: string): string;
  /** Base URL of a named process's admin listener (GET /metrics), from processes.json. */
  adminUrl(name: string): string;
  /** The rows `make run` printed. */
  processes: Array<{ name: string; pid: number; http: string; grpc: string; admin: string; status: string }>;
  /** Runs `scripts/run.ts` again, like a second `make run`: starts what is not running, waits until healthy. */
  startMissing(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How long a test hook that stops a system must allow: scripts/stop.ts gives the
 * processes 15 s to drain after SIGTERM (DRAIN_TIMEOUT_MS is 10 s) before SIGKILL,
 * so bun's default 5 s hook bound is shorter than the stop it waits for.
 */
export const STOP_BOUND_MS = 20_000;

/** True when nothing listens on 127.0.0.1:port (we could bind it). */
async function portIsFree(port: number): Promise<boolean> {
  try {
    const server = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
    server.stop(true);
    return true;
  } catch {
    return false;
  }
}

/**
 * A port offset at which every port of the system is free, so several private
 * copies (several test runs on one machine) never collide on fixed ports.
 */
export async function freePortOffset(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768+), so an outgoing connection never holds one of them.
    const offset = 10_000 + 100 * Math.floor(Math.random() * 140);
    const ports = buildProcesses({ portOffset: offset, dataDir: "", runDir: "", redisNamespace: "" }).flatMap(
      (spec) => [spec.httpPort, spec.adminPort, ...(spec.grpcPort === undefined ? [] : [spec.grpcPort])],
    );
    const free = await Promise.all(ports.map(portIsFree));
    if (free.every(Boolean)) return offset;
  }
  throw new Error("no port offset with every port of the system free");
}

/** Starts the system; rejects (after stopping what started) if any /status stays unhealthy. */
export async function startSystem(
  options: {
    /** Default: a free offset (see freePortOffset). */
    portOffset?: number;
    env?: Record<string, string>;
  } = {},
): Promise<RunningSystem> {
  const portOffset = options.portOffset ?? (await freePortOffset());
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-e2e-"));
  const dataDir = join(dir, "data");
  const runDir = join(dir, "run");
  const env = {
    ...process.env,
    ...options.env,
    VETMESH_PORT_OFFSET: String(portOffset),
    VETMESH_DATA_DIR: dataDir,
    VETMESH_RUN_DIR: runDir,
  };
  const runScript = (script: string) =>
    Bun.spawn({
      cmd: [process.execPath, join(ROOT, "scripts", script)],
      cwd: ROOT,
      env,
      stdout: "pipe",
      stderr: "pipe",
    });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    const stopper = runScript("stop.ts");
    await stopper.exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const migrate = runScript("migrate.ts");
  if ((await migrate.exited) !== 0) {
    const output = await new Response(migrate.stderr).text();
    await stop();
    throw new Error(`migrate failed:\n${output}`);
  }
  const runner = runScript("run.ts");
  const code = await runner.exited;
  const output = `${await new Response(runner.stdout).text()}${await new Response(runner.stderr).text()}`;
  if (code !== 0) {
    const logs = (() => {
      try {
        return readFileSync(join(runDir, "processes.json"), "utf8");
      } catch {
        return "";
      }
    })();
    await stop();
    throw new Error(`the system did not start:\n${output}\n${logs}`);
  }
  const processes = JSON.parse(
    readFileSync(join(runDir, "processes.json"), "utf8"),
  ) as RunningSystem["processes"];
  return {
    portOffset,
    dataDir,
    runDir,
    gateway: `http://127.0.0.1:${8080 + portOffset}`,
    processes,
    async startMissing() {
      const again = runScript("run.ts");
      if ((await again.exited) !== 0) {
        throw new Error(
          `run.ts failed:\n${await new Response(again.stdout).text()}${await new Response(again.stderr).text()}`,
        );
      }
    },
    adminUrl(name) {
      const row = processes.find((one) => one.name === name);
      if (!row) throw new Error(`no process ${name}`);
      return row.admin;
    },
    grpcAddress(name) {
      const row = processes.find((one) => one.name === name);
      if (!row || row.grpc === "-") throw new Error(`no gRPC listener for ${name}`);
      return row.grpc;
    },
    stop,
  };
}
