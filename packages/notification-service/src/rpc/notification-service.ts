import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  MessageState,
  type NotificationService,
  type OutboxMessage,
  OutboxMessageSchema,
} from "@vetmesh/contracts/notification/v1/notification";
import { DomainError, invalid, notFound, parseEmailAddress } from "@vetmesh/kit";
import type { OutboxRepository } from "../db/repository.ts";
import type { NotificationMetrics } from "../dispatch/metrics.ts";
import {
  type MessageState as DomainState,
  messageIdFor,
  type OutboxRecord,
  validateEmailRequest,
} from "../domain/outbox.ts";

const stateToProto: Record<DomainState, MessageState> = {
  pending: MessageState.PENDING,
  sent: MessageState.SENT,
  dead: MessageState.DEAD,
  cancelled: MessageState.CANCELLED,
};

/** The wire form of an outbox row (bodies stay in the database). */
export function toOutboxMessage(record: OutboxRecord): OutboxMessage {
  return create(OutboxMessageSchema, {
    id: record.id,
    idempotencyKey: record.idempotencyKey,
    recipient: record.recipient,
    subject: record.subject,
    state: stateToProto[record.state],
    attempts: record.attempts,
    lastError: record.lastError ?? "",
    createdAt: new Date(record.createdAt).toISOString(),
    sentAt: record.sentAt === null ? "" : new Date(record.sentAt).toISOString(),
    messageId: record.messageId,
  });
}

/**
 * NotificationService: accepts emails into the outbox (returning at once;
 * delivery is the dispatcher's job) and manages dead letters and cancellation.
 */
export function createNotificationServiceImpl(deps: {
  repository: OutboxRepository;
  metrics: NotificationMetrics;
  messageIdDomain: string;
  now: () => number;
  /** Called after a new message is stored, to wake the local dispatcher. */
  onEnqueued: () => void;
  /** Deletes the local copies of mail delivered to a recipient (the mailbox folder's files). */
  eraseDelivered: (recipient: string) => Promise<number>;
}): ServiceImpl<typeof NotificationService> {
  const { repository } = deps;
  return {
    async enqueueEmail(request) {
      const email = validateEmailRequest(request);
      const { message, created } = await repository.enqueue({
        ...email,
        id: randomUUID(),
        messageId: messageIdFor(email.idempotencyKey, deps.messageIdDomain),
        now: deps.now(),
      });
      deps.metrics.enqueued.inc({ created: String(created) });
      if (created) deps.onEnqueued();
      return { message: toOutboxMessage(message), created };
    },

    async listDeadLetters(request) {
      if (request.limit < 0 || request.limit > 1000) throw invalid("limit", "must be between 0 and 1000");
      const rows = await repository.listDead(request.limit || 100);
      return { messages: rows.map(toOutboxMessage) };
    },

    async retryDeadLetter(request) {
      if (!request.id) throw invalid("id", "must not be empty");
      const record = await repository.retryDead(request.id, deps.now());
      if (!record) throw notFound(`no outbox message ${request.id}`);
      if (record.state === "cancelled") {
        throw new DomainError(
          "precondition",
          `outbox message ${request.id} was cancelled by ${record.cancelledBy}`,
        );
      }
      // pending (just retried, or retried before) and sent answer the same: idempotent.
      if (record.state === "pending") deps.onEnqueued();
      return { message: toOutboxMessage(record) };
    },

    async cancelPending(request) {
      // The enqueue form of the address (punycode domain); an address stored before the rule still matches.
      const parsed = parseEmailAddress(request.recipient);
      const recipient = parsed.ok ? parsed.address : request.recipient.trim().toLowerCase();
      if (!recipient) throw invalid("recipient", "must not be empty");
      const sagaId = request.sagaId.trim();
      if (!sagaId || sagaId.length > 200) throw invalid("saga_id", "must be 1-200 characters");
      const cancelled = await repository.cancelPending(recipient, sagaId, deps.now());
      await deps.eraseDelivered(recipient);
      return { cancelled };
    },
  };
}
