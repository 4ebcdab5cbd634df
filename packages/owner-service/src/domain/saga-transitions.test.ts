import { describe, expect, test } from "bun:test";
import { ERASED_EMAIL } from "./records.ts";
import {
  advancedSaga,
  failedSagaAttempt,
  finishedSaga,
  MAX_SAGA_ERROR_LENGTH,
  SAGA_DONE,
  toSagaRecord,
} from "./saga-transitions.ts";

describe("removal saga transitions (the rules both adapters write)", () => {
  test("advancing forgets the last error; a failure keeps it, bounded", () => {
    expect(advancedSaga("erase_owner", 5)).toEqual({ step: "erase_owner", updatedAt: 5, lastError: null });
    expect(failedSagaAttempt("x".repeat(MAX_SAGA_ERROR_LENGTH + 1), 6).lastError).toHaveLength(
      MAX_SAGA_ERROR_LENGTH,
    );
  });

  test("a finished saga is done, unleased and keeps no email", () => {
    expect(finishedSaga(9)).toEqual({
      step: SAGA_DONE,
      updatedAt: 9,
      completedAt: 9,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      ownerEmail: ERASED_EMAIL,
    });
  });

  test("a stored row with an unknown step is refused, not passed on", () => {
    const row = {
      id: "s",
      ownerId: "o",
      ownerEmail: "a@example.org",
      step: "erase_owner",
      attempts: 0,
      lastError: null,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: 1,
      updatedAt: 1,
      completedAt: null,
    };
    expect(toSagaRecord(row).step).toBe("erase_owner");
    expect(() => toSagaRecord({ ...row, step: "bogus" })).toThrow();
  });
});
