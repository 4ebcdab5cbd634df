import { ERASED_EMAIL, type SagaRecord, type SagaStep, toSagaStep } from "./records.ts";

/**
 * The removal saga's log-row transitions as pure functions: the column values
 * each step writes. Both adapters (SQLite, SQL Server) write exactly these,
 * so the rules live once and the adapters keep only queries and locking.
 */

/** The step a finished saga rests at: never claimed, advanced or resumed again. */
export const SAGA_DONE: SagaStep = "done";

/** The longest error kept for operators: a participant's message can be long, the column is bounded. */
export const MAX_SAGA_ERROR_LENGTH = 1000;

/** No process holds the saga: the next sweep (or another instance) may take it at once. */
export const SAGA_LEASE_RELEASED = { leaseOwner: null, leaseUntil: null } as const;

/** Taking or renewing the lease. Who may take it is the adapter's condition (free, expired or already ours). */
export function sagaLease(leaseOwner: string, leaseUntil: number) {
  return { leaseOwner, leaseUntil };
}

/** A step done: the next one, and the last error forgotten (it was about the step just passed). */
export function advancedSaga(to: SagaStep, now: number) {
  return { step: to, updatedAt: now, lastError: null };
}

/** A failed attempt: its error kept (bounded). The adapter adds `attempts + 1` in SQL, atomically. */
export function failedSagaAttempt(error: string, now: number) {
  return { lastError: error.slice(0, MAX_SAGA_ERROR_LENGTH), updatedAt: now };
}

/** The owner is gone: the saga is done, unleased, and keeps no personal data (its email blanked). */
export function finishedSaga(now: number) {
  return {
    step: SAGA_DONE,
    updatedAt: now,
    completedAt: now,
    ...SAGA_LEASE_RELEASED,
    lastError: null,
    ownerEmail: ERASED_EMAIL,
  };
}

/** A stored saga row as the domain sees it: its step checked against the known steps. */
export function toSagaRecord(row: Omit<SagaRecord, "step"> & { step: string }): SagaRecord {
  return { ...row, step: toSagaStep(row.step) };
}
