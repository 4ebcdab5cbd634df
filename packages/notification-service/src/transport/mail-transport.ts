/** One email as handed to a transport. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Derived from the idempotency key: the same on every resend. */
  messageId: string;
  /** When the message entered the outbox (epoch ms); names mailbox files stably. */
  createdAt: number;
}

/** Where a delivery went: the SMTP server's final reply, or the file written. */
export interface SendResult {
  response: string;
}

/**
 * Sends one email. Throws on failure; {@link isPermanentFailure} tells the
 * dispatcher whether retrying can help.
 */
export interface MailTransport {
  readonly kind: "smtp" | "mailbox";
  send(mail: OutgoingMail): Promise<SendResult>;
  /**
   * Deletes whatever this transport keeps locally of the messages it delivered to `recipient`
   * (the owner-removal saga); returns how many were deleted. SMTP keeps nothing: 0.
   */
  erase(recipient: string): Promise<number>;
  close(): Promise<void>;
}

/** A 5xx SMTP reply (unknown user, policy rejection): retrying will not help. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 500 && code < 600;
}

/** A short, log-safe description of a failed send. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
