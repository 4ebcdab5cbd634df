import type { OwnerRecord, PetRecord, SagaRecord, SagaStep } from "../domain/records.ts";

/**
 * The one interface domain code uses for persistence. Each dialect implements
 * it with a thin Drizzle adapter; every method that must be atomic says so
 * and the adapter runs it in one local transaction (or one statement).
 */
export interface OwnerRepository {
  readonly dialect: "sqlite" | "mssql";
  /** Inserts an owner; "duplicate" when the normalised email's UNIQUE index rejects it. */
  insertOwner(owner: OwnerRecord): Promise<"inserted" | "duplicate">;
  /** Finds an owner by id, hidden or not. */
  findOwnerById(id: string): Promise<OwnerRecord | undefined>;
  /** Finds an owner by normalised email, hidden or not. */
  findOwnerByEmail(email: string): Promise<OwnerRecord | undefined>;
  /**
   * Inserts the pet only if its owner exists and is not hidden (atomically):
   * "owner_gone" otherwise; "duplicate" when the owner already has a pet with
   * this `requestId` (the (owner_id, request_id) UNIQUE index rejected it).
   */
  insertPetForVisibleOwner(pet: PetRecord): Promise<"inserted" | "owner_gone" | "duplicate">;
  /** The owner's pet registered with this idempotency key, if any. */
  findPetByRequest(ownerId: string, requestId: string): Promise<PetRecord | undefined>;
  /** An owner's pets in registration order. */
  listPets(ownerId: string): Promise<PetRecord[]>;
  /** One pet by id. */
  findPet(id: string): Promise<PetRecord | undefined>;
  /** Atomically hides a visible owner and writes the saga's first log row; false if already hidden/gone. */
  startRemoval(saga: SagaRecord): Promise<boolean>;
  findSaga(id: string): Promise<SagaRecord | undefined>;
  /** Ids of sagas not yet done, oldest first: what a starting process resumes. */
  listUnfinishedSagaIds(): Promise<string[]>;
  /**
   * Takes or renews the lease on an unfinished saga: succeeds when nobody
   * holds it, the lease expired, or `leaseOwner` already holds it.
   */
  claimSaga(id: string, leaseOwner: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Moves the saga from `from` to `to` (compare-and-set); false if it was not at `from`. */
  advanceSaga(id: string, from: SagaStep, to: SagaStep, now: number): Promise<boolean>;
  /** Counts a failed attempt and keeps its error for operators. */
  recordSagaFailure(id: string, error: string, now: number): Promise<void>;
  /** One transaction: delete the owner's pets and the owner, mark the saga done, drop its lease. */
  finishRemoval(sagaId: string, ownerId: string, now: number): Promise<void>;
  /** Gives up a lease (clean shutdown) so another process can take over at once. */
  releaseSaga(id: string, leaseOwner: string): Promise<void>;
  /** Null when the database answers; otherwise why not (for /status). */
  health(): Promise<string | null>;
  close(): Promise<void>;
}
