import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { ReminderRow } from "../db/repository.ts";
import {
  cancelled,
  claimCandidate,
  claimedReminder,
  deadLettered,
  LAST_ERROR_MAX,
  leased,
  released,
  sent,
  storedError,
} from "./reminder-transitions.ts";

const reminder: ReminderRow = {
  id: "v1:due",
  vaccinationId: "v1",
  petId: "p1",
  vaccine: "Rabies",
  stage: "due",
  dueAt: 100,
  sendAt: 100,
  status: "pending",
  claimedBy: null,
  leaseUntil: null,
  attempts: 2,
  lastError: "earlier",
  sentAt: null,
  createdAt: 0,
};

describe("reminder transitions", () => {
  test("property: a stored error is the cause's first 1000 characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), (cause) => {
        const stored = storedError(cause);
        expect(stored.length).toBe(Math.min(cause.length, LAST_ERROR_MAX));
        expect(cause.startsWith(stored)).toBe(true);
      }),
    );
  });

  test("each step writes exactly its columns", () => {
    expect(leased(reminder, "vet-a", 900)).toEqual({ claimedBy: "vet-a", leaseUntil: 900, attempts: 3 });
    expect(sent(50)).toEqual({ status: "sent", sentAt: 50, leaseUntil: null, lastError: null });
    expect(released(70, "smtp down")).toEqual({ claimedBy: null, leaseUntil: 70, lastError: "smtp down" });
    expect(cancelled("pet erased")).toEqual({
      status: "cancelled",
      leaseUntil: null,
      lastError: "pet erased",
    });
    expect(deadLettered("x".repeat(1200))).toEqual({
      status: "dead",
      claimedBy: null,
      leaseUntil: null,
      lastError: "x".repeat(1000),
    });
  });

  test("a candidate is superseded when its vaccination has a successor or is gone", () => {
    expect(claimCandidate(reminder, { id: "v1", supersededBy: null }).superseded).toBe(false);
    expect(claimCandidate(reminder, { id: "v1", supersededBy: "v2" }).superseded).toBe(true);
    expect(claimCandidate(reminder, { id: null, supersededBy: null }).superseded).toBe(true);
  });

  test("a claimed reminder is the candidate with its lease, the attempt counted, without the decision flag", () => {
    const candidate = claimCandidate(reminder, { id: "v1", supersededBy: null });
    expect(claimedReminder(candidate, "vet-a", 900)).toStrictEqual({
      ...reminder,
      claimedBy: "vet-a",
      leaseUntil: 900,
      attempts: 3,
    });
  });
});
