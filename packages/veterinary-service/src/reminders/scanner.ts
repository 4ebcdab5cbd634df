import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { ROUTING_KEY_HEADER } from "@vetmesh/balancer";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { DomainError, type Logger, parseEmailAddress, singleLineReason } from "@vetmesh/kit";
import type { ReminderRow, VeterinaryRepository } from "../db/repository.ts";
import { reminderIdempotencyKey } from "../domain/reminder-stages.ts";
import type { PetLookup } from "../rpc/owner-lookup.ts";
import type { DeadReason, ReminderMetrics } from "./metrics.ts";
import { renderReminder } from "./render.ts";
import { createScanLoop } from "./scan-loop.ts";

/** What one scan did, for tests and the log. */
export interface ScanResult {
  claimed: number;
  sent: number;
  retried: number;
  cancelled: number;
  lost: number;
  /** Given up on: rejected by the notification service, or out of attempts. */
  dead: number;
}

/** Tuning of the scanner; see config.ts for the variables behind each. */
export interface ScannerOptions {
  repository: VeterinaryRepository;
  pets: PetLookup;
  notificationTransport: Transport;
  clock: () => Date;
  /** Claims are made in this name; a replica only completes its own claims. */
  instanceId: string;
  leaseMs: number;
  retryMs: number;
  /** Attempts (claims) after which a failing reminder is given up on (`dead`) instead of retried. */
  maxAttempts: number;
  batchSize: number;
  clinicName: string;
  notificationTimeoutMs: number;
  logger: Logger;
  metrics?: ReminderMetrics;
}

type Outcome = "sent" | "retried" | "cancelled" | "lost" | "dead";

/**
 * The reminder scanner: claims due reminders (a lease, so one replica sends
 * each), resolves the owner's email through the owner service, renders the
 * email and hands it to the notification service with the idempotency key
 * `vaccination:<id>:<stage>`. It marks a reminder sent only after the enqueue
 * succeeded; if the process dies in between, the lease expires, another
 * replica enqueues again and the notification service's idempotency key
 * makes that second enqueue a no-op, so the owner still gets one email.
 * A reminder the notification service rejects (InvalidArgument: the stored
 * address or name can never be sent) is given up on at once, and one that
 * keeps failing after `maxAttempts` claims too: it becomes `dead` (a metric,
 * a log line), so poison rows are never retried forever.
 */
export function createReminderScanner(options: ScannerOptions) {
  const notifications = createClient(NotificationService, options.notificationTransport);
  const { repository, logger } = options;

  async function deliver(reminder: ReminderRow): Promise<Outcome> {
    const giveUp = async (reason: DeadReason, why: string): Promise<Outcome> => {
      await repository.deadLetterReminder(reminder.id, options.instanceId, why);
      options.metrics?.deadLettered.inc({ reason });
      logger.error("reminder given up", {
        reminder: reminder.id,
        reason,
        attempts: reminder.attempts,
        error: why,
      });
      return "dead";
    };
    const retry = async (why: string): Promise<Outcome> => {
      if (reminder.attempts >= options.maxAttempts) return giveUp("max_attempts", why);
      await repository.releaseReminder(
        reminder.id,
        options.instanceId,
        options.clock().getTime() + options.retryMs,
        why,
      );
      logger.warn("reminder deferred", { reminder: reminder.id, reason: why });
      return "retried";
    };
    let petName: string;
    let email: string;
    try {
      const { pet, owner } = await options.pets.getPet(reminder.petId);
      petName = pet.name;
      email = owner?.email ?? "";
    } catch (error) {
      if (error instanceof DomainError && error.kind === "not_found") {
        await repository.cancelReminder(reminder.id, "pet not found at the owner service");
        return "cancelled";
      }
      return retry(error instanceof Error ? error.message : String(error));
    }
    if (!email) {
      await repository.cancelReminder(reminder.id, "owner has no email");
      return "cancelled";
    }
    // Rows stored before the shared address rule may hold what no mail server takes: give up, don't retry.
    const address = parseEmailAddress(email);
    if (!address.ok) return giveUp("rejected", `owner's address: ${address.reason}`);
    const nameProblem = singleLineReason(petName);
    if (nameProblem) return giveUp("rejected", `pet name ${nameProblem}`);
    const body = renderReminder({ reminder, petName, clinicName: options.clinicName });
    const idempotencyKey = reminderIdempotencyKey(reminder);
    try {
      await notifications.enqueueEmail(
        { idempotencyKey, recipient: email, ...body },
        { timeoutMs: options.notificationTimeoutMs, headers: { [ROUTING_KEY_HEADER]: idempotencyKey } },
      );
    } catch (error) {
      const failure = ConnectError.from(error);
      const why = `notification service: ${failure.message}`;
      return failure.code === Code.InvalidArgument ? giveUp("rejected", why) : retry(why);
    }
    const marked = await repository.markReminderSent(
      reminder.id,
      options.instanceId,
      options.clock().getTime(),
    );
    if (!marked) logger.warn("reminder claim lost before marking it sent", { reminder: reminder.id });
    else logger.info("reminder enqueued", { reminder: reminder.id, idempotencyKey });
    return marked ? "sent" : "lost";
  }

  async function scanOnce(): Promise<ScanResult> {
    const now = options.clock().getTime();
    const claimed = await repository.claimDueReminders({
      now,
      owner: options.instanceId,
      leaseMs: options.leaseMs,
      limit: options.batchSize,
    });
    const result: ScanResult = {
      claimed: claimed.length,
      sent: 0,
      retried: 0,
      cancelled: 0,
      lost: 0,
      dead: 0,
    };
    for (const reminder of claimed) {
      const outcome = await deliver(reminder);
      result[outcome]++;
      options.metrics?.outcomes.inc({ outcome });
    }
    if (options.metrics) {
      const finished = options.clock().getTime();
      const backlog = await repository.dueReminderBacklog(finished);
      options.metrics.dueBacklog.set(backlog.count);
      options.metrics.lagSeconds.set(
        backlog.oldestSendAt === null ? 0 : Math.max(0, finished - backlog.oldestSendAt) / 1000,
      );
      options.metrics.lastScan.set(finished / 1000);
    }
    return result;
  }

  return {
    scanOnce,
    ...createScanLoop(scanOnce, (error) => logger.error("reminder scan failed", { error })),
  };
}

/** A started or startable scanner. */
export type ReminderScanner = ReturnType<typeof createReminderScanner>;
