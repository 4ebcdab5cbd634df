import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { isSqliteBusy } from "./db/busy-error.ts";
import { STORAGE_FAULT_WORDS, storageFault, UNAVAILABLE_REASON_HEADER } from "./db/storage-fault.ts";
import { DomainError, domainToConnectError } from "./errors.ts";
import type { Logger } from "./logger.ts";
import type { KitMetrics } from "./metrics.ts";
import { acceptRequestId, currentRequestId, REQUEST_ID_HEADER, runWithRequestId } from "./request-context.ts";

/** Counts unary calls in flight so that a drain can wait for them. */
export interface InFlight {
  count: number;
  idle(): Promise<void>;
  enter(): void;
  leave(): void;
}

/** Creates the in-flight counter a drain waits on. */
export function createInFlight(): InFlight {
  let waiters: Array<() => void> = [];
  const state: InFlight = {
    count: 0,
    enter() {
      state.count++;
    },
    leave() {
      state.count--;
      if (state.count === 0) {
        for (const wake of waiters) wake();
        waiters = [];
      }
    },
    idle: () =>
      state.count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve)),
  };
  return state;
}

function codeName(code: Code | undefined): string {
  return code === undefined ? "ok" : Code[code].toLowerCase();
}

/**
 * The server interceptor every kit service runs: takes the request id from the
 * caller, maps domain errors to Connect codes, hides unexpected errors behind
 * "internal error", writes one summary log line and the RPC metrics.
 */
export function createServerInterceptor(deps: {
  service: string;
  logger: Logger;
  metrics: KitMetrics;
  inFlight: InFlight;
}): Interceptor {
  return (next) => async (req) => {
    const requestId = acceptRequestId(req.header.get(REQUEST_ID_HEADER));
    const method = req.method.name;
    const started = performance.now();
    const unary = !req.stream;
    if (unary) deps.inFlight.enter();
    return runWithRequestId(requestId, async () => {
      let code: Code | undefined;
      try {
        const res = await next(req);
        res.header.set(REQUEST_ID_HEADER, requestId);
        return res;
      } catch (error) {
        const connectError = toClientError(error, requestId, deps.logger, method);
        code = connectError.code;
        throw connectError;
      } finally {
        if (unary) deps.inFlight.leave();
        const seconds = (performance.now() - started) / 1000;
        const labels = { rpc_service: req.service.typeName, method, code: codeName(code) };
        deps.metrics.rpcTotal.inc(labels);
        deps.metrics.rpcDuration.observe(labels, seconds);
        deps.logger.info("rpc", {
          method: `${req.service.typeName}/${method}`,
          code: labels.code,
          ms: Math.round(seconds * 10000) / 10,
        });
      }
    });
  };
}

function toClientError(error: unknown, requestId: string, logger: Logger, method: string): ConnectError {
  if (error instanceof DomainError) return domainToConnectError(error);
  if (error instanceof ConnectError) return error;
  if (isSqliteBusy(error)) {
    logger.warn("database busy; answered Unavailable", { method });
    return new ConnectError("database busy, try again", Code.Unavailable);
  }
  const fault = storageFault(error);
  if (fault) {
    // Disk full, read-only file, I/O error: the write was rolled back; say why, not "internal error".
    logger.error("storage refused the call; answered Unavailable", { method, fault, error });
    return new ConnectError(STORAGE_FAULT_WORDS[fault], Code.Unavailable, {
      [UNAVAILABLE_REASON_HEADER]: fault,
    });
  }
  logger.error("unexpected error", { method, error });
  return new ConnectError(`internal error (request id ${requestId})`, Code.Internal);
}

/** Client interceptor that forwards the current request id on every outgoing call. */
export const forwardRequestId: Interceptor = (next) => async (req) => {
  const requestId = currentRequestId();
  if (requestId && !req.header.has(REQUEST_ID_HEADER)) req.header.set(REQUEST_ID_HEADER, requestId);
  return next(req);
};
