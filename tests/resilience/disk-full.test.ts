/**
 * Disk full under the owner's SQLite file: the running owner gets a file size
 * limit a little above its files' sizes (prlimit; SIGXFSZ ignored, so writes
 * past it fail as on a full disk). Registrations through the gateway then
 * answer 503 naming the storage, never 500; every one acknowledged (201) is
 * stored, none refused is; with room again writes succeed, and after a
 * SIGKILL and restart every acknowledged write is still there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { spawnSync } from "bun";
import { eventually, stopAll, type TestProcess } from "../support/process.ts";
import {
  hasPrlimit,
  httpBase,
  LOAD_TEST_MS,
  type Mesh,
  postJson,
  runLoad,
  SETUP_MS,
  startMesh,
} from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let mesh: Mesh;
let owner: TestProcess;
let gateway: string;

/**
 * Sets (or lifts, with "unlimited") the soft file size limit of a running process; the hard limit
 * stays as it was, so lifting needs no privilege.
 */
function limitFileSize(pid: number, bytes: number | "unlimited") {
  const result = spawnSync(["prlimit", "--pid", String(pid), `--fsize=${bytes}:`]);
  if (result.exitCode !== 0) throw new Error(`prlimit: ${result.stderr.toString()}`);
}

const size = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

const startOwner = (name: string) => mesh.startOwner(name, {}, { ignoreFileSizeSignal: true });

beforeAll(async () => {
  mesh = await startMesh({ owners: 0, gateways: 0, redisUrl: REDIS_URL });
  owner = await startOwner("owner-1");
  // The breaker stays closed, so every answer shows the service's own reason (not "circuit open").
  gateway = httpBase(await mesh.startGateway("gateway-1", { BREAKER_MIN_CALLS: "1000000" }));
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  mesh?.cleanup();
});

const STORAGE_FULL = ["Service unavailable: storage full", "Service unavailable: storage I/O error"];

test.skipIf(!hasPrlimit)(
  "disk full: writes answer 503 naming the storage, acknowledged ones are all kept, none refused is stored (skipped without prlimit)",
  async () => {
    const tag = `full-${Date.now().toString(36)}`;
    const email = (i: number) => `${tag}-${i}@resilience.test`;
    // Warm up: a few writes succeed, so the WAL exists and the limit below is just above what is there.
    for (let i = 0; i < 3; i++)
      expect((await postJson(`${gateway}/api/owner/register`, { email: email(i) })).status).toBe(201);
    const room = 64 * 1024;
    limitFileSize(owner.proc.pid, Math.max(size(mesh.ownerDb), size(`${mesh.ownerDb}-wal`)) + room);
    const acknowledged: string[] = [];
    const refused: string[] = [];
    const others: string[] = [];
    const tally = await runLoad({
      count: 300,
      concurrency: 4,
      request: async (n) => {
        const i = n + 3;
        const response = await postJson(`${gateway}/api/owner/register`, { email: email(i) });
        const text = await response.text();
        const error = response.status === 201 ? "" : ((JSON.parse(text) as { error?: string }).error ?? "");
        if (response.status === 201) acknowledged.push(email(i));
        else if (response.status === 503 && STORAGE_FULL.includes(error)) refused.push(email(i));
        else others.push(`${response.status} ${text.slice(0, 120)}`);
        return new Response(text, { status: response.status });
      },
    });
    expect(tally.transportErrors).toBe(0);
    expect(others).toEqual([]);
    // 300 registrations are far more than 64 KiB of WAL holds: the disk did fill up.
    expect(refused.length, `acknowledged ${acknowledged.length}`).toBeGreaterThan(0);
    const stored = (who: string) => mesh.count("SELECT COUNT(*) FROM owners WHERE email = ?", who);
    for (const who of acknowledged) expect(stored(who), who).toBe(1);
    for (const who of refused) expect(stored(who), who).toBe(0);
    // Reads still work on a full disk.
    const read = await fetch(`${gateway}/api/owner/${encodeURIComponent(email(0))}/pets`);
    expect(read.status).toBe(200);
    // Room again: the refused ones can be written now.
    limitFileSize(owner.proc.pid, "unlimited");
    for (const who of refused.slice(0, 5)) {
      expect((await postJson(`${gateway}/api/owner/register`, { email: who })).status).toBe(201);
    }
    // A crash right after: every acknowledged write survives the restart.
    owner.kill("SIGKILL");
    await owner.exited;
    owner = await startOwner("owner-2");
    await eventually(async () => (await mesh.listInstances("owner")).join() === "owner-2", 10_000);
    for (const who of [email(0), email(1), email(2), ...acknowledged, ...refused.slice(0, 5)]) {
      expect(stored(who), who).toBe(1);
    }
    console.info(`disk full: ${acknowledged.length} acknowledged, ${refused.length} refused (503), all kept`);
  },
  LOAD_TEST_MS,
);
