/**
 * The one declarative list of the processes `make run` starts. Each entry says
 * what to run, on which ports, with which environment; scripts/run.ts starts them
 * in order, waits for every /status, and writes .run/processes.json.
 */
export interface ProcessSpec {
  /** Unique name; also the log file (.run/<name>.log) and pid file (.run/<name>.pid). */
  name: string;
  /** Entry file, run with `bun`. */
  entry: string;
  /** Port of the HTTP/1.1 listener (/status). */
  httpPort: number;
  /** Port of the h2c gRPC listener, if any. */
  grpcPort?: number;
  env: Record<string, string>;
}

const DISCOVERY_URL = "http://127.0.0.1:7001";

/** Everything `make run` starts, in start order (discovery first so everyone can register). */
export const processes: ProcessSpec[] = [
  {
    name: "demo",
    entry: "packages/demo-service/src/main.ts",
    grpcPort: 7401,
    httpPort: 7402,
    env: { INSTANCE_ID: "demo-1", DISCOVERY_URL },
  },
];
