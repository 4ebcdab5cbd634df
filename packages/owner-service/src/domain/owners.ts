import { conflict, invalid, notFound } from "@vetmesh/kit";
import type { OwnerRepository } from "../db/repository.ts";
import type { OwnerRecord, PetRecord } from "./records.ts";
import {
  normaliseEmail,
  type OwnerRef,
  type PetInput,
  parseOwnerRef,
  parseRequestId,
  validatePet,
} from "./validation.ts";

/** Injected so tests can pin ids and time. */
export interface Clock {
  now(): number;
  newId(): string;
}

/** Real ids and time. */
/** Ids are UUIDv7: time-ordered (monotonic within a process), so pets registered in the same millisecond still list in registration order, and SQL Server indexes grow at the end. */
export const systemClock: Clock = { now: () => Date.now(), newId: () => Bun.randomUUIDv7() };

/**
 * Owner and pet use cases, written once against {@link OwnerRepository}. An
 * owner hidden by a removal saga is treated as absent by every read and write.
 */
export function createOwners(repo: OwnerRepository, clock: Clock = systemClock) {
  /** Looks up by id or email, including hidden owners (the saga needs those). */
  const findAny = (ref: OwnerRef): Promise<OwnerRecord | undefined> =>
    "id" in ref ? repo.findOwnerById(ref.id) : repo.findOwnerByEmail(ref.email);

  const findVisible = async (rawRef: string): Promise<OwnerRecord> => {
    const owner = await findAny(parseOwnerRef(rawRef));
    if (!owner || owner.removalSagaId) throw notFound("owner not found");
    return owner;
  };

  return {
    findAny,
    findVisible,
    async registerOwner(rawEmail: string): Promise<OwnerRecord> {
      const owner: OwnerRecord = {
        id: clock.newId(),
        email: normaliseEmail(rawEmail),
        createdAt: clock.now(),
        removalSagaId: null,
      };
      const outcome = await repo.insertOwner(owner);
      if (outcome === "duplicate") throw conflict("email already registered");
      return owner;
    },
    /**
     * Registers a pet. With a `requestId` the call is idempotent per owner: a
     * repeat (a client that lost the first answer) returns the first pet.
     */
    async registerPet(rawRef: string, input: PetInput, rawRequestId?: string): Promise<PetRecord> {
      const pet = validatePet(input);
      const requestId = parseRequestId(rawRequestId);
      const owner = await findVisible(rawRef);
      if (requestId !== null) {
        const earlier = await repo.findPetByRequest(owner.id, requestId);
        if (earlier) return earlier;
      }
      const record: PetRecord = {
        id: clock.newId(),
        ownerId: owner.id,
        ...pet,
        createdAt: clock.now(),
        requestId,
      };
      // The insert re-checks visibility atomically: a removal may start between the two calls.
      const outcome = await repo.insertPetForVisibleOwner(record);
      if (outcome === "owner_gone") throw notFound("owner not found");
      if (outcome === "inserted") return record;
      // A concurrent repeat won the race: answer with its pet (gone only if the owner was erased since).
      const winner = requestId === null ? undefined : await repo.findPetByRequest(owner.id, requestId);
      if (!winner) throw notFound("owner not found");
      return winner;
    },
    async listPets(rawRef: string): Promise<{ owner: OwnerRecord; pets: PetRecord[] }> {
      const owner = await findVisible(rawRef);
      return { owner, pets: await repo.listPets(owner.id) };
    },
    async getPet(petId: string): Promise<{ pet: PetRecord; owner: OwnerRecord }> {
      const id = petId.trim();
      if (id.length === 0) throw invalid("pet_id", "pet_id is required");
      const pet = await repo.findPet(id);
      const owner = pet ? await repo.findOwnerById(pet.ownerId) : undefined;
      if (!pet || !owner || owner.removalSagaId) throw notFound("pet not found");
      return { pet, owner };
    },
  };
}

/** The use cases {@link createOwners} returns. */
export type Owners = ReturnType<typeof createOwners>;
