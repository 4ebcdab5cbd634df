/**
 * The owner's SQLite file turns read-only under the running owner. chmod
 * stops no root process (CI runs as root), so the test sets the immutable
 * attribute (chattr +i), which refuses writes to root too, on the database
 * and its WAL (never on the -shm, which SQLite maps into memory). A running
 * connection's next write then fails as SQLITE_IOERR_WRITE, so registrations
 * through the gateway answer 503 naming the storage, never 500; a handle
 * opened read-only gets SQLITE_READONLY, which the kit's storage-fault unit
 * test covers. The gateway's breaker is left at its defaults: storage faults
 * do not count against it, so reads keep working while writes are refused.
 * Every registration acknowledged before or during is stored, none refused
 * is; writable again, writes succeed, and after a SIGKILL and restart every
 * acknowledged write is still there.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "bun";
import { eventually, stopAll, type TestProcess } from "../support/process.ts";
import { httpBase, LOAD_TEST_MS, type Mesh, postJson, runLoad, SETUP_MS, startMesh } from "./harness.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Sets or clears the immutable attribute; false when chattr is missing or refused. */
function setImmutable(files: string[], on: boolean): boolean {
  if (!Bun.which("chattr")) return false;
  return spawnSync(["chattr", on ? "+i" : "-i", ...files]).exitCode === 0;
}

/** Whether this machine lets the test make a file immutable where the mesh's files live (tmpdir). */
function canMakeImmutable(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-chattr-"));
  const file = join(dir, "probe");
  writeFileSync(file, "x");
  const ok = setImmutable([file], true);
  if (ok) setImmutable([file], false);
  rmSync(dir, { recursive: true, force: true });
  return ok;
}
const hasImmutable = canMakeImmutable();

let mesh: Mesh;
let owner: TestProcess;
let gateway: string;
let frozen: string[] = [];

const startOwner = (name: string) => mesh.startOwner(name);

beforeAll(async () => {
  if (!hasImmutable) return;
  mesh = await startMesh({ owners: 0, gateways: 0, redisUrl: REDIS_URL });
  owner = await startOwner("owner-1");
  gateway = httpBase(await mesh.startGateway("gateway-1"));
}, SETUP_MS);

afterAll(async () => {
  // Never leave an immutable file behind: cleanup could not remove it.
  if (frozen.length) setImmutable(frozen, false);
  await stopAll();
  mesh?.cleanup();
});

test.skipIf(!hasImmutable)(
  "read-only database file under a running owner: writes answer 503 naming the storage, reads go on, no acknowledged write lost (skipped where chattr +i is missing or refused)",
  async () => {
    const tag = `ro-${Date.now().toString(36)}`;
    const email = (i: number) => `${tag}-${i}@resilience.test`;
    const register = (i: number) => postJson(`${gateway}/api/owner/register`, { email: email(i) });
    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      expect((await register(i)).status).toBe(201);
      acknowledged.push(email(i));
    }
    frozen = [mesh.ownerDb, `${mesh.ownerDb}-wal`].filter((file) => existsSync(file));
    expect(frozen.length, "database and WAL exist").toBe(2);
    expect(setImmutable(frozen, true)).toBe(true);

    const refused: string[] = [];
    const others: string[] = [];
    let reads = 0;
    const tally = await runLoad({
      count: 200,
      concurrency: 4,
      request: async (n) => {
        // Every fourth request is a read of an owner registered before: it must keep working.
        if (n % 4 === 3) {
          const read = await fetch(`${gateway}/api/owner/${encodeURIComponent(email(0))}/pets`);
          const text = await read.text();
          if (read.status === 200) reads++;
          else others.push(`read ${read.status} ${text.slice(0, 120)}`);
          return new Response(text, { status: read.status });
        }
        const i = n + 5;
        const response = await register(i);
        const text = await response.text();
        const error = response.status === 201 ? "" : ((JSON.parse(text) as { error?: string }).error ?? "");
        if (response.status === 201) acknowledged.push(email(i));
        else if (response.status === 503 && error === "Service unavailable: storage I/O error")
          refused.push(email(i));
        else others.push(`write ${response.status} ${text.slice(0, 120)}`);
        return new Response(text, { status: response.status });
      },
    });
    expect(tally.transportErrors).toBe(0);
    expect(others).toEqual([]);
    expect(reads).toBe(50);
    // The file refused every write (SQLite commits each one to the WAL at once).
    expect(refused.length, `acknowledged while read-only: ${acknowledged.length - 5}`).toBe(150);
    const stored = (who: string) => mesh.count("SELECT COUNT(*) FROM owners WHERE email = ?", who);
    for (const who of refused) expect(stored(who), who).toBe(0);

    // Writable again: the same running owner takes writes again, the refused ones included.
    expect(setImmutable(frozen, false)).toBe(true);
    frozen = [];
    for (const who of refused.slice(0, 5)) {
      const again = await postJson(`${gateway}/api/owner/register`, { email: who });
      expect(again.status, who).toBe(201);
      acknowledged.push(who);
    }
    // A crash right after: every acknowledged write survives the restart.
    owner.kill("SIGKILL");
    await owner.exited;
    owner = await startOwner("owner-2");
    await eventually(async () => (await mesh.listInstances("owner")).join() === "owner-2", 10_000);
    for (const who of acknowledged) expect(stored(who), who).toBe(1);
    for (const who of refused.slice(5)) expect(stored(who), who).toBe(0);
    console.info(
      `read-only file: ${refused.length} writes refused (503), ${reads} reads served, all acknowledged kept`,
    );
  },
  LOAD_TEST_MS,
);
