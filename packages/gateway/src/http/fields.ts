import { parseEmailAddress } from "@vetmesh/kit";
import { z } from "zod";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An email address checked at the edge by the kit's one address rule (the one
 * the owner and notification services apply), so a bad address is a 400 naming
 * the field before any upstream call. Yields the normalised address
 * (lower-cased, IDN domain in punycode): routing keys and cache aliases then
 * match the address the owner service stores.
 */
export function emailAddress() {
  return z.string().transform((raw, ctx) => {
    const result = parseEmailAddress(raw);
    if (result.ok) return result.address;
    ctx.addIssue({ code: "custom", message: result.reason });
    return z.NEVER;
  });
}

/**
 * An owner reference as the first version accepted it where an email is
 * asked for: the owner's id (a UUID, passed as typed) or their email (checked
 * and normalised as {@link emailAddress}).
 */
export function ownerRef() {
  return z.string().transform((raw, ctx) => {
    const trimmed = raw.trim();
    if (UUID.test(trimmed)) return trimmed.toLowerCase();
    const result = parseEmailAddress(raw);
    if (result.ok) return result.address;
    ctx.addIssue({ code: "custom", message: result.reason });
    return z.NEVER;
  });
}

/**
 * An integer query parameter (`?pageSize=20`): query values are text, so
 * anything but an optionally signed run of digits is "must be an integer",
 * then the bounds apply to the number.
 */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^[+-]?\d+$/, "must be an integer")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}
