/**
 * The owner-removal saga across real processes (issue 8): discovery,
 * veterinary, notification and owner, each a `bun main.ts` on port 0 with its
 * own SQLite file, calling each other over real sockets through discovery and
 * the balancer. Each scenario ends with the invariant checker.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { type DatabaseFiles, findOrphans, rowsAbout } from "../support/invariants.ts";
import { personalDataLeft } from "../support/personal-data.ts";
import { eventually, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const dir = mkdtempSync(join(tmpdir(), "vetmesh-saga-"));
const files: Required<DatabaseFiles> = {
  owner: join(dir, "owner.db"),
  veterinary: join(dir, "veterinary.db"),
  notification: join(dir, "notification.db"),
  mailbox: join(dir, "mail"),
};
let discoveryUrl = "";
const running: { owner?: TestProcess; veterinary?: TestProcess; notification?: TestProcess } = {};

const common = () => ({ DISCOVERY_URL: discoveryUrl, DISCOVERY_TTL_MS: "1500", LOG_LEVEL: "info" });
const startOwner = () =>
  startProcess({
    name: "owner",
    entry: "packages/owner-service/src/main.ts",
    env: {
      ...common(),
      INSTANCE_ID: "owner-saga-test",
      DATABASE_URL: `sqlite:${files.owner}`,
      SAGA_RETRY_MIN_MS: "100",
      SAGA_RETRY_MAX_MS: "400",
      SAGA_SWEEP_INTERVAL_MS: "500",
      SAGA_CALL_TIMEOUT_MS: "1500",
      REMOVAL_WAIT_MS: "8000",
    },
  });
const startVeterinary = () =>
  startProcess({
    name: "veterinary",
    entry: "packages/veterinary-service/src/main.ts",
    env: { ...common(), INSTANCE_ID: "veterinary-saga-test", DATABASE_URL: `sqlite:${files.veterinary}` },
  });
const startNotification = () =>
  startProcess({
    name: "notification",
    entry: "packages/notification-service/src/main.ts",
    env: {
      ...common(),
      INSTANCE_ID: "notification-saga-test",
      DATABASE_URL: `sqlite:${files.notification}`,
      // Nothing listens on port 9: every send fails and, with a one-hour backoff, emails stay pending.
      SMTP_URL: "smtp://127.0.0.1:9",
      SMTP_TIMEOUT_MS: "500",
      NOTIFY_BACKOFF_BASE_MS: "3600000",
      NOTIFY_BACKOFF_CAP_MS: "3600000",
      MAILBOX_DIR: files.mailbox,
    },
  });

const http = (p: TestProcess) =>
  createConnectTransport({ baseUrl: `http://127.0.0.1:${p.httpPort}`, httpVersion: "1.1" });
const ownerClient = () => createClient(OwnerService, http(running.owner!));
const vetClient = () => createClient(VeterinaryService, http(running.veterinary!));
const notificationClient = () => createClient(NotificationService, http(running.notification!));

function sagaStep(sagaId: string): string | undefined {
  const db = new Database(files.owner, { readwrite: true, create: false });
  try {
    db.run("PRAGMA busy_timeout = 5000");
    return (db.query("SELECT step FROM removal_sagas WHERE id = ?").get(sagaId) as { step: string } | null)
      ?.step;
  } finally {
    db.close();
  }
}

async function stop(p: TestProcess | undefined, signal: NodeJS.Signals) {
  if (!p) return;
  p.kill(signal);
  await p.exited;
}

/** An owner with two pets, an ended appointment (→ a record), a vaccination and a pending email. */
async function seedOwner(label: string) {
  const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.org`;
  const owners = ownerClient();
  const { owner } = await owners.registerOwner({ email });
  const { pet: dog } = await owners.registerPet({
    ownerRef: email,
    type: "Dog",
    race: "Chihuaua",
    name: "Devil incarnate",
  });
  const { pet: cat } = await owners.registerPet({ ownerRef: email, type: "Cat", race: "", name: "Ðéjà vu" });
  const vet = vetClient();
  // The veterinary service reaches the owner through discovery; the first call may precede the watch.
  const { appointment } = await eventually(
    () => vet.makeAppointment({ petId: dog!.id, startsAt: new Date(Date.now() + 86_400_000).toISOString() }),
    10_000,
    100,
  );
  await vet.endAppointment({ appointmentId: appointment!.id, details: "dog is evil" });
  await vet.makeAppointment({
    petId: cat!.id,
    startsAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
  });
  await vet.recordVaccination({
    petId: cat!.id,
    vaccine: "rabies",
    administeredAt: new Date().toISOString(),
  });
  await notificationClient().enqueueEmail({
    idempotencyKey: `reminder-${owner!.id}-rabies`,
    recipient: email,
    subject: "Vaccination due",
    text: "Ðéjà vu's rabies vaccination is due.",
    html: "",
  });
  const about = { ownerIds: [owner!.id], petIds: [dog!.id, cat!.id], emails: [email] };
  expect(personalDataLeft(files, [email, "Devil incarnate", "Ðéjà vu"]).length).toBeGreaterThan(0);
  expect(rowsAbout(files, about)).toEqual({
    owners: 1,
    pets: 2,
    petsOfOwner: 2,
    appointments: 2,
    consultation_records: 1,
    vaccinations: 1,
    pendingEmails: 1,
  });
  return { email, owner: owner!, about, personal: [email, "Devil incarnate", "Ðéjà vu"] };
}

const NOTHING_LEFT = {
  owners: 0,
  pets: 0,
  petsOfOwner: 0,
  appointments: 0,
  consultation_records: 0,
  vaccinations: 0,
  pendingEmails: 0,
};

beforeAll(async () => {
  const discovery = await startProcess({ name: "discovery", entry: "mesh/discovery/src/main.ts" });
  discoveryUrl = `http://127.0.0.1:${discovery.httpPort}`;
  [running.notification, running.veterinary, running.owner] = await Promise.all([
    startNotification(),
    startVeterinary(),
    startOwner(),
  ]);
}, 60_000);

afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe("removal saga across processes", () => {
  test("happy path: COMPLETED, and no row about the owner, pets, appointments, records, vaccinations or pending emails", async () => {
    const { email, owner, about, personal } = await seedOwner("happy");
    const res = await ownerClient().removeOwnerData({ ownerRef: email }, { timeoutMs: 10_000 });
    expect(res).toMatchObject({ state: RemovalState.COMPLETED, ownerId: owner.id, ownerEmail: email });
    expect(rowsAbout(files, about)).toEqual(NOTHING_LEFT);
    const again = await ownerClient()
      .removeOwnerData({ ownerRef: email })
      .catch((error) => ConnectError.from(error).code);
    expect(again).toBe(Code.NotFound);
    expect(findOrphans(files)).toEqual([]);
    expect(personalDataLeft(files, personal)).toEqual([]);
  }, 30_000);

  test("veterinary stopped: IN_PROGRESS, owner hidden, nothing erased there; restarted, the saga completes by itself", async () => {
    const { email, about, personal } = await seedOwner("vetdown");
    await stop(running.veterinary, "SIGTERM");
    const res = await ownerClient().removeOwnerData({ ownerRef: email }, { timeoutMs: 1_500 });
    expect(res.state).toBe(RemovalState.IN_PROGRESS);
    const hidden = await ownerClient()
      .listPets({ ownerRef: email })
      .catch((error) => ConnectError.from(error).code);
    expect(hidden).toBe(Code.NotFound);
    expect(sagaStep(res.sagaId)).toBe("erase_veterinary");
    expect(rowsAbout(files, about)).toEqual({
      owners: 1,
      pets: 2,
      petsOfOwner: 2,
      appointments: 2,
      consultation_records: 1,
      vaccinations: 1,
      pendingEmails: 1,
    });
    // A second call joins the same saga.
    const joined = await ownerClient().removeOwnerData({ ownerRef: email }, { timeoutMs: 500 });
    expect(joined).toMatchObject({ sagaId: res.sagaId, state: RemovalState.IN_PROGRESS });
    running.veterinary = await startVeterinary();
    await eventually(() => sagaStep(res.sagaId) === "done", 20_000, 100);
    expect(rowsAbout(files, about)).toEqual(NOTHING_LEFT);
    expect(findOrphans(files)).toEqual([]);
    expect(personalDataLeft(files, personal)).toEqual([]);
  }, 60_000);

  test("owner SIGKILLed after step 2 (vet erased, notification down): restarted, the saga completes", async () => {
    const { email, about, personal } = await seedOwner("killed");
    await stop(running.notification, "SIGTERM");
    const res = await ownerClient().removeOwnerData({ ownerRef: email }, { timeoutMs: 1_500 });
    expect(res.state).toBe(RemovalState.IN_PROGRESS);
    await eventually(() => sagaStep(res.sagaId) === "cancel_notifications", 10_000, 50);
    const midway = rowsAbout(files, about);
    expect(midway).toMatchObject({
      owners: 1,
      pets: 2,
      appointments: 0,
      consultation_records: 0,
      vaccinations: 0,
    });
    await stop(running.owner, "SIGKILL");
    running.notification = await startNotification();
    running.owner = await startOwner();
    await eventually(() => sagaStep(res.sagaId) === "done", 20_000, 100);
    expect(rowsAbout(files, about)).toEqual(NOTHING_LEFT);
    const after = await ownerClient()
      .removeOwnerData({ ownerRef: email })
      .catch((error) => ConnectError.from(error).code);
    expect(after).toBe(Code.NotFound);
    expect(findOrphans(files)).toEqual([]);
    expect(personalDataLeft(files, personal)).toEqual([]);
  }, 60_000);
});
