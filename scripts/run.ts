/**
 * `make run`: starts every process of scripts/processes.ts in the background,
 * skips the ones already running, waits until each /status answers 200, then
 * prints a table and writes .run/processes.json. Logs and pids live in .run/.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureLocalKeys } from "../packages/service-kit/src/auth/local-keys.ts";
import { isPortFree, readAlivePid, statusOk } from "./process-control.ts";
import { buildProcesses, layoutFromEnv, type ProcessSpec } from "./processes.ts";

const STATUS_TIMEOUT_MS = 30_000;

const layout = layoutFromEnv();
const RUN_DIR = layout.runDir;
const processes = buildProcesses(layout);
mkdirSync(RUN_DIR, { recursive: true });
mkdirSync(layout.dataDir, { recursive: true });
// Every process that verifies tokens reads this JWKS (AUTH_JWKS_FILE); make init made it, a fresh data dir gets one.
await ensureLocalKeys(join(layout.dataDir, "auth"));
// Discovery's shared secret (DISCOVERY_TOKEN) for this run directory: generated once, never committed,
// kept while processes of this run may still be alive so a restarted one still matches the others.
const tokenFile = join(RUN_DIR, "discovery-token");
if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString("base64url"), { mode: 0o600 });
const DISCOVERY_TOKEN = process.env.DISCOVERY_TOKEN || readFileSync(tokenFile, "utf8").trim();

interface Started {
  spec: ProcessSpec;
  pid: number;
  reused: boolean;
  /** False once the process exited (we watch our own children; a reused one is checked by pid). */
  alive: () => boolean;
}

async function start(spec: ProcessSpec): Promise<Started> {
  const existing = readAlivePid(spec, RUN_DIR);
  if (existing)
    return { spec, pid: existing, reused: true, alive: () => readAlivePid(spec, RUN_DIR) !== undefined };
  for (const port of [spec.httpPort, spec.grpcPort, spec.adminPort]) {
    if (port !== undefined && !(await isPortFree(port))) {
      throw new Error(`${spec.name}: port ${port} is already in use by a process make run did not start`);
    }
  }
  const log = openSync(`${RUN_DIR}/${spec.name}.log`, "a");
  const child = spawn(process.execPath, [spec.entry], {
    detached: true,
    stdio: ["ignore", log, log],
    env: {
      ...process.env,
      DISCOVERY_TOKEN,
      ...spec.env,
      HTTP_PORT: String(spec.httpPort),
      ADMIN_PORT: String(spec.adminPort),
      ...(spec.grpcPort !== undefined ? { GRPC_PORT: String(spec.grpcPort) } : {}),
    },
  });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start`);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  child.unref();
  writeFileSync(`${RUN_DIR}/${spec.name}.pid`, `${child.pid}\n`);
  return { spec, pid: child.pid, reused: false, alive: () => !exited };
}

async function waitHealthy(started: Started): Promise<boolean> {
  const deadline = Date.now() + STATUS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (await statusOk(started.spec.httpPort)) return true;
    if (!started.alive()) return false;
    await Bun.sleep(100);
  }
  return false;
}

const started: Started[] = [];
for (const spec of processes) {
  const one = await start(spec);
  started.push(one);
  // Discovery first: the others register with it as they start.
  if (spec.name === "discovery" && !(await waitHealthy(one))) break;
}
const health = await Promise.all(started.map(waitHealthy));

/** True once discovery lists the process (it registers right after it starts listening). */
async function registered(spec: ProcessSpec): Promise<boolean> {
  const discoveryUrl = spec.env.DISCOVERY_URL;
  if (!spec.service || !discoveryUrl) return true;
  const deadline = Date.now() + STATUS_TIMEOUT_MS;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${discoveryUrl}/vetmesh.discovery.v1.DiscoveryService/List`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: spec.service }),
        signal: AbortSignal.timeout(1000),
      });
      const body = (await res.json()) as { instances?: Array<{ instanceId?: string }> };
      if (body.instances?.some((one) => one.instanceId === spec.env.INSTANCE_ID)) return true;
    } catch {
      // discovery not answering yet: try again
    }
    await Bun.sleep(100);
  }
  return false;
}
const inDiscovery = await Promise.all(
  started.map((one, index) => (health[index] ? registered(one.spec) : false)),
);

const rows = started.map((one, index) => ({
  name: one.spec.name,
  pid: one.pid,
  http: `http://127.0.0.1:${one.spec.httpPort}`,
  grpc: one.spec.grpcPort === undefined ? "-" : `127.0.0.1:${one.spec.grpcPort}`,
  // GET /metrics is served here only (loopback), not on the http port.
  admin: `http://127.0.0.1:${one.spec.adminPort}`,
  status: !health[index]
    ? "FAILED"
    : !inDiscovery[index]
      ? "FAILED (not in discovery)"
      : one.reused
        ? "ok (already running)"
        : "ok",
  log: `${RUN_DIR}/${one.spec.name}.log`,
}));
writeFileSync(`${RUN_DIR}/processes.json`, `${JSON.stringify(rows, null, 2)}\n`);

const headers = ["name", "pid", "http", "grpc", "admin", "status", "log"] as const;
const widths = headers.map((h) => Math.max(h.length, ...rows.map((row) => String(row[h]).length)));
const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ");
console.log(line([...headers]));
for (const row of rows) console.log(line(headers.map((h) => String(row[h]))));

const failed = rows.filter((row) => row.status.startsWith("FAILED"));
if (failed.length > 0) {
  console.error(
    `\n${failed.length} process(es) did not become healthy; see their logs. \`make stop\` stops the rest.`,
  );
  process.exit(1);
}
console.log(
  `\nvetmesh is up: gateway at http://127.0.0.1:${8080 + layout.portOffset} — \`make stop\` stops everything.`,
);
const gateway = `http://127.0.0.1:${8080 + layout.portOffset}`;
if (process.env.AUTH_MODE === "required") {
  console.log(
    `auth: AUTH_MODE=required. Get a token: TOKEN=$(make -s token ROLE=reception)  (ROLE=admin|vet|reception|owner, owners add EMAIL=…)\n` +
      `      curl -H "Authorization: Bearer $TOKEN" ${gateway}/api/me`,
  );
} else {
  console.log(
    "auth: AUTH_MODE=open (anonymous, the first version's API; see the gateway log's warning).\n" +
      "      `make stop && AUTH_MODE=required make run` turns it on; `make -s token ROLE=vet` prints a token.",
  );
}
