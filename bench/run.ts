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
 *   (n-hit), (n-miss) the peer: Debian's nginx (proxy_cache + limit_req) in
 *       front of the same owners, beside (b) and (c) (skipped without nginx);
 * then latency at a fixed rate below saturation for (b), (c), (d) and the peer.
 * The headline is the CPU each request cost each process (/proc/<pid>/stat
 * over every measured window), which noise moves far less than req/s. Prints a
 * table, writes .bench/latest.{json,svg} (git-ignored; `make bench-save`
 * copies a run to the committed bench/reference/). Targets are shown, never
 * asserted. Every knob is an environment variable (see bench/README.md).
 */
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { mintToken, readPrivateJwk } from "../packages/service-kit/src/auth/index.ts";
import {
  hasRedisServer,
  type PrivateRedis,
  startPrivateRedis,
} from "../packages/service-kit/src/testing/index.ts";
import { startProcess, stopAll, type TestProcess } from "../tests/support/process.ts";
import { type RunningSystem, startSystem } from "../tests/support/system.ts";
import { type CpuRun, createCpuMeter } from "./lib/cpu.ts";
import { measureImportCosts } from "./lib/import-cost.ts";
import { type Target, throughputRun } from "./lib/load.ts";
import { findNginx, type NginxPeer, startNginx } from "./lib/nginx.ts";
import { BENCH_OUTPUT_DIR } from "./lib/output.ts";
import { pacedRun } from "./lib/paced.ts";
import { type BenchReport, renderText, type TargetCheck, writeResults } from "./lib/report.ts";
import { createRssTracker } from "./lib/rss.ts";
import { scrapeCounter, seedOwners } from "./lib/seed.ts";
import { slotSearchCheck } from "./lib/slot-search.ts";
import type { RunResult } from "./lib/stats.ts";

const env = process.env;
const DURATION_S = Number(env.BENCH_DURATION_S ?? 5);
const WARMUP_S = Number(env.BENCH_WARMUP_S ?? 1);
// The JIT tiers up by calls, not by seconds: a row warms until it served this many requests (or 5 rounds).
const WARMUP_REQUESTS = Number(env.BENCH_WARMUP_REQUESTS ?? 2000);
const WARMUP_MAX_ROUNDS = 5;
/** Alternating (b)/(e) rounds for the auth cost, and the length of each. */
const AUTH_ROUNDS = Number(env.BENCH_AUTH_ROUNDS ?? 6);
const AUTH_ROUND_S = Number(env.BENCH_AUTH_ROUND_S ?? 2);
/** Requests/s sent to each of (b) and (e) during an auth round (both at once, open loop); unset: see below. */
const AUTH_RATE_SET = env.BENCH_AUTH_RATE ? Number(env.BENCH_AUTH_RATE) : undefined;
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 32);
const RATE = Number(env.BENCH_RATE ?? 2000);
const OWNERS = Number(env.BENCH_OWNERS ?? 200);
const PORT_OFFSET = Number(env.BENCH_PORT_OFFSET ?? 24_000);
/**
 * Only these rows (comma-separated ids: a,b,c,d,e,n-hit,n-miss, plus `slots` for the slot search and
 * `imports` for the import costs); unset = all. E.g. `BENCH_ROWS=e` runs only the auth cost rounds:
 * the machine is shared, so a change to one path re-measures that path, not everything.
 */
const ROWS = env.BENCH_ROWS ? new Set(env.BENCH_ROWS.split(",").map((id) => id.trim())) : undefined;
const wanted = (id: string) => !ROWS || ROWS.has(id);
const RUN_ID = `${Date.now().toString(36)}`;
const LOAD_GENERATOR = "autocannon 9.0.0 (closed loop) + open-loop pacer (fixed rate)";

const startedAt = new Date().toISOString();
let system: RunningSystem | undefined;
let redis: PrivateRedis | undefined;
let nginx: NginxPeer | undefined;
/** Stops everything the bench started; bounded, so a wedged stop cannot hold the bench forever. */
async function cleanup() {
  await Promise.race([
    (async () => {
      await stopAll();
      await system?.stop();
      await nginx?.stop();
      await redis?.stop();
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

function log(message: string) {
  process.stderr.write(`bench: ${message}\n`);
}

try {
  const memory = createRssTracker();
  const cpu = createCpuMeter();
  cpu.add("load generator", "self");
  // A private Redis (its CPU per request counted, nobody else's load in it) unless REDIS_URL names one.
  if (!env.REDIS_URL && hasRedisServer) redis = await startPrivateRedis(PORT_OFFSET + 6379);
  const REDIS_URL = env.REDIS_URL ?? redis?.url ?? "redis://127.0.0.1:6379";
  if (redis?.pid) cpu.add("redis", redis.pid);
  const sharedEnv = {
    REDIS_URL,
    REDIS_KEY_PREFIX: `vetmesh:bench:${RUN_ID}:`,
    DISCOVERY_REDIS_PREFIX: `vetmesh:bench:${RUN_ID}:discovery:`,
    ...limits,
  };
  log("starting the baseline and the system (scripts/run.ts)");
  const baseline = await startProcess({ name: "baseline", entry: "bench/baseline-server.ts" });
  system = await startSystem({ portOffset: PORT_OFFSET, env: sharedEnv });
  log(
    `system up in ${system.runDir} (if the bench is SIGKILLed: VETMESH_RUN_DIR=${system.runDir} bun scripts/stop.ts)`,
  );
  memory.add("baseline (Bun.serve)", baseline.proc.pid);
  cpu.add("baseline", baseline.proc.pid);
  for (const row of system.processes) {
    memory.add(row.name, row.pid);
    cpu.add(
      row.name === "gateway" ? "gateway" : row.name.startsWith("owner") ? "owners" : "rest of system",
      row.pid,
    );
  }
  const meshPids = new Set(system.processes.map((row) => row.pid));
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
  cpu.add("gateway (miss)", missGateway.proc.pid);
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
  cpu.add("gateway (auth)", authGateway.proc.pid);
  const nginxFound = findNginx();
  const peerNote =
    "skipped" in nginxFound ? `peer rows (n-hit, n-miss) skipped: ${nginxFound.skipped}` : undefined;
  if ("binary" in nginxFound) {
    nginx = await startNginx({
      binary: nginxFound.binary,
      dir: join(tmpdir(), `vetmesh-bench-nginx-${RUN_ID}`),
      hitPort: PORT_OFFSET + 8480,
      missPort: PORT_OFFSET + 8481,
      upstreams: owners.map((url) => new URL(url).host),
      ttlSeconds: 30,
      ratePerSecond: 1_000_000,
    });
    memory.add(`nginx ${nginx.version} master`, nginx.masterPid);
    memory.add("nginx worker (+ cache manager)", nginx.childPids[0] ?? nginx.masterPid);
    cpu.add("nginx", nginx.masterPid);
    for (const pid of nginx.childPids) cpu.add("nginx", pid);
  }
  const token = await mintToken(readPrivateJwk(join(system.dataDir, "auth", "private.jwk")), {
    subject: "bench-reception",
    role: "reception",
    issuer: "vetmesh-local",
    audience: "vetmesh",
    ttlSeconds: 3600,
  });
  await Bun.sleep(1000);
  memory.snapshotIdle();
  // What every process spends with no load (taken off each window's CPU; the load generator idles too).
  await cpu.measureIdle(2000);

  log(`seeding ${OWNERS} owners with 2 pets each`);
  const seeded = await seedOwners(system.gateway, OWNERS, 2);
  const missBase = `http://127.0.0.1:${missGateway.httpPort}`;
  let next = 0;
  const nextOwner = () => seeded[next++ % seeded.length]!;
  const hot = seeded[0]!.email;

  const petsPath = (email: string) => `/api/owner/${encodeURIComponent(email)}/pets`;
  type RowId = "a" | "b" | "c" | "d" | "e" | "n-hit" | "n-miss";
  const targets: Partial<Record<RowId, { label: string; target: Target; front: string }>> = {
    a: {
      label: "Bun.serve hello",
      target: { urls: [`http://127.0.0.1:${baseline.httpPort}`], path: "/" },
      front: "baseline",
    },
    b: {
      label: "gateway cache hit",
      target: { urls: [system.gateway], path: petsPath(hot) },
      front: "gateway",
    },
    e: {
      label: "gateway cache hit, AUTH_MODE=required + token",
      target: {
        urls: [`http://127.0.0.1:${authGateway.httpPort}`],
        path: petsPath(hot),
        headers: { authorization: `Bearer ${token}` },
      },
      front: "gateway (auth)",
    },
    c: {
      label: "gateway cache miss",
      target: { urls: [missBase], path: () => petsPath(nextOwner().email) },
      front: "gateway (miss)",
    },
    d: {
      label: "owner RPC direct",
      target: {
        urls: owners,
        method: "POST",
        path: "/vetmesh.owner.v1.OwnerService/ListPets",
        body: () => JSON.stringify({ ownerRef: nextOwner().email }),
      },
      front: "owners",
    },
  };
  if (nginx) {
    targets["n-hit"] = {
      label: "nginx proxy_cache hit (peer of b)",
      target: { urls: [nginx.hitUrl], path: petsPath(hot) },
      front: "nginx",
    };
    targets["n-miss"] = {
      label: "nginx proxy_cache miss (peer of c)",
      target: { urls: [nginx.missUrl], path: () => petsPath(nextOwner().email) },
      front: "nginx",
    };
  }
  const notes: string[] = [];
  const cpuRuns: CpuRun[] = [];
  /** Runs one load and records the CPU every process spent in its measured window. */
  const measured = async (front: string, run: () => Promise<RunResult>) => {
    const window = cpu.window();
    const result = await run();
    const served = result.requests - result.failures;
    cpuRuns.push({ ...window.end({ id: result.id, label: result.label, mode: result.mode }, served), front });
    return result;
  };

  if (nginx) {
    // What the peer's two servers do with a repeated request: the hit server caches, the miss one never does.
    const cacheStatus = async (base: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 2; i++) {
        const response = await fetch(`${base}${petsPath(hot)}`);
        await response.arrayBuffer();
        seen.push(`${response.status} ${response.headers.get("x-cache")}`);
      }
      return seen.join(", ");
    };
    notes.push(
      `nginx ${nginx.version}, one worker: a repeated request answers ${await cacheStatus(nginx.hitUrl)} on the hit server, ${await cacheStatus(nginx.missUrl)} on the miss server`,
    );
  }
  const runs: RunResult[] = [];
  // Metrics are on each gateway's admin port (loopback), not on its public port.
  const cacheCount = (adminUrl: string, result: string) =>
    scrapeCounter(`${adminUrl}/metrics`, "vetmesh_gateway_cache_total", `result="${result}"`);
  const missAdmin = `http://127.0.0.1:${missGateway.adminPort}`;
  const present = (ids: RowId[]) => ids.filter((id) => targets[id] && wanted(id));
  for (const id of present(["a", "b", "e", "c", "d", "n-hit", "n-miss"])) {
    const { label, target, front } = targets[id]!;
    log(`(${id}) ${label}: warm-up ${WARMUP_S}s, then ${DURATION_S}s at ${CONNECTIONS} connections`);
    let warmed = 0;
    for (let round = 0; round < WARMUP_MAX_ROUNDS && warmed < WARMUP_REQUESTS; round++) {
      const warm = await throughputRun({ id, label }, target, {
        connections: CONNECTIONS,
        durationS: WARMUP_S,
      });
      warmed += warm.requests - warm.failures;
    }
    if (warmed < WARMUP_REQUESTS)
      notes.push(
        `(${id}) warmed with ${warmed} requests only (< ${WARMUP_REQUESTS}): its CPU per request is pre-JIT`,
      );
    const before = id === "c" ? await cacheCount(missAdmin, "hit") : 0;
    runs.push(
      await measured(front, () =>
        throughputRun({ id, label }, target, { connections: CONNECTIONS, durationS: DURATION_S }),
      ),
    );
    memory.sample();
    if (id === "c") {
      const hits = (await cacheCount(missAdmin, "hit")) - before;
      notes.push(`(c) cache hits during the measured run: ${hits} (should be ~0)`);
    }
  }
  const find = (id: string, mode: RunResult["mode"]) =>
    runs.find((run) => run.id === id && run.mode === mode);
  const max = (id: string) => find(id, "throughput")?.rps ?? Number.NaN;
  // Issue 13's auth cost: (b) and (e) run *at the same time and at the same fixed rate* (open loop,
  // BENCH_AUTH_RATE each), and each gateway's CPU is divided by its own requests of that window. Both
  // then see the same machine (the other engineers' load, the load generator, Redis) for the same
  // seconds and serve the same requests/s, so neither batches more per event-loop turn. Rounds of one
  // after the other (b,e then e,b) moved 0.79x..1.13x within one run (the load drifts between two
  // windows); two closed loops at once are no better: the one that falls behind batches less, costs
  // more per request, and falls further behind (0.47x..1.0x). The figure is the median of the rounds.
  const authRatios: number[] = [];
  const authP50: Array<[number, number]> = [];
  if (targets.b && targets.e && wanted("e")) {
    const pair = ["b", "e"] as const;
    // Each at 30% of the slower saturation row (both together 60%: no queue); 1000/s if neither ran.
    const saturated = Math.min(max("b"), max("e"));
    const AUTH_RATE =
      AUTH_RATE_SET ??
      (Number.isFinite(saturated) ? Math.max(100, Math.floor((saturated * 0.3) / 50) * 50) : 1000);
    log(`auth cost: ${AUTH_ROUNDS} rounds of ${AUTH_ROUND_S}s, (b) and (e) at once, ${AUTH_RATE} req/s each`);
    const runPair = (durationS: number) =>
      Promise.all(
        pair.map((id) =>
          pacedRun({ id, label: targets[id]!.label }, targets[id]!.target, { rate: AUTH_RATE, durationS }),
        ),
      );
    // Both gateways warm together until each served 5x the rows' warm-up: the JIT keeps tiering up past it.
    for (let round = 0, warmed = 0; round < 3 * WARMUP_MAX_ROUNDS && warmed < 5 * WARMUP_REQUESTS; round++) {
      const warm = await runPair(WARMUP_S);
      warmed += Math.min(...warm.map((one) => one.requests - one.failures));
    }
    for (let round = 0; round < AUTH_ROUNDS; round++) {
      const window = cpu.window();
      const results = await runPair(AUTH_ROUND_S);
      const measuredRound = window.end({ id: "b+e", label: "auth pair", mode: "throughput" }, 1);
      const [usB, usE] = pair.map((id, i) => {
        const served = results[i]!.requests - results[i]!.failures;
        const ms = measuredRound.groups.find((one) => one.group === targets[id]!.front)?.ms ?? Number.NaN;
        return (ms * 1000) / Math.max(1, served);
      });
      authRatios.push(usE! / usB!);
      authP50.push([results[0]!.p50, results[1]!.p50]);
    }
    const listed = (values: number[]) => values.map((value) => value.toFixed(3)).join(", ");
    notes.push(
      `auth cost rounds (e)/(b), both at once at ${AUTH_RATE} req/s each: gateway CPU per request ${listed(authRatios)}; p50 ms (b)/(e) ${authP50.map(([b, e]) => `${b.toFixed(2)}/${e.toFixed(2)}`).join(", ")}`,
    );
  }
  const saturation = Math.min(
    ...runs.filter((run) => "bcd".includes(run.id)).map((run) => run.rps),
    RATE * 2, // no b, c or d row measured (BENCH_ROWS): the asked rate
  );
  // Below saturation: the asked rate, or half of the slowest scenario's max if the machine can't sustain it.
  const rate = Math.max(50, Math.min(RATE, Math.floor(saturation / 2 / 50) * 50));
  if (rate < RATE)
    notes.push(
      `fixed rate lowered from ${RATE}/s to ${rate}/s: half of the slowest max (${saturation.toFixed(0)}/s)`,
    );
  for (const id of present(["b", "c", "d", "n-hit", "n-miss"])) {
    const { label, target, front } = targets[id]!;
    log(`(${id}) ${label}: ${DURATION_S}s at a fixed ${rate} req/s`);
    runs.push(await measured(front, () => pacedRun({ id, label }, target, { rate, durationS: DURATION_S })));
    memory.sample();
  }
  memory.sample();
  const hitRatio = await (async () => {
    const hits = await cacheCount(system.adminUrl("gateway"), "hit");
    const misses = await cacheCount(system.adminUrl("gateway"), "miss");
    return hits / Math.max(1, hits + misses);
  })();
  notes.push(`(b) gateway cache hit ratio over the whole run: ${(hitRatio * 100).toFixed(2)}%`);

  const ratio = (id: string, of = "a") => max(id) / max(of);
  /** CPU µs per request of one group during one row's saturation run. */
  const cpuOf = (id: string, group: string) =>
    cpuRuns
      .find((run) => run.id === id && run.mode === "throughput")
      ?.groups.find((one) => one.group === group)?.usPerRequest ?? Number.NaN;
  const addedP50 =
    (find("c", "fixed-rate")?.p50 ?? Number.NaN) - (find("d", "fixed-rate")?.p50 ?? Number.NaN);
  const addedP99 =
    (find("c", "fixed-rate")?.p99 ?? Number.NaN) - (find("d", "fixed-rate")?.p99 ?? Number.NaN);
  const processes = memory.report();
  const services = processes.filter((one) => meshPids.has(one.pid));
  const worstIdle = services.reduce((worst, one) => (one.idleMb > worst.idleMb ? one : worst));
  const meshIdle = services.reduce((sum, one) => sum + one.idleMb, 0);
  const x = (value: number, digits = 2) => `${value.toFixed(digits)}x`;
  const us = (value: number) => `${value.toFixed(0)} µs`;
  const check = (name: string, value: string, goal: string, met: boolean): TargetCheck => ({
    name,
    value,
    goal,
    met,
  });
  const median = (values: number[]) => {
    const sorted = values.filter(Number.isFinite).sort((p, q) => p - q);
    return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : Number.NaN;
  };
  const authCpu = authRatios.length
    ? median(authRatios)
    : cpuOf("e", "gateway (auth)") / cpuOf("b", "gateway");
  const authRps = ratio("e", "b");
  const targetChecks: TargetCheck[] = [
    check("(b) / (a) throughput", x(ratio("b")), ">= 0.40x", ratio("b") >= 0.4),
    check(
      "auth cost: gateway CPU/request (e) / (b), median of concurrent rounds",
      x(authCpu, 3),
      "<= 1.05x (auth adds <= 5%)",
      authCpu <= 1.05,
    ),
    check(
      "auth cost: throughput (e) / (b), saturation rows (one each)",
      x(authRps, 3),
      ">= 0.95x",
      authRps >= 0.95,
    ),
    check("(c) / (a) throughput", x(ratio("c")), ">= 0.25x", ratio("c") >= 0.25),
    check("(d) / (a) throughput", x(ratio("d")), ">= 0.30x", ratio("d") >= 0.3),
    check("(c) / (d) throughput", x(ratio("c", "d")), ">= 0.50x", ratio("c", "d") >= 0.5),
    check(
      "(c) gateway CPU per miss vs owners'",
      `${us(cpuOf("c", "gateway (miss)"))} vs ${us(cpuOf("c", "owners"))}`,
      "gateway <= owners",
      cpuOf("c", "gateway (miss)") <= cpuOf("c", "owners"),
    ),
    ...(nginx
      ? [
          check("(b) / nginx hit throughput", x(ratio("b", "n-hit")), ">= 1.00x", ratio("b", "n-hit") >= 1),
          check(
            "(c) / nginx miss throughput",
            x(ratio("c", "n-miss")),
            ">= 0.80x",
            ratio("c", "n-miss") >= 0.8,
          ),
        ]
      : []),
    check(`added p50 (c - d) @ ${rate}/s`, `${addedP50.toFixed(2)} ms`, "<= 1.5 ms", addedP50 <= 1.5),
    check(`added p99 (c - d) @ ${rate}/s`, `${addedP99.toFixed(2)} ms`, "<= 5 ms", addedP99 <= 5),
    check(
      "idle RSS, largest mesh process",
      `${worstIdle.idleMb.toFixed(1)} MB (${worstIdle.name})`,
      "<= 50 MB each",
      services.every((one) => one.idleMb <= 50),
    ),
    check(
      `idle RSS, the make run mesh (${services.length} processes)`,
      `${meshIdle.toFixed(0)} MB`,
      "<= 350 MB",
      meshIdle <= 350,
    ),
  ];
  if (wanted("slots")) targetChecks.push(await slotSearchCheck(notes)); // issue 18's row, bench/lib/slot-search.ts
  if (peerNote) notes.push(peerNote);
  if (ROWS)
    notes.push(
      `BENCH_ROWS=${[...ROWS].join(",")}: only those rows ran; the targets of the others are left out`,
    );
  if (wanted("imports")) log("measuring the import cost of each dependency");
  const imports = wanted("imports")
    ? measureImportCosts(join(import.meta.dir, ".."))
    : { bareMb: Number.NaN, costs: [] };
  // A row left out by BENCH_ROWS measures NaN: its target is not shown rather than shown as missed.
  const shownChecks = targetChecks.filter((one) => !one.value.includes("NaN"));
  const report: BenchReport = {
    startedAt,
    machine: { cpus: cpus().length, bun: Bun.version, loadGenerator: LOAD_GENERATOR },
    runs,
    cpu: cpuRuns,
    cpuIdleMsPerS: cpu.idleRates(),
    memory: processes,
    imports,
    targets: shownChecks,
    notes,
  };
  console.log(renderText(report));
  const files = writeResults(BENCH_OUTPUT_DIR, report);
  console.log(`\nwrote ${files.join(", ")}`);
} finally {
  clearTimeout(hardStop);
  await cleanup();
}
