import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { createLogger, loadConfig } from "@vetmesh/kit";
import { createNotificationApp } from "./app.ts";
import { configShape } from "./config.ts";
import { createMailboxTransport } from "./transport/mailbox-transport.ts";

const dir = mkdtempSync(join(tmpdir(), "notification-erase-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const email = (key: string, recipient: string) => ({
  idempotencyKey: key,
  recipient,
  subject: "Rex: rabies vaccination due",
  text: "Rex's rabies vaccination is due on 2026-12-09.",
  html: "",
});

describe("CancelPending on behalf of a removal saga", () => {
  test("erases the recipient's delivered mailbox files and the personal data of sent and cancelled rows", async () => {
    const mailbox = join(dir, "mail");
    const config = loadConfig(configShape, {
      INSTANCE_ID: "erase-test",
      DATABASE_URL: `sqlite:${join(dir, "outbox.db")}`,
      MAIL_FROM: "Clinic <clinic@vetmesh.test>",
      MAILBOX_DIR: mailbox,
    });
    const app = await createNotificationApp({
      config,
      logger: createLogger({ level: "silent" }),
      startDispatcher: false,
    });
    try {
      const client = createClient(NotificationService, createRouterTransport(app.routes));
      const sent = await client.enqueueEmail(email("r1", "Ann@Example.com"));
      await client.enqueueEmail(email("b1", "bob@example.com"));
      expect(await app.dispatcher.runOnce()).toBe(2);
      const pending = await client.enqueueEmail(email("r2", "ann@example.com"));
      expect(readdirSync(mailbox).filter((f) => f.includes("ann@example.com"))).toHaveLength(1);

      const res = await client.cancelPending({ recipient: "ann@example.com", sagaId: "saga-1" });
      expect(res.cancelled).toBe(1);
      const left = readdirSync(mailbox);
      expect(left).toHaveLength(1);
      expect(left[0]).toContain("bob@example.com");
      for (const [id, state] of [
        [sent.message!.id, "sent"],
        [pending.message!.id, "cancelled"],
      ]) {
        expect(await app.repository.get(id!)).toMatchObject({
          state,
          recipient: "",
          subject: "",
          textBody: "",
        });
      }
      // Repeated (the saga retries after a lost answer): same answer, nothing else touched.
      expect((await client.cancelPending({ recipient: "ann@example.com", sagaId: "saga-1" })).cancelled).toBe(
        1,
      );
      expect(readdirSync(mailbox)).toEqual(left);
    } finally {
      await app.close();
    }
  });

  test("a message being sent when the saga cancels leaves no mailbox file behind", async () => {
    const mailbox = join(dir, "mail-race");
    const config = loadConfig(configShape, {
      INSTANCE_ID: "erase-race-test",
      DATABASE_URL: `sqlite:${join(dir, "outbox-race.db")}`,
      MAIL_FROM: "Clinic <clinic@vetmesh.test>",
      MAILBOX_DIR: mailbox,
    });
    // The real mailbox transport, held at the start of a send until the saga's cancel has run.
    const real = createMailboxTransport(mailbox);
    let sending!: () => void;
    const started = new Promise<void>((resolve) => {
      sending = resolve;
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = {
      ...real,
      async send(mail: Parameters<typeof real.send>[0]) {
        sending();
        await released;
        return real.send(mail);
      },
    };
    const app = await createNotificationApp({
      config,
      logger: createLogger({ level: "silent" }),
      startDispatcher: false,
      transport: held,
    });
    try {
      const client = createClient(NotificationService, createRouterTransport(app.routes));
      const queued = await client.enqueueEmail(email("race-1", "cat@example.com"));
      const pass = app.dispatcher.runOnce();
      await started;
      expect(
        (await client.cancelPending({ recipient: "cat@example.com", sagaId: "saga-race" })).cancelled,
      ).toBe(1);
      release();
      expect(await pass).toBe(1);
      expect(readdirSync(mailbox).filter((file) => file.endsWith(".eml"))).toEqual([]);
      // Delivered before the cancel could stop it, so "sent" (the truth), but scrubbed and its copy erased.
      expect(await app.repository.get(queued.message!.id!)).toMatchObject({
        state: "sent",
        cancelledBy: "saga-race",
        recipient: "",
      });
    } finally {
      await app.close();
    }
  });
});
