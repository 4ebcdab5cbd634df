/**
 * Clock jumps under the reminder scanner: two veterinary processes on one
 * SQLite file, each with its own clock (CLOCK_OFFSET_FILE), one notification
 * process with real SMTP. One clock leaps weeks ahead, then back, while the
 * other leaps the other way, then both go far out: no reminder is delivered
 * twice, and nothing is sent again after a backward jump.
 */
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { messageIdFor } from "../../packages/notification-service/src/domain/outbox.ts";
import {
  type SmtpCapture,
  startSmtpCapture,
} from "../../packages/notification-service/src/testing/smtp-capture.ts";
import { eventually, scrapeMetrics, startProcess, stopAll, type TestProcess } from "../support/process.ts";
import { SETUP_MS } from "./harness.ts";

const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "vetmesh-clock-jump-"));
const clocks = [join(dir, "clock-1"), join(dir, "clock-2")];
let smtp: SmtpCapture;
const vets: TestProcess[] = [];
let owner: TestProcess;

/** Moves veterinary #n's clock to `offsetMs` from the real time. */
const moveClock = (n: number, offsetMs: number) => writeFileSync(clocks[n]!, String(offsetMs));
const grpc = (process: TestProcess) =>
  createGrpcTransport({ baseUrl: `http://127.0.0.1:${process.grpcPort}` });

beforeAll(async () => {
  moveClock(0, 0);
  moveClock(1, 0);
  smtp = await startSmtpCapture();
  const discovery = await startProcess({
    name: "discovery",
    entry: "mesh/discovery/src/main.ts",
    env: { INSTANCE_ID: "discovery-clock", REDIS_URL: "" },
  });
  const common = { DISCOVERY_URL: `http://127.0.0.1:${discovery.httpPort}`, DISCOVERY_TTL_MS: "2000" };
  owner = await startProcess({
    name: "owner",
    entry: "packages/owner-service/src/main.ts",
    env: { ...common, INSTANCE_ID: "owner-clock", DATABASE_URL: `sqlite:${join(dir, "owner.db")}` },
  });
  await startProcess({
    name: "notification",
    entry: "packages/notification-service/src/main.ts",
    env: {
      ...common,
      INSTANCE_ID: "notification-clock",
      DATABASE_URL: `sqlite:${join(dir, "notification.db")}`,
      SMTP_URL: smtp.url,
      MAIL_FROM: "Clinic <reminders@vetmesh.test>",
      NOTIFY_POLL_MS: "50",
    },
  });
  for (const [n, clockFile] of clocks.entries()) {
    vets.push(
      await startProcess({
        name: `veterinary-c${n + 1}`,
        entry: "packages/veterinary-service/src/main.ts",
        env: {
          ...common,
          INSTANCE_ID: `veterinary-c${n + 1}`,
          DATABASE_URL: `sqlite:${join(dir, "veterinary.db")}`,
          CLOCK_OFFSET_FILE: clockFile,
          REMINDER_SCAN_INTERVAL_MS: "100",
          REMINDER_LEASE_MS: "2000",
          REMINDER_RETRY_MS: "200",
        },
      }),
    );
  }
}, SETUP_MS);

afterAll(async () => {
  await stopAll();
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The scanner's last-scan gauge of a veterinary process (admin port; it changes at the end of every scan). */
async function lastScan(vet: TestProcess): Promise<string> {
  const text = await scrapeMetrics(vet);
  return (
    text.split("\n").find((line) => line.startsWith("vetmesh_reminders_last_scan_timestamp_seconds")) ?? ""
  );
}

/** Waits until every scanner finished a scan that began after this call, and the outbox is empty. */
async function settled() {
  for (const vet of vets) {
    for (let scans = 0; scans < 2; scans++) {
      const seen = await lastScan(vet);
      await eventually(async () => (await lastScan(vet)) !== seen, 15_000, 50);
    }
  }
  await eventually(() => {
    const db = new Database(join(dir, "notification.db"), { readonly: true });
    try {
      const row = db.query("SELECT COUNT(*) AS n FROM outbox_messages WHERE state = 'pending'").get() as {
        n: number;
      };
      return row.n === 0;
    } finally {
      db.close();
    }
  }, 15_000);
}

const mailTo = (email: string) => smtp.messages.filter((m) => m.envelopeTo.includes(email));

test("clocks jumping weeks ahead, back, and a year out on two scanners: each reminder delivered once", async () => {
  const ownerClient = createClient(OwnerService, grpc(owner));
  const veterinary = createClient(VeterinaryService, grpc(vets[0]!));
  const email = `clock-${Date.now().toString(36)}@example.com`;
  await ownerClient.registerOwner({ email });
  const { pet } = await ownerClient.registerPet({
    ownerRef: email,
    type: "Dog",
    race: "Beagle",
    name: "Rex",
  });
  const now = Date.now();
  const recorded = await eventually(
    () =>
      veterinary.recordVaccination({
        petId: pet!.id,
        vaccine: "rabies",
        administeredAt: new Date(now - 351 * DAY).toISOString(),
        nextDueAt: new Date(now + 14 * DAY - 60_000).toISOString(),
      }),
    10_000,
    100,
  );
  // The message id of each stage's email (upcoming, due, overdue): every email is one of these, once.
  const stageIds = ["upcoming", "due", "overdue"].map((stage) =>
    messageIdFor(`vaccination:${recorded.vaccination!.id}:${stage}`, "vetmesh.test"),
  );
  // Now: the upcoming stage (14 days before) is due; one email.
  await eventually(() => mailTo(email).length >= 1, 15_000, 50);
  await settled();
  expect(mailTo(email)).toHaveLength(1);
  // Scanner 1 leaps 22 days ahead: due and overdue are past for it.
  moveClock(0, 22 * DAY);
  await settled();
  const afterLeap = mailTo(email).length;
  expect(afterLeap).toBeGreaterThanOrEqual(2);
  // Scanner 1 jumps back to today while scanner 2 leaps ahead; then both go a year out and back.
  for (const [first, second] of [
    [0, 22 * DAY],
    [400 * DAY, -30 * DAY],
    [-DAY, 400 * DAY],
  ] as const) {
    moveClock(0, first);
    moveClock(1, second);
    await settled();
    expect(mailTo(email).length, `clocks ${first / DAY} d / ${second / DAY} d`).toBe(afterLeap);
  }
  const ids = mailTo(email).map((mail) => mail.messageId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.filter((id) => !stageIds.includes(id))).toEqual([]);
  expect(ids[0]).toBe(stageIds[0]!);
  console.info(`clock jumps: ${ids.length} reminder emails for one vaccination, none twice`);
}, 120_000);
