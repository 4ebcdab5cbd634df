import type { Logger } from "@vetmesh/kit";
import type { OutboxRepository } from "../db/repository.ts";
import { decideFailure, type RetryPolicy } from "../domain/backoff.ts";
import type { ClaimedMessage } from "../domain/outbox-transitions.ts";
import { describeFailure, isPermanentFailure, type MailTransport } from "../transport/mail-transport.ts";
import type { NotificationMetrics } from "./metrics.ts";

/** What a dispatcher needs; `now` and `random` are injectable so tests move time instead of sleeping. */
export interface DispatcherOptions {
  repository: OutboxRepository;
  transport: MailTransport;
  from: string;
  /** This process's identity in leases (INSTANCE_ID). */
  owner: string;
  policy: RetryPolicy;
  leaseMs: number;
  pollMs: number;
  logger: Logger;
  metrics: NotificationMetrics;
  now?: () => number;
  random?: () => number;
}

/** The background sender of one process. */
export interface Dispatcher {
  /** Starts the polling loop (idempotent). */
  start(): void;
  /** Stops polling and resolves once the send in progress (if any) is recorded. */
  stop(): Promise<void>;
  /** Sends every message due now, one claim at a time; returns how many attempts were made. */
  runOnce(): Promise<number>;
  /** Ends the current poll wait early (after an enqueue). */
  wake(): void;
}

/**
 * Delivers the outbox. Each message is claimed under a lease (one holder at a
 * time across all processes sharing the database), sent, and the outcome
 * committed; a holder that dies simply lets its lease run out and another
 * dispatcher takes over.
 *
 * THE DUPLICATE WINDOW: between the SMTP server's final 250 reply and the
 * commit of state "sent" the message exists at the server but the outbox
 * still says "pending". If the process dies (or the database write fails) in
 * that window, the lease expires and the message is sent again. No protocol
 * can close this window (SMTP has no two-phase commit); it is kept to one
 * local UPDATE, and every resend carries the same Message-ID (derived from the
 * idempotency key) so it is recognisable and many MTAs/clients deduplicate it.
 * A send that outlives its lease can also race a second holder; SMTP timeouts
 * are configured well below the lease to prevent that.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { repository, transport, logger, metrics, policy } = options;
  const now = options.now ?? Date.now;
  const transportLabel = transport.kind;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let pass: Promise<number> | undefined;
  let woken = false;

  const attempt = async (message: ClaimedMessage): Promise<void> => {
    const log = logger.child({
      outboxId: message.id,
      idempotencyKey: message.idempotencyKey,
      attempt: message.attempts,
    });
    if (message.attempts > policy.maxAttempts) {
      // A holder died during the last allowed attempt; do not exceed the budget.
      await repository.markFailed(message.id, message.leaseToken, {
        kind: "dead",
        error: message.lastError ?? "lease expired during the last attempt",
        now: now(),
      });
      metrics.attempts.inc({ transport: transportLabel, outcome: "dead" });
      return;
    }
    const started = performance.now();
    let response: string;
    try {
      ({ response } = await transport.send({
        from: options.from,
        to: message.recipient,
        subject: message.subject,
        text: message.textBody,
        html: message.htmlBody,
        messageId: message.messageId,
        createdAt: message.createdAt,
      }));
    } catch (error) {
      const decision = decideFailure({
        attempts: message.attempts,
        permanent: isPermanentFailure(error),
        now: now(),
        policy,
        random: options.random,
      });
      const reason = describeFailure(error);
      const outcome = decision.kind === "dead" ? "dead" : "failed";
      metrics.sendDuration.observe(
        { transport: transportLabel, outcome },
        (performance.now() - started) / 1000,
      );
      metrics.attempts.inc({ transport: transportLabel, outcome });
      const update =
        decision.kind === "dead"
          ? { kind: "dead" as const, error: reason, now: now() }
          : { kind: "retry" as const, nextAttemptAt: decision.nextAttemptAt, error: reason, now: now() };
      const recorded = await repository.markFailed(message.id, message.leaseToken, update);
      log.warn(decision.kind === "dead" ? "message dead-lettered" : "delivery failed; will retry", {
        error: reason,
        recorded,
      });
      return;
    }
    // --- duplicate window: the server has accepted the message; commit now. ---
    metrics.sendDuration.observe(
      { transport: transportLabel, outcome: "sent" },
      (performance.now() - started) / 1000,
    );
    metrics.attempts.inc({ transport: transportLabel, outcome: "sent" });
    const recorded = await repository.markSent(message.id, message.leaseToken, now());
    if ((await repository.get(message.id))?.cancelledBy) {
      // A removal saga cancelled (and scrubbed) the row while it was being sent, and may have erased
      // the recipient's delivered copies before this one existed: erase again, or this copy outlives it.
      const erased = await transport.erase(message.recipient);
      log.info("message cancelled while being sent; its delivered copy erased", { erased });
    }
    if (!recorded) {
      metrics.duplicates.inc();
      log.warn("message was already recorded as sent: delivered twice", { response });
    } else {
      log.info("message sent", { response, messageId: message.messageId });
    }
  };

  const drainDue = async (): Promise<number> => {
    let attempts = 0;
    // Bounded: a pass never takes more than 1000 claims before yielding.
    while (attempts < 1000) {
      if (!running && loop) break;
      const [message] = await repository.claimDue({
        owner: options.owner,
        now: now(),
        leaseMs: options.leaseMs,
        limit: 1,
      });
      if (!message) break;
      attempts++;
      await attempt(message);
    }
    return attempts;
  };

  const runOnce = (): Promise<number> => {
    // One pass at a time per process; concurrent callers share it.
    pass ??= drainDue().finally(() => {
      pass = undefined;
    });
    return pass;
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });

  return {
    start() {
      if (running) return;
      running = true;
      loop = (async () => {
        while (running) {
          try {
            await runOnce();
          } catch (error) {
            logger.error("dispatch pass failed", { error });
          }
          if (running) await sleep(options.pollMs);
        }
      })();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      await pass?.catch(() => undefined);
      loop = undefined;
    },
    runOnce,
    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },
  };
}
