import { invalid, MAX_EMAIL_ADDRESS_LENGTH, parseEmailAddress, singleLineReason } from "@vetmesh/kit";

/** RFC 5321 caps a forward path at 254 characters; also the email column's length. */
export const MAX_EMAIL_LENGTH = MAX_EMAIL_ADDRESS_LENGTH;
/**
 * Pet type/race/name limit, in UTF-16 code units (JS `length`), which is
 * exactly what SQL Server's nvarchar(100) counts, so both dialects accept the
 * same inputs (an emoji counts two).
 */
export const MAX_PET_FIELD_LENGTH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Validates an email by the kit's one address rule and returns its normalised
 * form (trimmed, lower-cased, IDN domain in punycode), which is what the
 * UNIQUE index compares: "A@x.org " and "a@x.org" collide.
 */
export function normaliseEmail(raw: string, field = "email"): string {
  const result = parseEmailAddress(raw);
  if (!result.ok) throw invalid(field, `email ${result.reason}`);
  return result.address;
}

/** An owner reference (`owner_ref`): the owner's UUID, or their email (the first version accepted both). */
export type OwnerRef = { id: string } | { email: string };

/** Parses an owner reference: a UUID is an id, anything else must be a valid email. */
export function parseOwnerRef(raw: string, field = "owner_ref"): OwnerRef {
  const trimmed = raw.trim();
  if (UUID.test(trimmed)) return { id: trimmed.toLowerCase() };
  if (trimmed.length === 0) throw invalid(field, "owner_ref (owner id or email) is required");
  return { email: normaliseEmail(trimmed, field) };
}

/** A pet as the user typed it; text is kept verbatim (Unicode included). */
export interface PetInput {
  type: string;
  race: string;
  name: string;
}

/**
 * Type and name are required (not blank); race is optional (the issue lists
 * only name and type as required; an empty race is stored as ""). Every field
 * is capped at {@link MAX_PET_FIELD_LENGTH} and is one line without control
 * characters: the name and type travel into reminder emails (subject line).
 */
export function validatePet(input: PetInput): PetInput {
  for (const field of ["type", "race", "name"] as const) {
    if (input[field].length > MAX_PET_FIELD_LENGTH) {
      throw invalid(field, `${field} must be at most ${MAX_PET_FIELD_LENGTH} characters`);
    }
    const reason = singleLineReason(input[field]);
    if (reason) throw invalid(field, `${field} ${reason}`);
  }
  if (input.type.trim().length === 0) throw invalid("type", "type is required");
  if (input.name.trim().length === 0) throw invalid("name", "name is required");
  return input;
}

/** The longest idempotency key accepted; also the request_id column's length. */
export const MAX_REQUEST_ID_LENGTH = 128;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A client-chosen idempotency key: absent means "no key" (every call creates);
 * present it must be 1..128 characters of [A-Za-z0-9._:-], so it is safe in a
 * header, a log line and a varchar column alike.
 */
export function parseRequestId(raw: string | undefined, field = "request_id"): string | null {
  if (raw === undefined) return null;
  if (!REQUEST_ID.test(raw)) {
    throw invalid(field, `${field} must be 1..${MAX_REQUEST_ID_LENGTH} characters of A-Z a-z 0-9 . _ : -`);
  }
  return raw;
}
