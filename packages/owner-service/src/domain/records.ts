/** An owner row as every adapter returns it; `removalSagaId` set means hidden by a removal. */
export interface OwnerRecord {
  id: string;
  email: string;
  createdAt: number;
  removalSagaId: string | null;
}

/**
 * A pet row as every adapter returns it. `requestId` is the client's
 * idempotency key (null when the client sent none); it stays internal.
 */
export interface PetRecord {
  id: string;
  ownerId: string;
  type: string;
  race: string;
  name: string;
  createdAt: number;
  requestId: string | null;
}

/**
 * The durable steps of the removal saga, in order. Hiding the owner is not a
 * step of its own: it commits together with the saga row, so a saga that
 * exists has always hidden its owner.
 */
export const SAGA_STEPS = ["erase_veterinary", "cancel_notifications", "erase_owner", "done"] as const;

/** One step of {@link SAGA_STEPS}. */
export type SagaStep = (typeof SAGA_STEPS)[number];

/**
 * What a finished saga keeps of the owner's address: nothing. The log row
 * stays (owner id and steps, so a late duplicate is recognised), the address
 * and the last error (which may quote it) are erased when the saga is done.
 */
export const ERASED_EMAIL = "";

/** A row of the saga log. */
export interface SagaRecord {
  id: string;
  ownerId: string;
  ownerEmail: string;
  step: SagaStep;
  attempts: number;
  lastError: string | null;
  leaseOwner: string | null;
  leaseUntil: number | null;
  createdAt: number;
  updatedAt: number;
  completedAt: number | null;
}

/** Narrows a stored step string; an unknown value is a corrupt log and must fail loudly. */
export function toSagaStep(value: string): SagaStep {
  const step = SAGA_STEPS.find((candidate) => candidate === value);
  if (!step) throw new Error(`unknown saga step in log: ${value}`);
  return step;
}
