import { z } from "@hono/zod-openapi";
import { MESSAGES } from "../http/errors.ts";

/** The one error body of API.md: `{"error": ...}` plus `details.field` when one input is at fault. */
export const errorSchema = z
  .object({
    error: z
      .string()
      .openapi({ description: "A human sentence; exact strings of API.md where it names one" }),
    details: z
      .object({
        field: z.string().openapi({
          description:
            "The client's field, query parameter or header at fault (`email`, `dateTime`, `Idempotency-Key`, `body`)",
        }),
      })
      .optional(),
  })
  .openapi("Error", { example: { error: "Invalid email: is required", details: { field: "email" } } });

/** A success body that carries only a message. */
export const messageSchema = (message: string) =>
  z.object({ message: z.literal(message) }).openapi({ example: { message } });

/** Every error status the gateway itself can answer, with its meaning and an exact example body. */
export const ERRORS = {
  400: [
    "Invalid input: wrong content type, malformed JSON, or a missing or wrongly typed field",
    { error: "Invalid email: is required", details: { field: "email" } },
  ],
  401: [
    "AUTH_MODE=required: no bearer token, or one that does not verify (with `WWW-Authenticate: Bearer`)",
    { error: MESSAGES.unauthorized },
  ],
  403: [
    "AUTH_MODE=required: the caller's role may not call this route, or an owner names someone else's data",
    { error: MESSAGES.forbidden },
  ],
  404: ["Not found", { error: MESSAGES.notFound }],
  408: ["The upstream call missed the route's deadline", { error: MESSAGES.timedOut }],
  409: ["Conflict with the current state", { error: "email already registered" }],
  413: ["The body is larger than BODY_LIMIT_BYTES", { error: MESSAGES.tooLarge }],
  429: ["Rate limited: the client's points for this policy are spent", { error: MESSAGES.rateLimited }],
  500: [
    "An unexpected error; the cause is in the log under the request id",
    { error: "Internal error (request id 0190c6f6-8f0e-7a51-9c43-2b1b6c1d5e4f)" },
  ],
  503: [
    "The upstream service is unreachable, or its circuit breaker is open",
    { error: MESSAGES.circuitOpen },
  ],
} as const satisfies Record<number, readonly [string, { error: string; details?: { field: string } }]>;

/** A status of {@link ERRORS}. */
export type ErrorStatus = keyof typeof ERRORS;

const integer = { type: "integer" as const, minimum: 0 };

/** Headers on every response. */
export const REQUEST_ID_HEADER_DOC = {
  "x-request-id": {
    description: "The request id (the client's, when it sent a valid one), in every log line of the request",
    schema: { type: "string" as const },
    example: "0190c6f6-8f0e-7a51-9c43-2b1b6c1d5e4f",
  },
};

/** Headers on every response of a rate-limited route (IETF draft RateLimit header fields). */
export const RATE_LIMIT_HEADERS_DOC = {
  "RateLimit-Limit": { description: "Points of the route's policy per window", schema: integer, example: 60 },
  "RateLimit-Remaining": { description: "Points left in the current window", schema: integer, example: 59 },
  "RateLimit-Reset": { description: "Seconds until the window resets", schema: integer, example: 42 },
};

/** Header of a 429. */
export const RETRY_AFTER_HEADER_DOC = {
  "Retry-After": { description: "Seconds to wait before retrying", schema: integer, example: 42 },
};

/** Header of a 401 (RFC 6750). */
export const WWW_AUTHENTICATE_HEADER_DOC = {
  "WWW-Authenticate": {
    description: "`Bearer`: the route wants a bearer token",
    schema: { type: "string" as const, enum: ["Bearer"] },
    example: "Bearer",
  },
};

/** The cache header of the pets list. */
export const X_CACHE_HEADER_DOC = {
  "X-Cache": {
    description: "`hit` when the list came from the gateway's cache, else `miss`",
    schema: { type: "string" as const, enum: ["hit", "miss"] },
    example: "miss",
  },
};

/** One error response with its own description and example (where a route's case is not the generic one). */
export function errorResponse(description: string, example: { error: string; details?: { field: string } }) {
  return { description, content: { "application/json": { schema: errorSchema, example } } };
}

/** The responses of the listed error statuses, each with its meaning, the error schema and an exact example. */
export function errorResponses(...statuses: ErrorStatus[]) {
  return Object.fromEntries(
    statuses.map((status) => {
      const [description, example] = ERRORS[status];
      return [status, errorResponse(description, example)];
    }),
  );
}

/** A JSON success response with an example body. */
export function jsonResponse(description: string, schema: z.ZodType, example?: unknown) {
  return {
    description,
    content: { "application/json": example === undefined ? { schema } : { schema, example } },
  };
}

/** References to headers registered once under components/headers (the spec stays small). */
export function headerRefs(headers: Record<string, unknown>): Record<string, { $ref: string }> {
  return Object.fromEntries(
    Object.keys(headers).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
  );
}

/** Every header of this file, for components/headers. */
export const SHARED_HEADERS = {
  ...REQUEST_ID_HEADER_DOC,
  ...RATE_LIMIT_HEADERS_DOC,
  ...RETRY_AFTER_HEADER_DOC,
  ...WWW_AUTHENTICATE_HEADER_DOC,
};
