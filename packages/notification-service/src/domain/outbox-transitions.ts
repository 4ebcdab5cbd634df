import type { EmailRequest, MessageState, OutboxRecord } from "./outbox.ts";

/**
 * The outbox's state machine as pure functions: which column values each
 * transition writes and which states it may start from. Both adapters
 * (SQLite, SQL Server) write exactly these, so the rules live once and the
 * adapters keep only their queries and locking.
 */

/** A message a dispatcher holds a lease on; `leaseToken` proves it when reporting back. */
export interface ClaimedMessage extends OutboxRecord {
  leaseToken: string;
}

/** Fields stored with a new outbox message besides the request. */
export interface NewMessage extends EmailRequest {
  id: string;
  messageId: string;
  now: number;
}

/** How a failed attempt is recorded. */
export type FailureUpdate =
  | { kind: "retry"; nextAttemptAt: number; error: string; now: number }
  | { kind: "dead"; error: string; now: number };

/** The longest last error kept: SMTP replies can be long, the column is bounded. */
export const MAX_LAST_ERROR_LENGTH = 2000;

/** States a saga's cancel applies to: a sent message stays sent, a cancelled one stays the first saga's. */
export const CANCELLABLE_STATES: MessageState[] = ["pending", "dead"];

/** Every transition that ends a dispatcher's hold clears the lease with it. */
const LEASE_RELEASED = { leaseToken: null, leaseOwner: null, leaseUntil: null } as const;

/** The row a new message starts as: pending, due at once, never tried. */
export function newMessageRow(input: NewMessage) {
  return {
    id: input.id,
    idempotencyKey: input.idempotencyKey,
    recipient: input.recipient,
    subject: input.subject,
    textBody: input.text,
    htmlBody: input.html,
    messageId: input.messageId,
    state: "pending" as const,
    attempts: 0,
    nextAttemptAt: input.now,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** A claim: the lease (token, holder, expiry). The adapter adds `attempts + 1` in SQL, atomically. */
export function claimedLease(input: { owner: string; now: number; leaseMs: number; leaseToken: string }) {
  return {
    leaseToken: input.leaseToken,
    leaseOwner: input.owner,
    leaseUntil: input.now + input.leaseMs,
    updatedAt: input.now,
  };
}

/**
 * Delivered. Sent is the truth once the server said 250: recorded from any
 * state but sent (even if the lease ran out or a saga cancelled meanwhile).
 */
export function sentFields(now: number) {
  return { state: "sent" as const, sentAt: now, updatedAt: now, ...LEASE_RELEASED, lastError: null };
}

/** A failed attempt by the lease holder: dead, or pending again at the backoff's time. */
export function failedFields(update: FailureUpdate) {
  const common = {
    lastError: update.error.slice(0, MAX_LAST_ERROR_LENGTH),
    updatedAt: update.now,
    ...LEASE_RELEASED,
  };
  return update.kind === "dead"
    ? { ...common, state: "dead" as const }
    : { ...common, nextAttemptAt: update.nextAttemptAt };
}

/** A dead letter sent back to the queue by an operator: pending, due now, attempts counted afresh. */
export function retriedFields(now: number) {
  return { state: "pending" as const, attempts: 0, nextAttemptAt: now, updatedAt: now, ...LEASE_RELEASED };
}

/** Cancelled on behalf of a removal saga, which is remembered so a repeat counts the same. */
export function cancelledFields(sagaId: string, now: number) {
  return { state: "cancelled" as const, cancelledBy: sagaId, updatedAt: now, ...LEASE_RELEASED };
}

/** A stored row as the domain sees it: the lease token stays with the holder, not in records. */
export function toOutboxRecord<Row extends OutboxRecord & { leaseToken: string | null }>(
  row: Row,
): OutboxRecord {
  const { leaseToken: _token, ...record } = row;
  return record;
}
