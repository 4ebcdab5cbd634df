import { describe, expect, test } from "bun:test";
import { createServer } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { domainToConnectError, invalid } from "../errors.ts";
import { expectFailure, failureCode, failureParts } from "./expect-failure.ts";
import { freePort } from "./free-port.ts";
import { lateTransport } from "./router-transport.ts";
import { createTestClock } from "./test-clock.ts";

describe("@vetmesh/kit/testing", () => {
  test("expectFailure returns the Connect error, and fails when the call succeeds", async () => {
    const error = await expectFailure(Promise.reject(new ConnectError("gone", Code.NotFound)));
    expect([error.code, error.rawMessage]).toEqual([Code.NotFound, "gone"]);
    await expect(expectFailure(Promise.resolve(1))).rejects.toThrow("expected the call to fail");
  });

  test("failureParts and failureCode read the field the kit's errors carry", async () => {
    const fieldError = () => domainToConnectError(invalid("email", "email is required"));
    expect(await failureParts(Promise.reject(fieldError()))).toEqual([
      Code.InvalidArgument,
      "email",
      "email is required",
    ]);
    expect(await failureCode(Promise.reject(fieldError()))).toEqual({
      code: "InvalidArgument",
      field: "email",
    });
    expect(await failureCode(Promise.reject(new ConnectError("x", Code.Aborted)))).toEqual({
      code: "Aborted",
    });
  });

  test("freePort gives a port a server can listen on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
    expect(port).toBeGreaterThan(0);
  });

  test("the test clock moves only when told", () => {
    const clock = createTestClock(1_000);
    clock.advance(500);
    expect([clock.ms(), clock.now().getTime()]).toEqual([1_500, 1_500]);
    clock.set(10);
    expect(clock.ms()).toBe(10);
  });

  test("a late transport refuses calls until bound", () => {
    const late = lateTransport();
    expect(() => late.transport.unary({} as never, undefined, undefined, undefined, {} as never)).toThrow(
      "transport not bound yet",
    );
  });
});
