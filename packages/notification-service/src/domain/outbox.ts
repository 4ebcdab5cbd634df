import { createHash } from "node:crypto";
import { invalid, parseEmailAddress } from "@vetmesh/kit";

/** Lifecycle of an outbox message; mirrors the proto's MessageState. */
export type MessageState = "pending" | "sent" | "dead" | "cancelled";

/** One outbox row as the domain sees it (bodies included). */
export interface OutboxRecord {
  id: string;
  idempotencyKey: string;
  recipient: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  messageId: string;
  state: MessageState;
  attempts: number;
  nextAttemptAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  cancelledBy: string | null;
  createdAt: number;
  updatedAt: number;
  sentAt: number | null;
}

/**
 * What a removal leaves of a message to the removed owner: the row stays (its
 * idempotency key still stops a second send, its state still counts), every
 * field that holds personal data (address, subject, bodies, the last error,
 * which may quote the address) is blanked.
 */
export const ERASED_MESSAGE_FIELDS = {
  recipient: "",
  subject: "",
  textBody: "",
  htmlBody: "",
  lastError: null,
} as const;

/** A message the caller asked us to send, after validation. */
export interface EmailRequest {
  idempotencyKey: string;
  recipient: string;
  subject: string;
  text: string;
  html: string;
}

const KEY = /^[A-Za-z0-9._:@/+=-]{1,200}$/;
const MAX_BODY = 1_000_000;

/**
 * Validates an EnqueueEmail request. Rejects CR/LF in the subject (header
 * injection) and normalises the recipient by the kit's address rule
 * (lower-cased, punycode domain) so CancelPending matches it whatever form
 * the caller used.
 */
export function validateEmailRequest(input: EmailRequest): EmailRequest {
  const idempotencyKey = input.idempotencyKey.trim();
  if (!KEY.test(idempotencyKey)) {
    throw invalid("idempotency_key", "must be 1-200 characters of letters, digits and . _ : @ / + = -");
  }
  // The kit's one address rule: what the owner service stored is accepted as is, nothing else.
  const address = parseEmailAddress(input.recipient);
  if (!address.ok) throw invalid("recipient", `recipient is not a valid email address: ${address.reason}`);
  const recipient = address.address;
  const subject = input.subject.trim();
  if (!subject) throw invalid("subject", "must not be empty");
  if (subject.length > 998 || /[\r\n]/.test(subject))
    throw invalid("subject", "must be one line of at most 998 characters");
  if (!input.text && !input.html) throw invalid("text", "text or html must be given");
  if (input.text.length > MAX_BODY) throw invalid("text", "must be at most 1,000,000 characters");
  if (input.html.length > MAX_BODY) throw invalid("html", "must be at most 1,000,000 characters");
  return { idempotencyKey, recipient, subject, text: input.text, html: input.html };
}

/**
 * The Message-ID header of a message, derived only from its idempotency key:
 * every (re)send of one outbox message carries the same Message-ID, so a
 * duplicate after a crash is recognisable (and deduplicated by many MTAs).
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 40);
  return `<${digest}@${domain}>`;
}

/** The domain part of an address (`"Clinic" <a@b.c>` → `b.c`), for Message-IDs. */
export function domainOf(address: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(address);
  return match?.[1] ?? "vetmesh.local";
}
