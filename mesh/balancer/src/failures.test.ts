import { describe, expect, test } from "bun:test";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  isConnectFailure,
  isConnectionLost,
  isIdempotent,
  isInstanceFailure,
  isRefusedStream,
} from "./failures.ts";

const withCause = (code: string) =>
  new ConnectError("boom", Code.Unavailable, undefined, undefined, Object.assign(new Error(code), { code }));

describe("failure classification", () => {
  test("refused, unroutable and GOAWAY sessions are connect failures (nothing sent); a refused stream is retryable but no connect failure; a reset is neither", () => {
    expect(isConnectFailure(withCause("ECONNREFUSED"))).toBe(true);
    const refused = new ConnectError(
      "http/2 stream closed with error code REFUSED_STREAM (0x7)",
      Code.Unavailable,
    );
    expect(isConnectFailure(refused)).toBe(false);
    expect(isRefusedStream(refused)).toBe(true);
    expect(
      isRefusedStream(new ConnectError("wrapped", Code.Unavailable, undefined, undefined, refused)),
    ).toBe(true);
    expect(
      isRefusedStream(
        new ConnectError("http/2 stream closed with error code INTERNAL_ERROR (0x2)", Code.Internal),
      ),
    ).toBe(false);
    expect(isConnectFailure(withCause("ERR_HTTP2_GOAWAY_SESSION"))).toBe(true);
    expect(isConnectFailure(withCause("ECONNRESET"))).toBe(false);
    expect(isConnectFailure(new ConnectError("told to fail", Code.Unavailable))).toBe(false);
  });

  test("Aborted/Canceled without the caller aborting means the instance went away mid-call", () => {
    expect(isConnectionLost(new ConnectError("read ECONNRESET", Code.Aborted), false)).toBe(true);
    expect(
      isConnectionLost(new ConnectError("stream closed with error code CANCEL", Code.Canceled), false),
    ).toBe(true);
    expect(isConnectionLost(new ConnectError("caller gave up", Code.Canceled), true)).toBe(false);
    expect(isConnectionLost(new ConnectError("bad", Code.Internal), false)).toBe(false);
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
