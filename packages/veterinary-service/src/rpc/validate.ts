import { invalid, singleLineReason } from "@vetmesh/kit";

/** A required, trimmed, bounded string field; InvalidArgument names the field otherwise. */
export function requiredText(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalid(field, `${field} is required`);
  if (trimmed.length > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

/**
 * A required single-line text (a vaccine name): it travels into a reminder
 * email's subject, so a CR/LF or other control character is refused here,
 * before it is stored, rather than poisoning the outbox later.
 */
export function requiredLine(field: string, value: string, max = 200): string {
  const text = requiredText(field, value, max);
  const reason = singleLineReason(text);
  if (reason) throw invalid(field, `${field} ${reason}`);
  return text;
}

/** An optional bounded string field; empty or absent is null. */
export function optionalText(field: string, value: string | undefined, max = 2000): string | null {
  if (value === undefined || value.trim() === "") return null;
  if (value.length > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return value.trim();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A client-chosen idempotency key: absent is null (every call creates);
 * present it must be 1..128 characters of [A-Za-z0-9._:-] (safe in a header,
 * a log line and the varchar(128) column alike). Not trimmed: it is compared exactly.
 */
export function optionalRequestId(field: string, value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!REQUEST_ID.test(value)) {
    throw invalid(field, `${field} must be 1..128 characters of A-Z a-z 0-9 . _ : -`);
  }
  return value;
}
