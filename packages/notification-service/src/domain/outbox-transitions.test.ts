import { describe, expect, test } from "bun:test";
import {
  CANCELLABLE_STATES,
  cancelledFields,
  claimedLease,
  failedFields,
  MAX_LAST_ERROR_LENGTH,
  retriedFields,
  sentFields,
} from "./outbox-transitions.ts";

const released = { leaseToken: null, leaseOwner: null, leaseUntil: null };

describe("outbox transitions (the rules both adapters write)", () => {
  test("a claim leases until now + leaseMs to its holder", () => {
    expect(claimedLease({ owner: "d-1", now: 1_000, leaseMs: 30_000, leaseToken: "tok" })).toEqual({
      leaseToken: "tok",
      leaseOwner: "d-1",
      leaseUntil: 31_000,
      updatedAt: 1_000,
    });
  });

  test("sent, failed, retried and cancelled each release the lease", () => {
    expect(sentFields(5)).toEqual({ state: "sent", sentAt: 5, updatedAt: 5, lastError: null, ...released });
    expect(retriedFields(6)).toEqual({
      state: "pending",
      attempts: 0,
      nextAttemptAt: 6,
      updatedAt: 6,
      ...released,
    });
    expect(cancelledFields("saga-1", 7)).toEqual({
      state: "cancelled",
      cancelledBy: "saga-1",
      updatedAt: 7,
      ...released,
    });
  });

  test("a retry keeps the message pending at the backoff's time; a dead one stops; the error is bounded", () => {
    const long = "x".repeat(MAX_LAST_ERROR_LENGTH + 50);
    expect(failedFields({ kind: "retry", nextAttemptAt: 90, error: "421 busy", now: 10 })).toEqual({
      lastError: "421 busy",
      nextAttemptAt: 90,
      updatedAt: 10,
      ...released,
    });
    const dead: Record<string, unknown> = failedFields({ kind: "dead", error: long, now: 11 });
    expect({
      state: dead.state,
      length: String(dead.lastError).length,
      next: "nextAttemptAt" in dead,
    }).toEqual({
      state: "dead",
      length: MAX_LAST_ERROR_LENGTH,
      next: false,
    });
  });

  test("only pending and dead messages can be cancelled", () => {
    expect(CANCELLABLE_STATES).toEqual(["pending", "dead"]);
  });
});
