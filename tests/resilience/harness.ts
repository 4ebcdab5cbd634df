/**
 * What the resilience tests share: a private redis-server they may stop and
 * restart (never the shared one on 6379), a small mesh (discovery, owners on
 * one SQLite file, gateways) built from tests/support/process.ts, and a
 * bounded load loop that tallies every answer.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@vetmesh/kit/testing";
import { startProcess, type TestProcess } from "../support/process.ts";

// The private redis-server lives in the kit's test helpers (the bench and the gateway's tests use it too).
export { hasRedisServer, type PrivateRedis, startPrivateRedis } from "@vetmesh/kit/testing";

/** Whether a test can set a running process's resource limits (util-linux prlimit; the disk-full test). */
export const hasPrlimit = Bun.which("prlimit") !== null;

/** A small mesh for one test file; everything in it is stopped by stopAll() from process.ts. */
export interface Mesh {
  dir: string;
  ownerDb: string;
  discovery: TestProcess;
  discoveryUrl: string;
  /** Prefix of the gateways' Redis keys (unique per mesh). */
  redisPrefix: string;
  owners: TestProcess[];
  gateways: TestProcess[];
  /** demo and veterinary, when asked for. */
  others: TestProcess[];
  /** The veterinary instances (all on one SQLite file, veterinaryDb). */
  veterinaries: TestProcess[];
  veterinaryDb: string;
  /** Starts one more owner instance on the shared database (with the mesh's owner env plus `env`). */
  startOwner(
    name: string,
    env?: Record<string, string>,
    spawn?: Pick<Parameters<typeof startProcess>[0], "ignoreFileSizeSignal">,
  ): Promise<TestProcess>;
  /** Starts one more veterinary instance on the shared veterinary database. */
  startVeterinary(name: string): Promise<TestProcess>;
  /** Starts one more gateway with the mesh's env plus `env`. */
  startGateway(name: string, env?: Record<string, string>): Promise<TestProcess>;
  /** Starts discovery again on the same port (after a kill). */
  restartDiscovery(): Promise<TestProcess>;
  /** Instance ids discovery lists for a service right now. */
  listInstances(service: string): Promise<string[]>;
  /** Counts rows of the owner database (read-only). */
  count(sql: string, ...params: string[]): number;
  /** Counts rows of the veterinary database (read-only). */
  countVeterinary(sql: string, ...params: string[]): number;
  cleanup(): void;
}

/** Generous limits so the tests' single client is never rate limited, unless a test says otherwise. */
export const RAISED_LIMITS = { RATE_LIMIT_READ: "100000000/60", RATE_LIMIT_WRITE: "100000000/60" };

/** The first column of a one-row query on a SQLite file, opened read-only. */
function countRows(file: string, sql: string, params: string[]): number {
  const db = new Database(file, { readonly: true });
  try {
    const row = db.query(sql).get(...params) as Record<string, number> | null;
    return Number(Object.values(row ?? {})[0] ?? 0);
  } finally {
    db.close();
  }
}

/** Starts discovery, `owners` owner instances on one SQLite file, and `gateways` gateways. */
export async function startMesh(options: {
  owners: number;
  gateways: number;
  redisUrl: string;
  gatewayEnv?: Record<string, string>;
  ownerEnv?: Record<string, string>;
  /** Also start the demo service (upstream of /api/test/*) and a veterinary service. */
  demo?: boolean;
  veterinary?: boolean;
  /** How many veterinary instances (one SQLite file); `veterinary: true` is one. */
  veterinaries?: number;
}): Promise<Mesh> {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-resilience-"));
  const ownerDb = join(dir, "owner.db");
  const veterinaryDb = join(dir, "veterinary.db");
  const prefix = `vetmesh:resilience:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}:`;
  const discoveryHttp = await freePort();
  const discoveryEnv = { HTTP_PORT: String(discoveryHttp), INSTANCE_ID: "discovery-r", REDIS_URL: "" };
  let discovery = await startProcess({
    name: "discovery",
    entry: "mesh/discovery/src/main.ts",
    env: discoveryEnv,
  });
  const discoveryUrl = `http://127.0.0.1:${discoveryHttp}`;
  const common = { DISCOVERY_URL: discoveryUrl, DISCOVERY_TTL_MS: "2000" };
  const mesh: Mesh = {
    dir,
    ownerDb,
    discovery,
    discoveryUrl,
    redisPrefix: prefix,
    owners: [],
    gateways: [],
    others: [],
    veterinaries: [],
    veterinaryDb,
    async startVeterinary(name) {
      const veterinary = await startProcess({
        name,
        entry: "packages/veterinary-service/src/main.ts",
        env: {
          ...common,
          INSTANCE_ID: name,
          DATABASE_URL: `sqlite:${veterinaryDb}`,
          REMINDER_SCAN_INTERVAL_MS: "3600000",
        },
      });
      mesh.veterinaries.push(veterinary);
      mesh.others.push(veterinary);
      return veterinary;
    },
    async startOwner(name, env = {}, spawn = {}) {
      const owner = await startProcess({
        ...spawn,
        name,
        entry: "packages/owner-service/src/main.ts",
        env: { ...common, INSTANCE_ID: name, DATABASE_URL: `sqlite:${ownerDb}`, ...options.ownerEnv, ...env },
      });
      mesh.owners.push(owner);
      return owner;
    },
    async startGateway(name, env = {}) {
      const gateway = await startProcess({
        name,
        entry: "packages/gateway/src/main.ts",
        env: {
          ...common,
          ...RAISED_LIMITS,
          INSTANCE_ID: name,
          REDIS_URL: options.redisUrl,
          REDIS_KEY_PREFIX: prefix,
          ...options.gatewayEnv,
          ...env,
        },
      });
      mesh.gateways.push(gateway);
      return gateway;
    },
    async restartDiscovery() {
      discovery = await startProcess({
        name: "discovery",
        entry: "mesh/discovery/src/main.ts",
        env: discoveryEnv,
      });
      mesh.discovery = discovery;
      return discovery;
    },
    async listInstances(service) {
      const response = await postJson(`${discoveryUrl}/vetmesh.discovery.v1.DiscoveryService/List`, {
        service,
      });
      const body = (await response.json()) as { instances?: Array<{ instanceId: string }> };
      return (body.instances ?? []).map((one) => one.instanceId).sort();
    },
    count: (sql, ...params) => countRows(ownerDb, sql, params),
    countVeterinary: (sql, ...params) => countRows(veterinaryDb, sql, params),
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  // One at a time: each migrates the shared file on start.
  for (let i = 1; i <= options.owners; i++) await mesh.startOwner(`owner-${i}`);
  if (options.demo) {
    await startProcess({
      name: "demo",
      entry: "packages/demo-service/src/main.ts",
      env: { ...common, INSTANCE_ID: "demo-r" },
    });
  }
  // One at a time as well (the shared file's migrations).
  const veterinaries = options.veterinaries ?? (options.veterinary ? 1 : 0);
  for (let i = 1; i <= veterinaries; i++) await mesh.startVeterinary(`veterinary-r${i}`);
  for (let i = 1; i <= options.gateways; i++) await mesh.startGateway(`gateway-${i}`);
  return mesh;
}

/** Base URL of a process's HTTP listener. */
export const httpBase = (process: TestProcess) => `http://127.0.0.1:${process.httpPort}`;

/** Every answer of a load run, tallied. */
export interface Tally {
  sent: number;
  byStatus: Map<number, number>;
  /** Requests that got no HTTP answer at all (connection refused/reset, timeout). */
  transportErrors: number;
  /** Answers whose body was not JSON. */
  notJson: number;
  samples: string[];
}

/** Count of answers that are not 2xx, plus transport errors. */
export function failures(tally: Tally): number {
  let failed = tally.transportErrors;
  for (const [status, count] of tally.byStatus) if (status < 200 || status >= 300) failed += count;
  return failed;
}

/** Count of 429 answers (the client's own rate limit, not a failure of the system). */
export function rateLimited(tally: Tally): number {
  return tally.byStatus.get(429) ?? 0;
}

/** Count of 5xx answers. */
export function serverErrors(tally: Tally): number {
  let failed = 0;
  for (const [status, count] of tally.byStatus) if (status >= 500) failed += count;
  return failed;
}

/**
 * How long a load may run before it counts as hung. A guard, never a speed
 * budget: the loads are bounded by their count, the tests assert on counts and
 * statuses, and a busy machine (the suite beside `make bench` on two shared
 * cores ran discovery-outage's reads at 50/s) only makes them slower.
 */
export const LOAD_HANG_MS = 150_000;

/** The bun:test timeout of a beforeAll that starts a mesh and seeds it: a hang guard, like LOAD_HANG_MS. */
export const SETUP_MS = 120_000;

/** The bun:test timeout of a test that runs loads: the hang guard plus its setup and checks. */
export const LOAD_TEST_MS = LOAD_HANG_MS + 60_000;

/**
 * Runs `request(i)` for i in [0, count) with `concurrency` workers, bounded by
 * count (and by `timeoutMs`, default LOAD_HANG_MS, against a hang), and tallies
 * statuses. `onProgress` sees each index as it is sent (to inject a failure mid-load).
 */
export async function runLoad(options: {
  count: number;
  concurrency: number;
  timeoutMs?: number;
  request: (i: number) => Promise<Response>;
  onProgress?: (i: number) => void | Promise<void>;
}): Promise<Tally> {
  const tally: Tally = { sent: 0, byStatus: new Map(), transportErrors: 0, notJson: 0, samples: [] };
  const deadline = Date.now() + (options.timeoutMs ?? LOAD_HANG_MS);
  let next = 0;
  const worker = async () => {
    while (next < options.count && Date.now() < deadline) {
      const i = next++;
      tally.sent++;
      await options.onProgress?.(i);
      try {
        const response = await options.request(i);
        const text = await response.text();
        tally.byStatus.set(response.status, (tally.byStatus.get(response.status) ?? 0) + 1);
        let json = true;
        try {
          JSON.parse(text);
        } catch {
          json = false;
          tally.notJson++;
        }
        if ((response.status < 200 || response.status >= 300 || !json) && tally.samples.length < 5) {
          tally.samples.push(`#${i} ${response.status} ${text.slice(0, 200)}`);
        }
      } catch (error) {
        tally.transportErrors++;
        if (tally.samples.length < 5) tally.samples.push(`#${i} ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return tally;
}

/** A readable summary for assertion messages. */
export function describe(tally: Tally): string {
  const statuses = [...tally.byStatus].map(([status, count]) => `${status}:${count}`).join(" ");
  return `sent ${tally.sent}; ${statuses}; transport errors ${tally.transportErrors}; not JSON ${tally.notJson}; ${tally.samples.join(" | ")}`;
}

/** POSTs JSON with a bounded time. */
export function postJson(url: string, body: unknown, timeoutMs = 5000): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** GETs with a bounded time. */
export function getUrl(url: string, timeoutMs = 5000): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}

/** POSTs JSON with an Idempotency-Key, bounded in time (register-pet's client-side retry key). */
export function postWithKey(url: string, body: unknown, key: string, timeoutMs = 5000): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/**
 * Sends `send()` until it gets one of the `final` statuses (a client that
 * sees a failure sends the very same request again), at most 40 times.
 */
export async function untilAnswered(
  send: () => Promise<Response>,
  final: readonly number[],
): Promise<{ first: number; last: number; repeats: number; response?: Response }> {
  let first = 0;
  let last = 0;
  for (let attempt = 0; attempt < 40; attempt++) {
    const answer = await send().catch(() => undefined);
    last = answer?.status ?? 0;
    if (attempt === 0) first = last;
    if (answer && final.includes(last)) return { first, last, repeats: attempt, response: answer };
    await Bun.sleep(100);
  }
  return { first, last: 0, repeats: 39 };
}

/** Registers owners (one pet each) through a gateway, four at a time; returns their emails in order. */
export async function seedOwners(gateway: string, count: number, tag: string): Promise<string[]> {
  const emails = Array.from({ length: count }, (_, i) => `${tag}-${i}@resilience.test`);
  let next = 0;
  const worker = async () => {
    while (next < emails.length) {
      const email = emails[next++]!;
      const registered = await postJson(`${gateway}/api/owner/register`, { email });
      if (registered.status !== 201)
        throw new Error(`register ${email}: ${registered.status} ${await registered.text()}`);
      const pet = await postJson(`${gateway}/api/owner/register-pet`, {
        email,
        type: "Dog",
        race: "Mixed",
        name: "Rex",
      });
      if (pet.status !== 201) throw new Error(`register-pet ${email}: ${pet.status} ${await pet.text()}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, count) }, worker));
  return emails;
}
