import nodemailer from "nodemailer";
import type { MailTransport } from "./mail-transport.ts";

/** Options of the SMTP transport; the URL carries host, port, credentials and smtp/smtps. */
export interface SmtpTransportOptions {
  url: string;
  /** PEM certificate(s) to trust for STARTTLS/TLS, for servers with a private CA. */
  ca?: string;
  /** Refuse to send unless the server upgrades with STARTTLS. */
  requireTls?: boolean;
  /** Connection, greeting and socket timeout; keep well below the lease length. */
  timeoutMs: number;
}

/**
 * Delivers over SMTP with nodemailer, one connection per message (no pool:
 * a broken connection cannot poison later sends). `smtp://` upgrades with
 * STARTTLS whenever the server offers it; `smtps://` is TLS from the start.
 */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const url = new URL(options.url);
  const secure = url.protocol === "smtps:";
  const transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username
      ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
      : undefined,
    requireTLS: options.requireTls ?? false,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
    tls: options.ca ? { ca: options.ca } : undefined,
  });
  return {
    kind: "smtp",
    async erase() {
      return 0; // delivered mail lives on the mail server, not here
    },
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text || undefined,
        html: mail.html || undefined,
        messageId: mail.messageId,
      });
      return { response: String(info.response ?? "") };
    },
    async close() {
      transporter.close();
    },
  };
}
