import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { MessageState, NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import {
  createInFlight,
  createKitMetrics,
  createLogger,
  createServerInterceptor,
  errorField,
  loadConfig,
} from "@vetmesh/kit";
import { createNotificationApp, type NotificationApp } from "./app.ts";
import { configShape } from "./config.ts";
import { openOutboxRepository } from "./db/open-repository.ts";
import { messageIdFor } from "./domain/outbox.ts";
import {
  type SmtpCapture,
  selfSignedCertificate,
  startSmtpCapture,
  waitFor,
} from "./testing/smtp-capture.ts";

const dir = mkdtempSync(join(tmpdir(), "notification-app-"));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let dbCounter = 0;
const freshDb = () => `sqlite:${join(dir, `n${++dbCounter}.db`)}`;

async function build(
  env: Record<string, string>,
  extra: { startDispatcher?: boolean; now?: () => number } = {},
) {
  const config = loadConfig(configShape, {
    INSTANCE_ID: `test-${dbCounter}-${Math.random().toString(36).slice(2, 6)}`,
    DATABASE_URL: freshDb(),
    MAIL_FROM: "Clinic <clinic@vetmesh.test>",
    NOTIFY_BACKOFF_BASE_MS: "40",
    NOTIFY_BACKOFF_CAP_MS: "160",
    NOTIFY_POLL_MS: "25",
    SMTP_TIMEOUT_MS: "3000",
    ...env,
  });
  const logger = createLogger({ level: "silent" });
  const metrics = createKitMetrics({ service: "notification", instance: config.INSTANCE_ID });
  const app = await createNotificationApp({ config, logger, metrics, ...extra });
  cleanups.push(() => app.close());
  // The kit's server interceptor maps domain errors to Connect codes, as in the real process.
  const interceptor = createServerInterceptor({
    service: "notification",
    logger,
    metrics,
    inFlight: createInFlight(),
  });
  const client = createClient(
    NotificationService,
    createRouterTransport(app.routes, { router: { interceptors: [interceptor] } }),
  );
  return { app, client, config };
}

async function smtp(options: Parameters<typeof startSmtpCapture>[0] = {}): Promise<SmtpCapture> {
  const capture = await startSmtpCapture(options);
  cleanups.push(() => capture.close());
  return capture;
}

const email = (key: string, recipient = "ann@example.com") => ({
  idempotencyKey: key,
  recipient,
  subject: `Rex: rabies vaccination due (${key})`,
  text: "Rex's rabies vaccination is due on 2026-12-09.",
  html: "<p>Rex's rabies vaccination is due on 2026-12-09.</p>",
});

/** The outbox backlog gauge as /metrics shows it: [pending, dead]. */
async function backlog(app: NotificationApp): Promise<[number, number]> {
  const text = await app.metrics.registry.metrics();
  const value = (state: string) =>
    Number(
      text
        .split("\n")
        .find((l) => l.startsWith(`vetmesh_notification_outbox_messages{state="${state}"`))
        ?.split(" ")
        .at(-1),
    );
  return [value("pending"), value("dead")];
}

async function metric(app: NotificationApp, outcome: string): Promise<number> {
  const text = await app.metrics.registry.metrics();
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith("vetmesh_notification_delivery_attempts_total{") && l.includes(`outcome="${outcome}"`),
    );
  return line ? Number(line.split(" ").at(-1)) : 0;
}

describe("notification service over a real SMTP server", () => {
  test("an enqueued email is delivered exactly once with the Message-ID derived from its key", async () => {
    const server = await smtp();
    const { client, app } = await build({ SMTP_URL: server.url });
    const first = await client.enqueueEmail(email("vaccination:v1:before"));
    const again = await client.enqueueEmail(email("vaccination:v1:before"));
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.message?.id).toBe(first.message!.id);
    const expectedId = messageIdFor("vaccination:v1:before", "vetmesh.test");
    expect(first.message?.messageId).toBe(expectedId);
    await waitFor("delivery", async () => (await app.repository.get(first.message!.id))?.state === "sent");
    await Bun.sleep(100);
    expect(server.messages.map((m) => [m.envelopeTo, m.messageId, m.subject, m.to])).toEqual([
      [
        ["ann@example.com"],
        expectedId,
        "Rex: rabies vaccination due (vaccination:v1:before)",
        "ann@example.com",
      ],
    ]);
    expect(server.messages[0]?.raw).toContain("Rex's rabies vaccination is due on 2026-12-09.");
    expect(await metric(app, "sent")).toBe(1);
  });

  test("SMTP down for the first attempts, then up: every message delivered exactly once, attempts in /metrics", async () => {
    const server = await smtp({ start: false });
    const { client, app } = await build({ SMTP_URL: server.url, NOTIFY_MAX_ATTEMPTS: "50" });
    const keys = Array.from({ length: 6 }, (_, i) => `vaccination:v${i}:due`);
    for (const key of keys) await client.enqueueEmail(email(key));
    await waitFor("three failed attempts", async () => (await metric(app, "failed")) >= 3);
    await server.up();
    await waitFor("six deliveries", () => server.messages.length >= 6);
    await Bun.sleep(300);
    const ids = server.messages.map((m) => m.messageId).sort();
    expect(ids).toEqual(keys.map((k) => messageIdFor(k, "vetmesh.test")).sort());
    const failed = await metric(app, "failed");
    expect(await metric(app, "sent")).toBe(6);
    expect(failed).toBeGreaterThanOrEqual(3);
    expect(await metric(app, "dead")).toBe(0);
    // Every attempt counted in the metrics is an attempt recorded in the outbox.
    let attempts = 0;
    for (const key of keys) {
      const { message } = await client.enqueueEmail(email(key));
      expect(message?.state).toBe(MessageState.SENT);
      attempts += message!.attempts;
    }
    expect(attempts).toBe(failed + 6);
  });

  test("STARTTLS: delivered over an upgraded session when the server's certificate is trusted", async () => {
    const certificate = selfSignedCertificate();
    cleanups.push(certificate.cleanup);
    const server = await smtp({ tls: certificate });
    const { client, app } = await build({
      SMTP_URL: server.url,
      SMTP_REQUIRE_TLS: "true",
      SMTP_CA_FILE: certificate.certFile,
    });
    const { message } = await client.enqueueEmail(email("vaccination:tls:due"));
    await waitFor("delivery", async () => (await app.repository.get(message!.id))?.state === "sent");
    expect(server.messages.map((m) => [m.messageId, m.secure])).toEqual([
      [messageIdFor("vaccination:tls:due", "vetmesh.test"), true],
    ]);
  });

  test("STARTTLS: an untrusted certificate fails the attempt and nothing is delivered", async () => {
    const certificate = selfSignedCertificate();
    cleanups.push(certificate.cleanup);
    const server = await smtp({ tls: certificate });
    const { client, app } = await build({
      SMTP_URL: server.url,
      SMTP_REQUIRE_TLS: "true",
      NOTIFY_MAX_ATTEMPTS: "1",
    });
    const { message } = await client.enqueueEmail(email("vaccination:untrusted:due"));
    await waitFor("dead letter", async () => (await app.repository.get(message!.id))?.state === "dead");
    expect(server.messages).toEqual([]);
    const { messages } = await client.listDeadLetters({});
    expect(messages.map((m) => [m.idempotencyKey, m.attempts])).toEqual([["vaccination:untrusted:due", 1]]);
    expect(messages[0]?.lastError).toContain("certificate");
  });

  test("two dispatchers on one database deliver each message exactly once", async () => {
    const server = await smtp();
    const DATABASE_URL = freshDb();
    const one = await build({ SMTP_URL: server.url, DATABASE_URL, INSTANCE_ID: "dispatcher-one" });
    const two = await build({ SMTP_URL: server.url, DATABASE_URL, INSTANCE_ID: "dispatcher-two" });
    const keys = Array.from({ length: 30 }, (_, i) => `vaccination:pair${i}:due`);
    await Promise.all(keys.map((key, i) => (i % 2 ? one : two).client.enqueueEmail(email(key))));
    await waitFor("30 deliveries", () => server.messages.length >= 30);
    await Bun.sleep(300);
    expect(server.messages.map((m) => m.messageId).sort()).toEqual(
      keys.map((k) => messageIdFor(k, "vetmesh.test")).sort(),
    );
    const sentByOne = await metric(one.app, "sent");
    const sentByTwo = await metric(two.app, "sent");
    expect(sentByOne + sentByTwo).toBe(30);
  });

  test("a message is dead-lettered after the maximum attempts; RetryDeadLetter then delivers it", async () => {
    const server = await smtp();
    server.behaviour = { reject: 451, message: "try again later" };
    const { client, app } = await build({ SMTP_URL: server.url, NOTIFY_MAX_ATTEMPTS: "3" });
    const { message } = await client.enqueueEmail(email("vaccination:dead:overdue"));
    await waitFor("dead letter", async () => (await app.repository.get(message!.id))?.state === "dead");
    const { messages } = await client.listDeadLetters({ limit: 10 });
    expect(messages.map((m) => [m.id, m.state, m.attempts])).toEqual([[message!.id, MessageState.DEAD, 3]]);
    expect(messages[0]?.lastError).toContain("451");
    expect([await metric(app, "failed"), await metric(app, "dead"), await metric(app, "sent")]).toEqual([
      2, 1, 0,
    ]);
    expect(await backlog(app)).toEqual([0, 1]);
    server.behaviour = "accept";
    const retried = await client.retryDeadLetter({ id: message!.id });
    expect([retried.message?.state, retried.message?.attempts]).toEqual([MessageState.PENDING, 0]);
    await waitFor("delivery", () => server.messages.length === 1);
    await waitFor("sent", async () => (await app.repository.get(message!.id))?.state === "sent");
    expect(server.messages[0]?.messageId).toBe(messageIdFor("vaccination:dead:overdue", "vetmesh.test"));
    expect((await client.listDeadLetters({})).messages).toEqual([]);
    expect(await backlog(app)).toEqual([0, 0]);
    const repeat = await client.retryDeadLetter({ id: message!.id });
    expect(repeat.message?.state).toBe(MessageState.SENT);
  });

  test("a permanent rejection (550) dead-letters at once", async () => {
    const server = await smtp();
    server.behaviour = { reject: 550, message: "no such user" };
    const { client, app } = await build({ SMTP_URL: server.url, NOTIFY_MAX_ATTEMPTS: "5" });
    const { message } = await client.enqueueEmail(email("vaccination:550:due"));
    await waitFor("dead letter", async () => (await app.repository.get(message!.id))?.state === "dead");
    expect((await app.repository.get(message!.id))?.attempts).toBe(1);
  });

  test("CancelPending cancels the recipient's pending messages, idempotently", async () => {
    const server = await smtp();
    const { client, app } = await build({ SMTP_URL: server.url }, { startDispatcher: false });
    await client.enqueueEmail(email("vaccination:c1:before", "Ann@Example.com"));
    await client.enqueueEmail(email("vaccination:c2:before"));
    await client.enqueueEmail(email("vaccination:c3:before", "bob@example.com"));
    expect(
      (await client.cancelPending({ recipient: "ANN@example.com", sagaId: "removal-1" })).cancelled,
    ).toBe(2);
    expect(
      (await client.cancelPending({ recipient: "ann@example.com", sagaId: "removal-1" })).cancelled,
    ).toBe(2);
    expect(await app.dispatcher.runOnce()).toBe(1);
    expect(server.messages.map((m) => m.envelopeTo)).toEqual([["bob@example.com"]]);
    const cancelled = await client.enqueueEmail(email("vaccination:c1:before"));
    expect(cancelled.message?.state).toBe(MessageState.CANCELLED);
    const error = await client.retryDeadLetter({ id: cancelled.message!.id }).catch((e: unknown) => e);
    expect(error instanceof ConnectError && error.code).toBe(Code.FailedPrecondition);
  });

  test("invalid requests are refused naming the field", async () => {
    const { client } = await build({}, { startDispatcher: false });
    const cases: Array<[Partial<ReturnType<typeof email>>, string]> = [
      [{ recipient: "not-an-email" }, "recipient"],
      [{ idempotencyKey: "" }, "idempotency_key"],
      [{ idempotencyKey: "has space" }, "idempotency_key"],
      [{ subject: "" }, "subject"],
      [{ subject: "two\r\nBcc: x@evil.test" }, "subject"],
      [{ text: "", html: "" }, "text"],
    ];
    const fields: Array<[Code | undefined, string | undefined]> = [];
    for (const [override] of cases) {
      const error = await client.enqueueEmail({ ...email("k"), ...override }).catch((e: unknown) => e);
      fields.push(error instanceof ConnectError ? [error.code, errorField(error)] : [undefined, undefined]);
    }
    expect(fields).toEqual(cases.map(([, field]) => [Code.InvalidArgument, field]));
    const missing = await client.retryDeadLetter({ id: "nope" }).catch((e: unknown) => e);
    expect(missing instanceof ConnectError && missing.code).toBe(Code.NotFound);
  });

  test("close() waits for the send in progress and records it", async () => {
    const server = await smtp();
    server.dataDelayMs = 400;
    const { client, app, config } = await build({ SMTP_URL: server.url });
    const { message } = await client.enqueueEmail(email("vaccination:drain:due"));
    await waitFor("send started", async () => (await app.repository.get(message!.id))?.attempts === 1);
    expect((await app.repository.get(message!.id))?.state).toBe("pending");
    expect(server.messages).toHaveLength(0);
    await app.close();
    expect(server.messages).toHaveLength(1);
    const reopened = await openOutboxRepository(config.DATABASE_URL);
    expect(await reopened.get(message!.id)).toMatchObject({ state: "sent", attempts: 1 });
    await reopened.close();
  });

  test("a message leased by a dispatcher that died is sent by another once the lease expires", async () => {
    const server = await smtp();
    let clock = 1_790_000_000_000;
    const { client, app } = await build(
      { SMTP_URL: server.url, NOTIFY_LEASE_MS: "60000" },
      { startDispatcher: false, now: () => clock },
    );
    const { message } = await client.enqueueEmail(email("vaccination:crash:due"));
    const [held] = await app.repository.claimDue({
      owner: "crashed-instance",
      now: clock,
      leaseMs: 60_000,
      limit: 1,
    });
    expect(held?.id).toBe(message!.id);
    expect(await app.dispatcher.runOnce()).toBe(0);
    clock += 60_000;
    expect(await app.dispatcher.runOnce()).toBe(1);
    expect(server.messages.map((m) => m.messageId)).toEqual([
      messageIdFor("vaccination:crash:due", "vetmesh.test"),
    ]);
    expect(await app.repository.get(message!.id)).toMatchObject({ state: "sent", attempts: 2 });
  });
});

describe("mailbox transport (SMTP_URL unset)", () => {
  test("writes one .eml file per message, named by time, recipient and Message-ID", async () => {
    const MAILBOX_DIR = join(dir, "mail");
    const { client, app } = await build(
      { MAILBOX_DIR },
      { startDispatcher: false, now: () => Date.UTC(2026, 10, 25, 9, 30, 0) },
    );
    await client.enqueueEmail(email("vaccination:box:due"));
    expect(await app.dispatcher.runOnce()).toBe(1);
    const files = [...new Bun.Glob("*").scanSync({ cwd: MAILBOX_DIR, dot: true })];
    const digest = messageIdFor("vaccination:box:due", "vetmesh.test").slice(1, 9);
    expect(files).toEqual([`2026-11-25T09-30-00Z_ann@example.com_${digest}.eml`]);
    const raw = await Bun.file(join(MAILBOX_DIR, files[0]!)).text();
    expect(raw).toContain(`Message-ID: ${messageIdFor("vaccination:box:due", "vetmesh.test")}`);
    expect(raw).toContain("Subject: Rex: rabies vaccination due (vaccination:box:due)");
    expect(raw).toContain("From: Clinic <clinic@vetmesh.test>");
  });
});
