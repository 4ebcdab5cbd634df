import { eq, type SQL, sql } from "drizzle-orm";
import type { NodeMsSqlDatabase } from "drizzle-orm/node-mssql";
import { type ErasedPet, petErased } from "./repository.ts";
import { erasedPets } from "./schema-mssql.ts";

/**
 * The tombstone check of an insert transaction. UPDLOCK, HOLDLOCK on the
 * pet's key of erased_pets (a key-range lock when there is no row yet) makes
 * a concurrent ErasePets wait for this transaction to commit before it can
 * tombstone the pet (and then delete what was inserted), or makes this
 * transaction wait for the erase and then see the tombstone.
 */
export function erasedPetLockQuery(petId: string): SQL {
  return sql`select top(1) [pet_id] from ${erasedPets} with (updlock, holdlock) where ${eq(erasedPets.petId, petId)}`;
}

/**
 * Tombstones the pets not tombstoned yet (first erase wins, so a repeated
 * ErasePets keeps the original saga); the NOT EXISTS probe takes the same
 * range locks as erasedPetLockQuery, so concurrent erases of one pet queue.
 */
export function insertTombstonesQuery(petIds: readonly string[], tombstone: ErasedPet): SQL {
  const values = sql.join(
    petIds.map((petId) => sql`(${petId})`),
    sql`, `,
  );
  return sql`insert into ${erasedPets} ([pet_id], [saga_id], [erased_at]) select [v].[pet_id], ${tombstone.sagaId}, ${tombstone.erasedAt} from (values ${values}) as [v]([pet_id]) where not exists (select 1 from ${erasedPets} with (updlock, holdlock) where ${erasedPets.petId} = [v].[pet_id])`;
}

/** The tombstone of one pet, for reads (no locks: a read racing an erase may see either side). */
export function erasedPetQuery(db: Pick<NodeMsSqlDatabase, "select">, petId: string) {
  return db
    .select({ sagaId: erasedPets.sagaId, erasedAt: erasedPets.erasedAt })
    .from(erasedPets)
    .where(eq(erasedPets.petId, petId));
}

/** Inside an insert's transaction: a tombstoned pet gets nothing written (the throw rolls back). */
export async function refuseErased(tx: Pick<NodeMsSqlDatabase, "execute">, petId: string): Promise<void> {
  const result = (await tx.execute(erasedPetLockQuery(petId))) as unknown as {
    recordset?: { pet_id: string }[];
  };
  if ((result.recordset ?? []).length > 0) throw petErased(petId);
}
