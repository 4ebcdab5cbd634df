import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HttpError } from "./errors.ts";

/** The request header a client sets to make a create safe to repeat (Stripe/IETF draft naming). */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

const KEY = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Reads the optional `Idempotency-Key` header, checked at the edge with the
 * services' own rule (1..128 characters of [A-Za-z0-9._:-]) so a bad key is a
 * 400 naming the header, never an upstream call. Absent → undefined (the
 * write is then not deduplicated). The value travels as the RPC's request_id.
 */
export function idempotencyKey(c: Context): string | undefined {
  const value = c.req.header(IDEMPOTENCY_KEY_HEADER);
  if (value === undefined) return undefined;
  if (!KEY.test(value)) {
    throw new HttpError(
      400,
      `Invalid ${IDEMPOTENCY_KEY_HEADER}: must be 1..128 characters of A-Z a-z 0-9 . _ : -`,
      IDEMPOTENCY_KEY_HEADER,
    );
  }
  return value;
}

/** The header as the OpenAPI spec shows it (the same rule idempotencyKey checks). */
export const idempotencyKeyHeaderSchema = z.object({
  [IDEMPOTENCY_KEY_HEADER]: z.string().regex(KEY).optional().openapi({
    description:
      "Client-chosen key (1..128 characters of A-Z a-z 0-9 . _ : -, a UUID fits): a repeat with the same key answers the first result",
    example: "5f2b8a4e-3c1d-4e6f-9a7b-1c2d3e4f5a6b",
  }),
});
