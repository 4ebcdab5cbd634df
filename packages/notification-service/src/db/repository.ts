import type { OutboxRecord } from "../domain/outbox.ts";
import type { ClaimedMessage, FailureUpdate, NewMessage } from "../domain/outbox-transitions.ts";

/** Undelivered messages by state. */
export interface OutboxBacklog {
  pending: number;
  dead: number;
}

/** The counts of `rows` (state, n) as a backlog; states without rows count 0. */
export function backlogOf(rows: Array<{ state: string; n: number | string }>): OutboxBacklog {
  const count = (state: string) => Number(rows.find((row) => row.state === state)?.n ?? 0);
  return { pending: count("pending"), dead: count("dead") };
}

/**
 * The one storage interface of the notification service. SQLite and SQL
 * Server implement it with the same algorithm (conditional updates guarded by
 * state and lease), so the contract suite runs unchanged on both.
 */
export interface OutboxRepository {
  /** Stores a message unless its idempotency key exists; returns the stored row either way. */
  enqueue(input: NewMessage): Promise<{ message: OutboxRecord; created: boolean }>;
  /**
   * Leases up to `limit` due pending messages to `owner` until `now + leaseMs`
   * and counts the attempt. A message whose lease is live is never returned,
   * so each message has at most one holder at a time.
   */
  claimDue(input: { owner: string; now: number; leaseMs: number; limit: number }): Promise<ClaimedMessage[]>;
  /** Records delivery. True unless the message was meanwhile marked sent by someone else. */
  markSent(id: string, leaseToken: string, now: number): Promise<boolean>;
  /** Records a failed attempt if the caller still holds the lease. */
  markFailed(id: string, leaseToken: string, update: FailureUpdate): Promise<boolean>;
  /** Dead letters, oldest first. */
  listDead(limit: number): Promise<OutboxRecord[]>;
  /** Dead → pending with fresh attempts; returns the row (unchanged if not dead), undefined if unknown. */
  retryDead(id: string, now: number): Promise<OutboxRecord | undefined>;
  /**
   * Cancels the recipient's pending and dead messages on behalf of a saga,
   * erases the personal data of every message to the recipient (sent ones
   * too: {@link ERASED_MESSAGE_FIELDS}), and returns how many messages that
   * saga has cancelled in total, so a repeated call answers the same.
   */
  cancelPending(recipient: string, sagaId: string, now: number): Promise<number>;
  /** One message by id. */
  get(id: string): Promise<OutboxRecord | undefined>;
  /** Messages not delivered yet: pending (leased or waiting) and dead letters; /metrics' outbox backlog. */
  backlog(): Promise<OutboxBacklog>;
  /** Null when the database answers; the reason otherwise (for /status). */
  health(): Promise<string | null>;
  close(): Promise<void>;
}
