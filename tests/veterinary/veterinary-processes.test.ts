/**
 * The veterinary service as real processes (issue 4 and the reminder part of
 * issue 7): two replicas on one SQLite file behind discovery and the balancer,
 * a real owner process, a real notification process writing .eml files. The
 * clocks of both replicas are moved through CLOCK_OFFSET_FILE while they run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { eventually, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "vetmesh-veterinary-"));
const mailbox = join(dir, "mail");
const clockFile = join(dir, "clock-offset");
let owner: TestProcess;
let vets: TestProcess[] = [];

const connect = (p: TestProcess) =>
  createConnectTransport({ baseUrl: `http://127.0.0.1:${p.httpPort}`, httpVersion: "1.1" });
const vetClient = (p: TestProcess) => createClient(VeterinaryService, connect(p));
const code = (error: unknown) => ConnectError.from(error).code;

/** Every .eml in the mailbox folder (recursively), as text. */
function mails(): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(folder);
    } catch {
      return;
    }
    for (const name of entries) {
      const path = join(folder, name);
      if (name.endsWith(".eml")) out.push(readFileSync(path, "utf8"));
      else if (!name.includes(".")) walk(path);
    }
  };
  walk(mailbox);
  return out;
}

beforeAll(async () => {
  writeFileSync(clockFile, "0");
  const discovery = await startProcess({ name: "vet-discovery", entry: "mesh/discovery/src/main.ts" });
  const DISCOVERY_URL = `http://127.0.0.1:${discovery.httpPort}`;
  owner = await startProcess({
    name: "vet-owner",
    entry: "packages/owner-service/src/main.ts",
    env: { INSTANCE_ID: "vet-owner", DATABASE_URL: `sqlite:${join(dir, "owner.db")}`, DISCOVERY_URL },
  });
  await startProcess({
    name: "vet-notification",
    entry: "packages/notification-service/src/main.ts",
    env: {
      INSTANCE_ID: "vet-notification",
      DATABASE_URL: `sqlite:${join(dir, "notification.db")}`,
      MAILBOX_DIR: mailbox,
      NOTIFY_POLL_MS: "50",
      DISCOVERY_URL,
    },
  });
  vets = await Promise.all(
    ["vet-1", "vet-2"].map((name) =>
      startProcess({
        name,
        entry: "packages/veterinary-service/src/main.ts",
        env: {
          INSTANCE_ID: name,
          DATABASE_URL: `sqlite:${join(dir, "veterinary.db")}`,
          DISCOVERY_URL,
          OWNER_TIMEOUT_MS: "1000",
          REMINDER_SCAN_INTERVAL_MS: "100",
          REMINDER_LEASE_MS: "5000",
          CLINIC_NAME: "Process Clinic",
          CLOCK_OFFSET_FILE: clockFile,
        },
      }),
    ),
  );
}, 60_000);
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("veterinary processes", () => {
  let petId = "";
  test("make-appointment asks the real owner process through the balancer; both replicas share the overlap rule", async () => {
    const owners = createClient(OwnerService, connect(owner));
    await owners.registerOwner({ email: "procs@asd.com" });
    petId = (await owners.registerPet({ ownerRef: "procs@asd.com", type: "Dog", race: "Pug", name: "Otto" }))
      .pet!.id;
    // the replicas learn the owner instance from discovery; bounded wait for the first snapshot
    const made = await eventually(
      () => vetClient(vets[0]!).makeAppointment({ petId, startsAt: "2023-09-09T13:00:00.000Z" }),
      10_000,
      100,
    );
    expect(made.appointment!.petId).toBe(petId);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        vetClient(vets[i % 2]!).makeAppointment({ petId, startsAt: "2024-09-09T13:00:00Z" }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
    expect(results.flatMap((r) => (r.status === "rejected" ? [code(r.reason)] : []))).toEqual(
      Array(7).fill(Code.AlreadyExists),
    );
    const ghost = await vetClient(vets[1]!)
      .makeAppointment({ petId: "ghost", startsAt: "2023-09-09T13:00:00Z" })
      .catch(code);
    expect(ghost).toBe(Code.NotFound);
  }, 20_000);

  test("reminders: one email per stage across two replicas as their clock moves; a newer vaccination stops the rest", async () => {
    const now = Date.now();
    const due = new Date(now + 14 * DAY + 60_000).toISOString();
    const { vaccination } = await vetClient(vets[0]!).recordVaccination({
      petId,
      vaccine: "Rabies",
      administeredAt: new Date(now - 351 * DAY).toISOString(),
      nextDueAt: due,
    });
    writeFileSync(clockFile, String(2 * 60_000));
    await eventually(() => mails().length >= 1, 10_000, 100);
    const [first] = mails();
    expect(first).toContain("procs@asd.com");
    expect(first).toContain("Otto's Rabies vaccination is due on");
    writeFileSync(clockFile, String(14 * DAY + 2 * 60_000));
    await eventually(() => mails().length >= 2, 10_000, 100);
    // a newer vaccination of the same vaccine: the overdue stage of the old one must never go out
    await vetClient(vets[1]!).recordVaccination({
      petId,
      vaccine: "rabies",
      administeredAt: new Date(now + 14 * DAY).toISOString(),
    });
    writeFileSync(clockFile, String(21 * DAY + 2 * 60_000));
    await Bun.sleep(1500);
    const all = mails();
    expect(all.length).toBe(2);
    expect(all.filter((m) => m.includes("due today")).length).toBe(1);
    const pending = await vetClient(vets[1]!).listReminders({ petId });
    expect(pending.reminders.every((r) => r.vaccinationId !== vaccination!.id)).toBe(true);
  }, 40_000);

  test("owner process down: make-appointment is Unavailable within the owner deadline, not a hang", async () => {
    owner.kill("SIGKILL");
    await owner.exited;
    const started = performance.now();
    const outcome = await vetClient(vets[0]!)
      .makeAppointment({ petId, startsAt: "2025-09-09T13:00:00Z" }, { timeoutMs: 10_000 })
      .catch(code);
    expect(outcome).toBe(Code.Unavailable);
    expect(performance.now() - started).toBeLessThan(3_000);
  }, 20_000);
});
