/**
 * `make bench`: starts what it measures (a Bun.serve baseline, and the whole
 * system through scripts/run.ts — the `make run` code — on shifted ports in a
 * temporary data folder), seeds owners, warms up, then runs bounded loads:
 *   (a) Bun.serve JSON hello-world, the baseline of the same run;
 *   (b) gateway cache hit: GET /api/owner/{email}/pets, limiter and breaker on;
 *   (e) the same hit through a gateway with AUTH_MODE=required and a bearer token;
 *   (c) gateway cache miss → balancer → owner over gRPC → SQLite (a second
 *       gateway with a 1 ms cache TTL, each request a different owner);
 *   (d) the owner RPC directly: Connect JSON POST to the owner instances;
 * then latency at a fixed rate below saturation for (b), (c), (d). Prints a
 * table, writes .bench/latest.{json,svg} (git-ignored; `make bench-save`
 * copies a run to the committed bench/reference/). Targets are shown, never
 * asserted. Every knob is an environment variable (see bench/README.md).
 */
import { cpus } from "node:os";
import { join } from "node:path";
import { mintToken, readPrivateJwk } from "../packages/service-kit/src/auth/index.ts";
import { startProcess, stopAll, type TestProcess } from "../tests/support/process.ts";
import { type RunningSystem, startSystem } from "../tests/support/system.ts";
import { type Target, throughputRun } from "./lib/load.ts";
import { BENCH_OUTPUT_DIR } from "./lib/output.ts";
import { pacedRun } from "./lib/paced.ts";
import { type BenchReport, renderText, type TargetCheck, writeResults } from "./lib/report.ts";
import { createRssTracker } from "./lib/rss.ts";
import { scrapeCounter, seedOwners } from "./lib/seed.ts";
import type { RunResult } from "./lib/stats.ts";

const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION_S ?? 5);
const WARMUP_S = Number(env.BENCH_WARMUP_S ?? 1);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(env.BENCH_RATE ?? 2000);
const OWNERS = Number(env.BENCH_OWNERS ?? 200);
const PORT_OFFSET = Number(env.BENCH_PORT_OFFSET ?? 24_000);
const REDIS_URL = env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RUN_ID = `${Date.now().toString(36)}`;
const LOAD_GENERATOR = "autocannon 9.0.0 (closed loop) + open-loop pacer (fixed rate)";

const startedAt = new Date().toISOString();
let system: RunningSystem | undefined;
/** Stops everything the bench started; bounded, so a wedged stop cannot hold the bench forever. */
async function cleanup() {
  await Promise.race([
    (async () => {
      await stopAll();
      await system?.stop();
    })(),
    Bun.sleep(20_000),
  ]);
}
const hardStop = setTimeout(() => {
  process.stderr.write("bench: exceeded its 170 s bound; stopping what it started\n");
  void cleanup().then(() => process.exit(2));
}, 170_000);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => void cleanup().then(() => process.exit(130)));
}

// Raised limits: the bench's one client would otherwise be rate limited within a second.
const limits = { RATE_LIMIT_READ: "1000000000/60", RATE_LIMIT_WRITE: "1000000000/60" };
const sharedEnv = {
  REDIS_URL,
  REDIS_KEY_PREFIX: `vetmesh:bench:${RUN_ID}:`,
  DISCOVERY_REDIS_PREFIX: `vetmesh:bench:${RUN_ID}:discovery:`,
  ...limits,
};

function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

try {
  const memory = createRssTracker();
  log("starting the baseline and the system (scripts/run.ts)");
  const baseline = await startProcess({ name: "baseline", entry: "bench/baseline-server.ts" });
  system = await startSystem({ portOffset: PORT_OFFSET, env: sharedEnv });
  log(
    `system up in ${system.runDir} (if the bench is SIGKILLed: VETMESH_RUN_DIR=${system.runDir} bun scripts/stop.ts)`,
  );
  memory.add("baseline (Bun.serve)", baseline.proc.pid);
  for (const row of system.processes) memory.add(row.name, row.pid);
  const discovery = system.processes.find((row) => row.name === "discovery")?.http;
  const owners = system.processes.filter((row) => row.name.startsWith("owner")).map((row) => row.http);
  if (!discovery || owners.length === 0) throw new Error("the system has no discovery or no owner process");
  // (c) needs a gateway whose cache never hits: same code, same discovery, TTL 1 ms.
  const missGateway: TestProcess = await startProcess({
    name: "gateway-nocache",
    entry: "packages/gateway/src/main.ts",
    env: { ...sharedEnv, DISCOVERY_URL: discovery, CACHE_TTL_MS: "1", INSTANCE_ID: `gateway-bench-nocache` },
  });
  memory.add("gateway (cache TTL 1 ms, for c)", missGateway.proc.pid);
  // (e) is (b) through a gateway with AUTH_MODE=required and a reception token: what access control costs.
  const authGateway: TestProcess = await startProcess({
    name: "gateway-auth",
    entry: "packages/gateway/src/main.ts",
    env: {
      ...sharedEnv,
      DISCOVERY_URL: discovery,
      AUTH_MODE: "required",
      AUTH_JWKS_FILE: join(system.dataDir, "auth", "jwks.json"),
      INSTANCE_ID: "gateway-bench-auth",
    },
  });
  memory.add("gateway (AUTH_MODE=required, for e)", authGateway.proc.pid);
  const token = await mintToken(readPrivateJwk(join(system.dataDir, "auth", "private.jwk")), {
    subject: "bench-reception",
    role: "reception",
    issuer: "vetmesh-local",
    audience: "vetmesh",
    ttlSeconds: 3600,
  });
  await Bun.sleep(1000);
  memory.snapshotIdle();

  log(`seeding ${OWNERS} owners with 2 pets each`);
  const seeded = await seedOwners(system.gateway, OWNERS, 2);
  const missBase = `http://127.0.0.1:${missGateway.httpPort}`;
  let next = 0;
  const nextOwner = () => seeded[next++ % seeded.length]!;
  const hot = seeded[0]!.email;

  const targets: Record<"a" | "b" | "c" | "d" | "e", { label: string; target: Target }> = {
    a: { label: "Bun.serve hello", target: { urls: [`http://127.0.0.1:${baseline.httpPort}`], path: "/" } },
    b: {
      label: "gateway cache hit",
      target: { urls: [system.gateway], path: `/api/owner/${encodeURIComponent(hot)}/pets` },
    },
    e: {
      label: "gateway cache hit, AUTH_MODE=required + token",
      target: {
        urls: [`http://127.0.0.1:${authGateway.httpPort}`],
        path: `/api/owner/${encodeURIComponent(hot)}/pets`,
        headers: { authorization: `Bearer ${token}` },
      },
    },
    c: {
      label: "gateway cache miss",
      target: { urls: [missBase], path: () => `/api/owner/${encodeURIComponent(nextOwner().email)}/pets` },
    },
    d: {
      label: "owner RPC direct",
      target: {
        urls: owners,
        method: "POST",
        path: "/vetmesh.owner.v1.OwnerService/ListPets",
        body: () => JSON.stringify({ ownerRef: nextOwner().email }),
      },
    },
  };

  const runs: RunResult[] = [];
  const cacheCount = (url: string, result: string) =>
    scrapeCounter(`${url}/metrics`, "vetmesh_gateway_cache_total", `result="${result}"`);
  const notes: string[] = [];
  for (const id of ["a", "b", "e", "c", "d"] as const) {
    const { label, target } = targets[id];
    log(`(${id}) ${label}: warm-up ${WARMUP_S}s, then ${DURATION_S}s at ${CONNECTIONS} connections`);
    await throughputRun({ id, label }, target, { connections: CONNECTIONS, durationS: WARMUP_S });
    const before = id === "c" ? await cacheCount(missBase, "hit") : 0;
    runs.push(
      await throughputRun({ id, label }, target, { connections: CONNECTIONS, durationS: DURATION_S }),
    );
    memory.sample();
    if (id === "c") {
      const hits = (await cacheCount(missBase, "hit")) - before;
      notes.push(`(c) cache hits during the measured run: ${hits} (should be ~0)`);
    }
  }
  const saturation = Math.min(...runs.filter((run) => "bcd".includes(run.id)).map((run) => run.rps));
  // Below saturation: the asked rate, or half of the slowest scenario's max if the machine can't sustain it.
  const rate = Math.max(50, Math.min(RATE, Math.floor(saturation / 2 / 50) * 50));
  if (rate < RATE)
    notes.push(
      `fixed rate lowered from ${RATE}/s to ${rate}/s: half of the slowest max (${saturation.toFixed(0)}/s)`,
    );
  for (const id of ["b", "c", "d"] as const) {
    const { label, target } = targets[id];
    log(`(${id}) ${label}: ${DURATION_S}s at a fixed ${rate} req/s`);
    runs.push(await pacedRun({ id, label }, target, { rate, durationS: DURATION_S }));
    memory.sample();
  }
  memory.sample();
  const hitRatio = await (async () => {
    const hits = await cacheCount(system.gateway, "hit");
    const misses = await cacheCount(system.gateway, "miss");
    return hits / Math.max(1, hits + misses);
  })();
  notes.push(`(b) gateway cache hit ratio over the whole run: ${(hitRatio * 100).toFixed(2)}%`);

  const find = (id: string, mode: RunResult["mode"]) =>
    runs.find((run) => run.id === id && run.mode === mode)!;
  const a = find("a", "throughput");
  const ratio = (id: string) => find(id, "throughput").rps / a.rps;
  const addedP50 = find("c", "fixed-rate").p50 - find("d", "fixed-rate").p50;
  const addedP99 = find("c", "fixed-rate").p99 - find("d", "fixed-rate").p99;
  const processes = memory.report();
  const worstIdle = processes.reduce((worst, one) => (one.idleMb > worst.idleMb ? one : worst));
  const targetChecks: TargetCheck[] = [
    {
      name: "(b) / (a) throughput",
      value: `${ratio("b").toFixed(2)}x`,
      goal: ">= 0.40x",
      met: ratio("b") >= 0.4,
    },
    {
      name: "auth cost: (e) / (b) throughput",
      value: `${(find("e", "throughput").rps / find("b", "throughput").rps).toFixed(3)}x`,
      goal: ">= 0.95x (auth adds <= 5%)",
      met: find("e", "throughput").rps / find("b", "throughput").rps >= 0.95,
    },
    {
      name: "(c) / (a) throughput",
      value: `${ratio("c").toFixed(2)}x`,
      goal: ">= 0.25x",
      met: ratio("c") >= 0.25,
    },
    {
      name: `added p50 (c - d) @ ${rate}/s`,
      value: `${addedP50.toFixed(2)} ms`,
      goal: "<= 1.5 ms",
      met: addedP50 <= 1.5,
    },
    {
      name: `added p99 (c - d) @ ${rate}/s`,
      value: `${addedP99.toFixed(2)} ms`,
      goal: "<= 5 ms",
      met: addedP99 <= 5,
    },
    {
      name: "idle RSS, largest process",
      value: `${worstIdle.idleMb.toFixed(1)} MB (${worstIdle.name})`,
      goal: "<= 60 MB each",
      met: processes.every((one) => one.idleMb <= 60),
    },
  ];
  const report: BenchReport = {
    startedAt,
    machine: { cpus: cpus().length, bun: Bun.version, loadGenerator: LOAD_GENERATOR },
    runs,
    memory: processes,
    targets: targetChecks,
    notes,
  };
  console.log(renderText(report));
  const files = writeResults(BENCH_OUTPUT_DIR, report);
  console.log(`\nwrote ${files.join(", ")}`);
} finally {
  clearTimeout(hardStop);
  await cleanup();
}
