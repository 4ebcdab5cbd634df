import type { OwnerRecord, PetRecord } from "../domain/records.ts";

/** Owner row → the wire shape (ISO instant for created_at). */
export const ownerMessage = (owner: OwnerRecord) => ({
  id: owner.id,
  email: owner.email,
  createdAt: new Date(owner.createdAt).toISOString(),
});

/** Pet row → the wire shape; type, race and name exactly as stored. */
export const petMessage = (pet: PetRecord) => ({
  id: pet.id,
  ownerId: pet.ownerId,
  type: pet.type,
  race: pet.race,
  name: pet.name,
  createdAt: new Date(pet.createdAt).toISOString(),
});
