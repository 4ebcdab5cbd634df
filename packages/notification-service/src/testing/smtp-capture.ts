import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@vetmesh/kit/testing";
import { SMTPServer, type SMTPServerOptions } from "smtp-server";

/** One message as the test SMTP server received it. */
export interface CapturedMail {
  envelopeTo: string[];
  messageId: string;
  subject: string;
  to: string;
  raw: string;
  /** True when the session had been upgraded with STARTTLS. */
  secure: boolean;
}

/** What the capture server answers; tests flip it between attempts. */
export type SmtpBehaviour = "accept" | { reject: number; message: string };

/** A real SMTP server (the `smtp-server` package) on 127.0.0.1 that records what it receives. */
export interface SmtpCapture {
  port: number;
  url: string;
  messages: CapturedMail[];
  behaviour: SmtpBehaviour;
  /** Delay before answering the final 250 (to test drains). */
  dataDelayMs: number;
  /** Listen (again) on `port`. */
  up(): Promise<void>;
  /** Stop listening: connections are refused until up(). */
  down(): Promise<void>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1/localhost, generated now with the openssl CLI (never committed). */
export function selfSignedCertificate(): { key: string; cert: string; certFile: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-tls-"));
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyFile,
      "-out",
      certFile,
      "-days",
      "1",
    ].concat(["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]),
    { stdio: "ignore", timeout: 20_000 },
  );
  return {
    key: readFileSync(keyFile, "utf8"),
    cert: readFileSync(certFile, "utf8"),
    certFile,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function header(raw: string, name: string): string {
  const match = new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(raw);
  return match?.[1]?.replace(/\r?\n[ \t]+/g, " ").trim() ?? "";
}

/**
 * Starts the capture server. With `tls`, it offers STARTTLS with that
 * certificate; `start: false` leaves it down on a reserved port.
 */
export async function startSmtpCapture(
  options: { tls?: { key: string; cert: string }; start?: boolean } = {},
): Promise<SmtpCapture> {
  const port = await freePort();
  const messages: CapturedMail[] = [];
  let server: SMTPServer | undefined;
  const capture: SmtpCapture = {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    behaviour: "accept",
    dataDelayMs: 0,
    async up() {
      if (server) return;
      const settings: SMTPServerOptions = {
        authOptional: true,
        disabledCommands: options.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
        logger: false,
        ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
        onRcptTo(_address, _session, callback) {
          const behaviour = capture.behaviour;
          if (behaviour === "accept") return callback();
          const error = Object.assign(new Error(behaviour.message), { responseCode: behaviour.reject });
          callback(error);
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8");
            setTimeout(() => {
              messages.push({
                envelopeTo: session.envelope.rcptTo.map((r) => r.address),
                messageId: header(raw, "Message-ID"),
                subject: header(raw, "Subject"),
                to: header(raw, "To"),
                raw,
                secure: session.secure,
              });
              callback();
            }, capture.dataDelayMs);
          });
        },
      };
      const started = new SMTPServer(settings);
      started.on("error", () => undefined);
      await new Promise<void>((resolve, reject) => {
        started.server.once("error", reject);
        started.listen(port, "127.0.0.1", () => resolve());
      });
      server = started;
    },
    async down() {
      const running = server;
      server = undefined;
      if (running) await new Promise<void>((resolve) => running.close(() => resolve()));
    },
    close: () => capture.down(),
  };
  if (options.start ?? true) await capture.up();
  return capture;
}

/** Polls `condition` every 20 ms until true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await Bun.sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
