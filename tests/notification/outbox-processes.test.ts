/**
 * The notification service as real processes against a real SMTP server on
 * loopback: an outage and recovery seen in /metrics, two processes sharing one
 * outbox, a drain in the middle of a send, and a crash inside the duplicate
 * window (the resend carries the same Message-ID).
 */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { MessageState, NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { messageIdFor } from "../../packages/notification-service/src/domain/outbox.ts";
import {
  type SmtpCapture,
  startSmtpCapture,
} from "../../packages/notification-service/src/testing/smtp-capture.ts";
import { eventually, scrapeMetrics, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const dir = mkdtempSync(join(tmpdir(), "notification-processes-"));
let smtp: SmtpCapture | undefined;
afterEach(async () => {
  await stopAll();
  await smtp?.close();
  smtp = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function startNotification(name: string, env: Record<string, string>): Promise<TestProcess> {
  return startProcess({
    name,
    entry: "packages/notification-service/src/main.ts",
    env: {
      INSTANCE_ID: name,
      MAIL_FROM: "Clinic <clinic@vetmesh.test>",
      NOTIFY_BACKOFF_BASE_MS: "50",
      NOTIFY_BACKOFF_CAP_MS: "200",
      NOTIFY_POLL_MS: "50",
      NOTIFY_MAX_ATTEMPTS: "100",
      SMTP_TIMEOUT_MS: "2000",
      ...env,
    },
  });
}

const client = (process: TestProcess) =>
  createClient(NotificationService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${process.grpcPort}` }));

const email = (key: string) => ({
  idempotencyKey: key,
  recipient: "ann@example.com",
  subject: `Reminder ${key}`,
  text: "Rex's rabies vaccination is due.",
  html: "<p>Rex's rabies vaccination is due.</p>",
});

async function attempts(process: TestProcess, outcome: string): Promise<number> {
  const text = await scrapeMetrics(process);
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("vetmesh_notification_delivery_attempts_total{") && l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("notification processes over real SMTP", () => {
  test("two processes, one outbox, SMTP down then up: each message delivered exactly once; attempts in /metrics", async () => {
    smtp = await startSmtpCapture({ start: false });
    const DATABASE_URL = `sqlite:${join(dir, `shared-${++counter}.db`)}`;
    const [one, two] = await Promise.all([
      startNotification("notification-a", { DATABASE_URL, SMTP_URL: smtp.url }),
      startNotification("notification-b", { DATABASE_URL, SMTP_URL: smtp.url }),
    ]);
    const keys = Array.from({ length: 12 }, (_, i) => `vaccination:outage${i}:due`);
    await Promise.all(keys.map((key, i) => client(i % 2 ? one : two).enqueueEmail(email(key))));
    await eventually(
      async () => (await attempts(one, "failed")) + (await attempts(two, "failed")) >= 6,
      10_000,
    );
    await smtp.up();
    await eventually(() => smtp!.messages.length >= 12, 15_000);
    await Bun.sleep(400);
    expect(smtp.messages.map((m) => m.messageId).sort()).toEqual(
      keys.map((k) => messageIdFor(k, "vetmesh.test")).sort(),
    );
    const sent = (await attempts(one, "sent")) + (await attempts(two, "sent"));
    const failed = (await attempts(one, "failed")) + (await attempts(two, "failed"));
    expect(sent).toBe(12);
    expect(failed).toBeGreaterThanOrEqual(6);
    let recorded = 0;
    for (const key of keys) {
      const { message, created } = await client(one).enqueueEmail(email(key));
      expect([created, message?.state]).toEqual([false, MessageState.SENT]);
      recorded += message!.attempts;
    }
    expect(recorded).toBe(sent + failed);
  }, 40_000);

  test("SIGTERM during a send: the drain waits for the 250 and commits it; nothing is resent", async () => {
    smtp = await startSmtpCapture();
    smtp.dataDelayMs = 700;
    const DATABASE_URL = `sqlite:${join(dir, `drain-${++counter}.db`)}`;
    const first = await startNotification("notification-drain", {
      DATABASE_URL,
      SMTP_URL: smtp.url,
      NOTIFY_LEASE_MS: "1500",
    });
    const { message } = await client(first).enqueueEmail(email("vaccination:drain:due"));
    await first.waitForLine((line) => line.includes('"msg":"rpc"'));
    await Bun.sleep(200);
    first.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    // A successor on the same outbox finds the message sent, even after the lease would have expired.
    const second = await startNotification("notification-after", {
      DATABASE_URL,
      SMTP_URL: smtp.url,
      NOTIFY_LEASE_MS: "1500",
    });
    await Bun.sleep(2000);
    const again = await client(second).enqueueEmail(email("vaccination:drain:due"));
    expect([again.message?.id, again.message?.state, again.message?.attempts]).toEqual([
      message!.id,
      MessageState.SENT,
      1,
    ]);
    expect(smtp.messages).toHaveLength(1);
  }, 30_000);

  test("SIGKILL inside the duplicate window: the message is sent again after the lease, with the same Message-ID", async () => {
    smtp = await startSmtpCapture();
    smtp.dataDelayMs = 1500; // the server has the message; its 250 is late
    const DATABASE_URL = `sqlite:${join(dir, `crash-${++counter}.db`)}`;
    const doomed = await startNotification("notification-doomed", {
      DATABASE_URL,
      SMTP_URL: smtp.url,
      NOTIFY_LEASE_MS: "1000",
    });
    await client(doomed).enqueueEmail(email("vaccination:crash:due"));
    await Bun.sleep(500);
    doomed.kill("SIGKILL");
    await doomed.exited;
    smtp.dataDelayMs = 0;
    const survivor = await startNotification("notification-survivor", {
      DATABASE_URL,
      SMTP_URL: smtp.url,
      NOTIFY_LEASE_MS: "1000",
    });
    await eventually(() => smtp!.messages.length >= 2, 10_000);
    await Bun.sleep(300);
    const expected = messageIdFor("vaccination:crash:due", "vetmesh.test");
    expect(smtp.messages.map((m) => m.messageId)).toEqual([expected, expected]);
    const { message } = await client(survivor).enqueueEmail(email("vaccination:crash:due"));
    expect([message?.state, message?.attempts]).toEqual([MessageState.SENT, 2]);
  }, 30_000);
});
