import { describe, expect, test } from "bun:test";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  isConnectFailure,
  isConnectionLost,
  isIdempotent,
  isInstanceFailure,
  isSessionRefusingStreams,
  isUnprocessed,
} from "./failures.ts";

const withCause = (code: string) =>
  new ConnectError("boom", Code.Unavailable, undefined, undefined, Object.assign(new Error(code), { code }));

describe("failure classification", () => {
  test("refused and unroutable are connect failures (nothing sent); a refused stream or a GOAWAY/closed session is unprocessed (retryable) but no connect failure; a reset is neither", () => {
    expect(isConnectFailure(withCause("ECONNREFUSED"))).toBe(true);
    const refused = new ConnectError(
      "http/2 stream closed with error code REFUSED_STREAM (0x7)",
      Code.Unavailable,
    );
    expect(isConnectFailure(refused)).toBe(false);
    expect(isUnprocessed(refused)).toBe(true);
    expect(isUnprocessed(new ConnectError("wrapped", Code.Unavailable, undefined, undefined, refused))).toBe(
      true,
    );
    expect(
      isUnprocessed(
        new ConnectError("http/2 stream closed with error code INTERNAL_ERROR (0x2)", Code.Internal),
      ),
    ).toBe(false);
    expect(isConnectFailure(withCause("ERR_HTTP2_GOAWAY_SESSION"))).toBe(false);
    expect(isUnprocessed(withCause("ERR_HTTP2_GOAWAY_SESSION"))).toBe(true);
    expect(isUnprocessed(withCause("ERR_HTTP2_INVALID_SESSION"))).toBe(true);
    // Bun under load: the same GOAWAY error without its code, reported by connect-node as Internal.
    const uncoded = new ConnectError(
      "New streams cannot be created after receiving a GOAWAY",
      Code.Internal,
      undefined,
      undefined,
      new Error("New streams cannot be created after receiving a GOAWAY"),
    );
    expect(isUnprocessed(uncoded)).toBe(true);
    expect(isSessionRefusingStreams(uncoded)).toBe(true);
    expect(isConnectFailure(uncoded)).toBe(false);
    expect(isSessionRefusingStreams(new ConnectError("told to fail", Code.Internal))).toBe(false);
    expect(isUnprocessed(withCause("ECONNRESET"))).toBe(false);
    expect(isConnectFailure(withCause("ECONNRESET"))).toBe(false);
    expect(isConnectFailure(new ConnectError("told to fail", Code.Unavailable))).toBe(false);
  });

  test("Aborted/Canceled, or a session closed with an error code, without the caller aborting means the connection went away mid-call", () => {
    expect(isConnectionLost(new ConnectError("read ECONNRESET", Code.Aborted), false)).toBe(true);
    expect(
      isConnectionLost(new ConnectError("stream closed with error code CANCEL", Code.Canceled), false),
    ).toBe(true);
    expect(isConnectionLost(new ConnectError("caller gave up", Code.Canceled), true)).toBe(false);
    expect(isConnectionLost(new ConnectError("bad", Code.Internal), false)).toBe(false);
    const sessionDied = new ConnectError(
      "Session closed with error code 2",
      Code.Internal,
      undefined,
      undefined,
      Object.assign(new Error("Session closed with error code 2"), { code: "ERR_HTTP2_SESSION_ERROR" }),
    );
    expect(isConnectionLost(sessionDied, false)).toBe(true);
    expect(isConnectionLost(sessionDied, true)).toBe(false);
  });

  test("only Unavailable/Internal/Unknown count against an instance; only declared idempotency allows retry", () => {
    expect(
      [Code.Unavailable, Code.Internal, Code.Unknown, Code.NotFound, Code.InvalidArgument].map(
        isInstanceFailure,
      ),
    ).toEqual([true, true, true, false, false]);
    expect(isIdempotent(MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS)).toBe(true);
    expect(isIdempotent(MethodOptions_IdempotencyLevel.IDEMPOTENT)).toBe(true);
    expect(isIdempotent(MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN)).toBe(false);
  });
});
