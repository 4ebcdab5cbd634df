import { readFileSync } from "node:fs";
import type { ConnectRouter } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { createKitMetrics, createLogger, type HealthCheck, type KitMetrics, type Logger } from "@vetmesh/kit";
import type { Config } from "./config.ts";
import { openOutboxRepository } from "./db/open-repository.ts";
import type { OutboxRepository } from "./db/repository.ts";
import { createDispatcher, type Dispatcher } from "./dispatch/dispatcher.ts";
import { createNotificationMetrics, type NotificationMetrics } from "./dispatch/metrics.ts";
import { domainOf } from "./domain/outbox.ts";
import { createNotificationServiceImpl } from "./rpc/notification-service.ts";
import type { MailTransport } from "./transport/mail-transport.ts";
import { createMailboxTransport } from "./transport/mailbox-transport.ts";
import { createSmtpTransport } from "./transport/smtp-transport.ts";

/** What {@link createNotificationApp} needs; everything but `config` has a production default. */
export interface NotificationAppOptions {
  config: Config;
  logger?: Logger;
  /** The process registry (pass the one given to runService so /metrics shows the dispatcher). */
  metrics?: KitMetrics;
  /** Replaces the transport chosen by SMTP_URL / MAILBOX_DIR. */
  transport?: MailTransport;
  /** Start the dispatcher loop (default true); tests may drive `dispatcher.runOnce()` instead. */
  startDispatcher?: boolean;
  now?: () => number;
  random?: () => number;
}

/** A built, not listening, notification service. */
export interface NotificationApp {
  routes(router: ConnectRouter): void;
  health: HealthCheck;
  /** Stops the dispatcher (waiting for the send in progress), then closes transport and database. */
  close(): Promise<void>;
  dispatcher: Dispatcher;
  repository: OutboxRepository;
  transport: MailTransport;
  metrics: KitMetrics;
  notificationMetrics: NotificationMetrics;
}

/** The transport the configuration asks for: SMTP when SMTP_URL is set, else the mailbox folder. */
export function transportFromConfig(config: Config): MailTransport {
  if (!config.SMTP_URL) return createMailboxTransport(config.MAILBOX_DIR);
  return createSmtpTransport({
    url: config.SMTP_URL,
    requireTls: config.SMTP_REQUIRE_TLS,
    ca: config.SMTP_CA_FILE ? readFileSync(config.SMTP_CA_FILE, "utf8") : undefined,
    timeoutMs: config.SMTP_TIMEOUT_MS,
  });
}

/**
 * Builds the notification service without listening: opens and migrates the
 * outbox, picks the transport, wires the RPCs and the dispatcher. main.ts
 * hands the result to runService; tests call it in process.
 */
export async function createNotificationApp(options: NotificationAppOptions): Promise<NotificationApp> {
  const { config } = options;
  const now = options.now ?? Date.now;
  const logger =
    options.logger ??
    createLogger({
      level: config.LOG_LEVEL,
      base: { service: "notification", instance: config.INSTANCE_ID },
    });
  const metrics =
    options.metrics ?? createKitMetrics({ service: "notification", instance: config.INSTANCE_ID });
  const repository = await openOutboxRepository(config.DATABASE_URL);
  const notificationMetrics = createNotificationMetrics(metrics.registry, () => repository.backlog());
  const transport = options.transport ?? transportFromConfig(config);
  const dispatcher = createDispatcher({
    repository,
    transport,
    from: config.MAIL_FROM,
    owner: config.INSTANCE_ID,
    policy: {
      maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
      baseMs: config.NOTIFY_BACKOFF_BASE_MS,
      capMs: config.NOTIFY_BACKOFF_CAP_MS,
    },
    leaseMs: config.NOTIFY_LEASE_MS,
    pollMs: config.NOTIFY_POLL_MS,
    logger: logger.child({ component: "dispatcher" }),
    metrics: notificationMetrics,
    now,
    random: options.random,
  });
  const impl = createNotificationServiceImpl({
    repository,
    metrics: notificationMetrics,
    messageIdDomain: domainOf(config.MAIL_FROM),
    now,
    onEnqueued: () => dispatcher.wake(),
    eraseDelivered: (recipient) => transport.erase(recipient),
  });
  if (options.startDispatcher ?? true) dispatcher.start();
  logger.info("notification outbox ready", {
    transport: transport.kind,
    dispatcher: options.startDispatcher ?? true,
  });

  let closed: Promise<void> | undefined;
  return {
    routes: (router) => router.service(NotificationService, impl),
    health: () => repository.health(),
    close: () => {
      closed ??= (async () => {
        await dispatcher.stop();
        await transport.close();
        await repository.close();
      })();
      return closed;
    },
    dispatcher,
    repository,
    transport,
    metrics,
    notificationMetrics,
  };
}
