import { AsyncLocalStorage } from "node:async_hooks";

/** What travels with one request through every log line and outgoing RPC. */
export interface RequestContext {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** The header that carries the request id from the gateway through every hop. */
export const REQUEST_ID_HEADER = "x-request-id";

const validRequestId = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's id when it is sane, otherwise mints one, so ids can't inject into logs. */
export function acceptRequestId(candidate: string | null | undefined): string {
  return candidate && validRequestId.test(candidate) ? candidate : crypto.randomUUID();
}

/** Runs fn with the request id visible to the logger and to outgoing calls. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
