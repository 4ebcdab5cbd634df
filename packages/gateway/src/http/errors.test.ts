import { expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { UNAVAILABLE_REASON_HEADER } from "@vetmesh/kit";
import { circuitOpenError, fromConnectError } from "./errors.ts";

test("Unavailable: a service's storage fault is named in the 503; any other reason stays the generic sentence", () => {
  const unavailable = (reason?: string) =>
    fromConnectError(
      new ConnectError(
        "storage full",
        Code.Unavailable,
        reason ? { [UNAVAILABLE_REASON_HEADER]: reason } : {},
      ),
    );
  expect(unavailable("storage_full")).toEqual({
    status: 503,
    body: { error: "Service unavailable: storage full" },
  });
  expect(unavailable("storage_read_only")).toEqual({
    status: 503,
    body: { error: "Service unavailable: storage read-only" },
  });
  // Unknown tokens (or none) are not passed on: the client sees only the fixed sentence.
  expect(unavailable("made up <script>")).toEqual({ status: 503, body: { error: "Service unavailable" } });
  expect(unavailable()).toEqual({ status: 503, body: { error: "Service unavailable" } });
  expect(fromConnectError(circuitOpenError("owner")).body).toEqual({
    error: "Service unavailable: circuit open",
  });
});
