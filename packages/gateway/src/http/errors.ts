import { Code, ConnectError } from "@connectrpc/connect";
import { errorField, isStorageFault, STORAGE_FAULT_WORDS, UNAVAILABLE_REASON_HEADER } from "@vetmesh/kit";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The one table from Connect codes to HTTP statuses (connect-es
 * `protocol-connect/http-status.ts` is the model). Typed as a Record so a
 * missing code does not compile. DeadlineExceeded is 408, not 504: that is
 * what the first version's clients know ("Request timed out").
 */
export const HTTP_STATUS_BY_CODE: Record<Code, ContentfulStatusCode> = {
  [Code.Canceled]: 499 as ContentfulStatusCode,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 408,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 409,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

/** Exact strings of API.md. */
export const MESSAGES = {
  timedOut: "Request timed out",
  rateLimited: "You're being rate limited",
  circuitOpen: "Service unavailable: circuit open",
  unavailable: "Service unavailable",
  notFound: "Not found",
  methodNotAllowed: "Method not allowed",
  tooLarge: "Request body too large",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
} as const;

/** The JSON error body of every failure: `{"error": ...}` plus `details.field` when a field is at fault. */
export interface ErrorBody {
  error: string;
  details?: { field: string };
}

/** A failure the gateway itself decides (validation, limits); carries its status and body. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
  body(): ErrorBody {
    return this.field ? { error: this.message, details: { field: this.field } } : { error: this.message };
  }
}

const CIRCUIT_OPEN_METADATA = "vetmesh-circuit-open";

/**
 * The error thrown instead of calling upstream while that target's breaker is
 * open. Marked in metadata, not by subclass: ConnectError's `instanceof` is
 * structural, so every ConnectError would pass a subclass check.
 */
export function circuitOpenError(target: string): ConnectError {
  return new ConnectError(MESSAGES.circuitOpen, Code.Unavailable, { [CIRCUIT_OPEN_METADATA]: target });
}

/** True for the error of {@link circuitOpenError}. */
export function isCircuitOpen(error: ConnectError): boolean {
  return error.metadata.has(CIRCUIT_OPEN_METADATA);
}

/** Maps proto field names an upstream names (owner_ref) to the REST names the route used (email). */
export type FieldNames = Record<string, string>;

/**
 * An upstream validation message in the client's words: every proto field
 * name in it becomes the REST name the client sent (`starts_at must be …` →
 * `dateTime must be …`), and it takes the edge's form `Invalid <field>:
 * <reason>`, so a 400 reads the same whichever side found the fault.
 */
export function restMessage(message: string, field: string, fields: FieldNames): string {
  let text = message;
  for (const [proto, rest] of Object.entries(fields)) {
    if (proto !== rest) text = text.replace(new RegExp(`\\b${proto}\\b`, "g"), rest);
  }
  // "dateTime must be …" → "must be …"; "from and to are …" stays whole.
  const rest = text.startsWith(`${field} `) ? text.slice(field.length + 1) : "";
  const reason = /^(must|is|are|may|cannot|has|should)\b/.test(rest) ? rest : text;
  return `Invalid ${field}: ${reason}`;
}

/**
 * A field path an upstream names, in REST words: the whole name (`starts_at`
 * → `dateTime`), or its head (`working_hours[0].end` → `workingHours[0].end`).
 */
function restField(raw: string, fields: FieldNames): string {
  const exact = fields[raw];
  if (exact) return exact;
  const head = /^[a-z_]+/.exec(raw)?.[0];
  return head !== undefined && fields[head] ? `${fields[head]}${raw.slice(head.length)}` : raw;
}

/**
 * Turns an upstream Connect error into the REST status and body. Messages of
 * client faults and of deliberate upstream errors pass through (the kit
 * already hides unexpected upstream errors behind "internal error"); codes
 * that can carry transport internals get a fixed sentence.
 */
export function fromConnectError(
  error: ConnectError,
  fields: FieldNames = {},
): { status: ContentfulStatusCode; body: ErrorBody } {
  const status = HTTP_STATUS_BY_CODE[error.code];
  if (isCircuitOpen(error)) return { status, body: { error: MESSAGES.circuitOpen } };
  switch (error.code) {
    case Code.DeadlineExceeded:
      return { status, body: { error: MESSAGES.timedOut } };
    case Code.Unavailable: {
      // A service whose storage refused the write (disk full, read-only) says so; any other reason stays generic.
      const reason = error.metadata.get(UNAVAILABLE_REASON_HEADER);
      if (isStorageFault(reason)) {
        return { status, body: { error: `${MESSAGES.unavailable}: ${STORAGE_FAULT_WORDS[reason]}` } };
      }
      return { status, body: { error: MESSAGES.unavailable } };
    }
    case Code.Unauthenticated:
      return { status, body: { error: MESSAGES.unauthorized } };
    case Code.PermissionDenied:
      return { status, body: { error: MESSAGES.forbidden } };
    case Code.Unknown:
    case Code.Canceled:
      return { status, body: { error: "Upstream call failed" } };
    default: {
      const raw = errorField(error);
      const field = raw ? restField(raw, fields) : undefined;
      if (!field) return { status, body: { error: error.rawMessage } };
      return { status, body: { error: restMessage(error.rawMessage, field, fields), details: { field } } };
    }
  }
}
