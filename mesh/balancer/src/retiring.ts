import type { Transport } from "@connectrpc/connect";
import type { InstanceTransport } from "./endpoint.ts";

/** How long calls to an instance that left may still run before its connection is cut (outlives DRAIN_TIMEOUT_MS). */
export const DEFAULT_RETIRE_GRACE_MS = 30_000;

/** An instance transport that can be retired: no new calls, the ones in flight finish, then it closes. */
export interface RetiringTransport {
  transport: Transport;
  /** Calls (unary, or streams until their last message) still running on it. */
  readonly inFlight: number;
  /** True once its connection is closed. */
  readonly closed: boolean;
  /**
   * The instance left the snapshot: close once the calls in flight have
   * finished, or after `graceMs` at the latest. Closing at once would cancel
   * calls a draining instance is still answering (it deregisters first, then
   * finishes them), and a write it commits would reach its caller as a failure.
   */
  retire(graceMs: number): void;
  /** Closes now, cancelling whatever is in flight (the balancer is shutting down). */
  close(): void;
}

/** Wraps one instance's transport so that its calls in flight are counted and a retirement waits for them. */
export function createRetiringTransport(made: InstanceTransport): RetiringTransport {
  let inFlight = 0;
  let retired = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const close = () => {
    if (closed) return;
    closed = true;
    if (timer) clearTimeout(timer);
    made.close();
  };
  const leave = () => {
    inFlight--;
    if (retired && inFlight === 0) close();
  };
  const transport: Transport = {
    async unary(...args) {
      inFlight++;
      try {
        return await made.transport.unary(...args);
      } finally {
        leave();
      }
    },
    async stream(...args) {
      inFlight++;
      let handedOver = false;
      try {
        const response = await made.transport.stream(...args);
        const messages = response.message;
        const counted = (async function* () {
          try {
            yield* messages;
          } finally {
            leave();
          }
        })();
        handedOver = true;
        return { ...response, message: counted };
      } finally {
        if (!handedOver) leave();
      }
    },
  };
  return {
    transport,
    get inFlight() {
      return inFlight;
    },
    get closed() {
      return closed;
    },
    retire(graceMs) {
      if (retired || closed) return;
      retired = true;
      if (inFlight === 0) return close();
      timer = setTimeout(close, graceMs);
      timer.unref?.();
    },
    close,
  };
}
