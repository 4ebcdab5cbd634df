import { Code, ConnectError } from "@connectrpc/connect";
import { errorField } from "../errors.ts";

/**
 * Awaits a call that must fail and returns its Connect error for exact
 * assertions; a call that succeeds fails the test instead of passing silently.
 */
export async function expectFailure(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (error) {
    return ConnectError.from(error);
  }
  throw new Error("expected the call to fail");
}

/** [code, field, message] of a call that must fail: one `toEqual` checks all three. */
export async function failureParts(call: Promise<unknown>): Promise<[Code, string | undefined, string]> {
  const error = await expectFailure(call);
  return [error.code, errorField(error), error.rawMessage];
}

/** The code's name and (when the error names one) the field of a call that must fail. */
export async function failureCode(call: Promise<unknown>): Promise<{ code: string; field?: string }> {
  const error = await expectFailure(call);
  const field = errorField(error);
  return field ? { code: Code[error.code], field } : { code: Code[error.code] };
}
