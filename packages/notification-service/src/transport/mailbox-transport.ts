import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import nodemailer from "nodemailer";
import type { MailTransport, OutgoingMail } from "./mail-transport.ts";

/**
 * The file a message is written to: its outbox time, recipient and a digest
 * of its Message-ID, e.g. `2026-11-25T14-30-00Z_ann@example.com_3fa2c1d0.eml`.
 * Stable per message, so a resend after a crash overwrites instead of
 * duplicating, and sorted by time in a file browser.
 */
export function mailboxFileName(mail: Pick<OutgoingMail, "to" | "messageId" | "createdAt">): string {
  const stamp = new Date(mail.createdAt)
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  const who = mail.to.replace(/[^A-Za-z0-9@._+-]/g, "_").slice(0, 80);
  const digest = mail.messageId.replace(/[<>]/g, "").split("@")[0]?.slice(0, 8) ?? "message";
  return `${stamp}_${who}_${digest}.eml`;
}

/**
 * The local default: renders each message with nodemailer (the same MIME an
 * SMTP server would get) and writes it as an .eml file under `dir`, so
 * `make run` needs no mail server and a person can open the messages.
 * Written to a temporary name and renamed, so a reader never sees half a file.
 */
export function createMailboxTransport(dir: string): MailTransport {
  const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    kind: "mailbox",
    async send(mail) {
      const info = await renderer.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text || undefined,
        html: mail.html || undefined,
        messageId: mail.messageId,
      });
      await mkdir(dir, { recursive: true });
      const name = mailboxFileName(mail);
      const path = join(dir, name);
      const temporary = join(dir, `.${name}.${process.pid}.tmp`);
      await writeFile(temporary, info.message as Buffer);
      await rename(temporary, path);
      return { response: `written ${name}` };
    },
    async erase(recipient) {
      // Named after the recipient, and the recipient is in every header block: check both.
      const address = recipient.trim().toLowerCase();
      if (!address) return 0;
      const named = mailboxFileName({ to: address, messageId: "", createdAt: 0 }).split("_")[1] ?? address;
      let erased = 0;
      const files = await readdir(dir).catch(() => [] as string[]);
      for (const file of files.filter((name) => name.endsWith(".eml"))) {
        const path = join(dir, file);
        const text = await readFile(path, "utf8").catch(() => "");
        if (file.toLowerCase().includes(`_${named}_`) || text.toLowerCase().includes(address)) {
          await rm(path, { force: true });
          erased++;
        }
      }
      return erased;
    },
    async close() {
      renderer.close();
    },
  };
}
