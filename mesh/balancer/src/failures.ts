import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";

/** Errors raised before a request left this process because the instance cannot be reached: refused, unroutable. */
const connectCodes = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EADDRNOTAVAIL",
]);

/** A stream never opened on a session that got GOAWAY (or was already destroyed): nothing was sent. */
const unsentCodes = new Set(["ERR_HTTP2_GOAWAY_SESSION", "ERR_HTTP2_INVALID_SESSION"]);
/**
 * The same two errors by their Node messages: under load Bun 1.4.5 raises them
 * without the code, and connect-node reports them as `Internal` (seen in a
 * loaded run of tests/mesh/balancer-failover: "[internal] New streams cannot
 * be created after receiving a GOAWAY").
 */
const unsentMessages =
  /New streams cannot be created after receiving a GOAWAY|The session has been destroyed/;

/** Whether one link of an error's cause chain says its stream was never opened. */
function isUnsentLink(link: unknown): boolean {
  const { code, message } = link as { code?: unknown; message?: unknown };
  if (typeof code === "string" && unsentCodes.has(code)) return true;
  return typeof message === "string" && unsentMessages.test(message);
}

function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = error;
  while (current && typeof current === "object" && !out.includes(current) && out.length < 8) {
    out.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * True when the instance could not be reached at all (refused, unroutable,
 * unresolvable): nothing was sent, so any method may be retried elsewhere,
 * and the instance is likely gone (eject it).
 */
export function isConnectFailure(error: unknown): boolean {
  return chain(error).some((link) => {
    const code = (link as { code?: unknown }).code;
    if (typeof code === "string" && connectCodes.has(code)) return true;
    const message = (link as { message?: unknown }).message;
    return typeof message === "string" && /ECONNREFUSED|Connection refused|connect ECONN/i.test(message);
  });
}

/**
 * True when the call's session takes no new streams (it received GOAWAY or
 * was destroyed): the next call must open a new session. connect-node's
 * session manager does that itself when the session emits "goaway", but
 * under load Bun 1.4.5's HTTP/2 client marks a session that way without
 * the event reaching it, and the manager kept handing out the dead session:
 * 1597 of 3000 calls failed in one loaded run of tests/mesh/balancer-failover.
 */
export function isSessionRefusingStreams(error: unknown): boolean {
  return chain(error).some(isUnsentLink);
}

/**
 * True when the instance did not process the call although it may be healthy:
 * the server reset the stream with REFUSED_STREAM (by HTTP/2's rules, RFC 9113
 * §8.7, it did not process it: a draining server's GOAWAY, or its stream
 * limit), or the stream was never opened because the session had received
 * GOAWAY or was already closed. Any method may be retried elsewhere. Not a
 * reason to eject: a busy or draining instance is not a broken one.
 */
export function isUnprocessed(error: unknown): boolean {
  return chain(error).some((link) => {
    if (isUnsentLink(link)) return true;
    const message = (link as { message?: unknown }).message;
    return typeof message === "string" && message.includes("REFUSED_STREAM");
  });
}

/**
 * True when the call broke without the caller cancelling it: the instance
 * crashed or was killed mid-call. connect-node reports that as `Aborted`
 * ("read ECONNRESET") or, when Bun's HTTP/2 client resets the streams of a
 * dead session, as `Canceled` ("stream closed with error code CANCEL"): the
 * codes meant for a caller hanging up; and a session that closed with an
 * error code under the call (`ERR_HTTP2_SESSION_ERROR`, which Bun 1.4.5 also
 * raises on a healthy instance's session when another instance's connection
 * dies) as `Internal`, the code meant for the server's own failures. Seen
 * from the caller, whose own signal did not fire, the connection is gone:
 * `Unavailable`, which idempotent methods retry.
 */
export function isConnectionLost(error: unknown, callerAborted: boolean): boolean {
  if (callerAborted) return false;
  const code = errorCode(error);
  if (code === Code.Aborted || code === Code.Canceled) return true;
  return chain(error).some((link) => (link as { code?: unknown }).code === "ERR_HTTP2_SESSION_ERROR");
}

/** The Connect code of any thrown value, as clients would see it. */
export function errorCode(error: unknown): Code {
  return ConnectError.from(error).code;
}

/** Codes that count towards ejection: the instance itself is unwell, not the request. */
export function isInstanceFailure(code: Code): boolean {
  return code === Code.Unavailable || code === Code.Internal || code === Code.Unknown;
}

/** Whether a method may run twice without harm (declared idempotency_level in the proto). */
export function isIdempotent(level: MethodOptions_IdempotencyLevel): boolean {
  return (
    level === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS ||
    level === MethodOptions_IdempotencyLevel.IDEMPOTENT
  );
}
