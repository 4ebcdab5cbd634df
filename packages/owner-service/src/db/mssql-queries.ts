import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { MsSqlDatabase } from "drizzle-orm/mssql-core";
import type { NodeMsSqlPreparedQueryHKT, NodeMsSqlQueryResultHKT } from "drizzle-orm/node-mssql";
import type { OwnerRecord, PetRecord, SagaRecord, SagaStep } from "../domain/records.ts";
import * as transition from "../domain/saga-transitions.ts";
import { sagaClaimable } from "./saga-conditions.ts";
import { owners, pets, removalSagas } from "./schema-mssql.ts";

/** Any Drizzle SQL Server database or transaction: the real pool, a transaction, or `drizzle.mock()`. */
// biome-ignore lint/suspicious/noExplicitAny: the HKT parameters differ between a pool, a transaction and the mock
export type AnyMsSqlDb = MsSqlDatabase<NodeMsSqlQueryResultHKT, NodeMsSqlPreparedQueryHKT, any>;

/**
 * Every statement the SQL Server adapter runs, built without executing, so
 * tests can check the exact SQL (`.toSQL()`) on `drizzle.mock()` where no
 * server exists, and the adapter awaits the very same builders.
 */
export function mssqlQueries(db: AnyMsSqlDb) {
  return {
    insertOwner: (owner: OwnerRecord) => db.insert(owners).values(owner),
    findOwnerById: (id: string) => db.select().from(owners).where(eq(owners.id, id)),
    findOwnerByEmail: (email: string) => db.select().from(owners).where(eq(owners.email, email)),
    /** One statement: the pet row exists only if its owner is visible at that instant. */
    insertPetForVisibleOwner: (pet: PetRecord) =>
      db
        .insert(pets)
        .select(
          sql`select ${pet.id}, ${pet.ownerId}, ${pet.type}, ${pet.race}, ${pet.name}, ${pet.createdAt}, ${pet.requestId} from ${owners} where ${owners.id} = ${pet.ownerId} and ${owners.removalSagaId} is null`,
        ),
    /** Served by the filtered UNIQUE index on (owner_id, request_id). */
    findPetByRequest: (ownerId: string, requestId: string) =>
      db
        .select()
        .from(pets)
        .where(and(eq(pets.ownerId, ownerId), eq(pets.requestId, requestId))),
    listPets: (ownerId: string) =>
      db.select().from(pets).where(eq(pets.ownerId, ownerId)).orderBy(asc(pets.createdAt), asc(pets.id)),
    findPet: (id: string) => db.select().from(pets).where(eq(pets.id, id)),
    hideOwner: (ownerId: string, sagaId: string) =>
      db
        .update(owners)
        .set({ removalSagaId: sagaId })
        .where(and(eq(owners.id, ownerId), isNull(owners.removalSagaId))),
    insertSaga: (saga: SagaRecord) => db.insert(removalSagas).values(saga),
    findSaga: (id: string) => db.select().from(removalSagas).where(eq(removalSagas.id, id)),
    listUnfinishedSagaIds: () =>
      db
        .select({ id: removalSagas.id })
        .from(removalSagas)
        .where(ne(removalSagas.step, transition.SAGA_DONE))
        .orderBy(asc(removalSagas.createdAt)),
    claimSaga: (id: string, leaseOwner: string, now: number, leaseUntil: number) =>
      db
        .update(removalSagas)
        .set(transition.sagaLease(leaseOwner, leaseUntil))
        .where(sagaClaimable(removalSagas, id, leaseOwner, now)),
    advanceSaga: (id: string, from: SagaStep, to: SagaStep, now: number) =>
      db
        .update(removalSagas)
        .set(transition.advancedSaga(to, now))
        .where(and(eq(removalSagas.id, id), eq(removalSagas.step, from))),
    recordSagaFailure: (id: string, error: string, now: number) =>
      db
        .update(removalSagas)
        .set({ ...transition.failedSagaAttempt(error, now), attempts: sql`${removalSagas.attempts} + 1` })
        .where(eq(removalSagas.id, id)),
    deletePetsOf: (ownerId: string) => db.delete(pets).where(eq(pets.ownerId, ownerId)),
    deleteOwner: (ownerId: string) => db.delete(owners).where(eq(owners.id, ownerId)),
    markSagaDone: (sagaId: string, now: number) =>
      db.update(removalSagas).set(transition.finishedSaga(now)).where(eq(removalSagas.id, sagaId)),
    releaseSaga: (id: string, leaseOwner: string) =>
      db
        .update(removalSagas)
        .set(transition.SAGA_LEASE_RELEASED)
        .where(and(eq(removalSagas.id, id), eq(removalSagas.leaseOwner, leaseOwner))),
  };
}
