import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import { databaseUrl, devTrustServerCertificate } from "@vetmesh/kit/db";
import { z } from "zod";

const smtpUrl = z.url().refine((value) => /^smtps?:\/\//.test(value), {
  message: "must start with smtp:// (STARTTLS when offered) or smtps://",
});

/** Every variable the notification service reads; parsed once in main.ts. */
export const configShape = {
  ...kitConfigShape({ service: "notification", grpcPort: 7301, httpPort: 7302 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  DATABASE_URL: databaseUrl.default("sqlite:.data/notification.db"),
  /** "true" admits trustServerCertificate=true in a SQL Server DATABASE_URL (self-signed dev server only). */
  DATABASE_DEV_TRUST_SERVER_CERTIFICATE: devTrustServerCertificate,
  /** smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465. Unset: mailbox folder. */
  SMTP_URL: smtpUrl.optional(),
  /** Refuse to send over smtp:// unless the server upgrades with STARTTLS. */
  SMTP_REQUIRE_TLS: z.stringbool().default(false),
  /** PEM file of a CA (or self-signed certificate) to trust for the SMTP server's TLS. */
  SMTP_CA_FILE: z.string().min(1).optional(),
  /** Connection/greeting/socket timeout of one SMTP send; keep well below NOTIFY_LEASE_MS. */
  SMTP_TIMEOUT_MS: millis.default(15_000),
  /** Folder of .eml files used when SMTP_URL is unset. */
  MAILBOX_DIR: z.string().min(1).default(".data/mail"),
  MAIL_FROM: z.string().min(3).default("Vetmesh Clinic <no-reply@vetmesh.local>"),
  /** Attempts before a message is dead-lettered. */
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** First retry delay; doubles per attempt (with jitter) up to the cap. */
  NOTIFY_BACKOFF_BASE_MS: millis.default(2_000),
  NOTIFY_BACKOFF_CAP_MS: millis.default(600_000),
  /** How long a claim lasts; a dispatcher that dies releases its messages after this. */
  NOTIFY_LEASE_MS: millis.default(60_000),
  /** How often the dispatcher looks for due messages (enqueues also wake it at once). */
  NOTIFY_POLL_MS: millis.default(1_000),
};

/** The parsed configuration. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
