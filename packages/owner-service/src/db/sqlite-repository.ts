import type { Database } from "bun:sqlite";
import { isSqliteUniqueViolation, sqliteHealth } from "@vetmesh/kit/db";
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/bun-sqlite";
import * as transition from "../domain/saga-transitions.ts";
import type { OwnerRepository } from "./repository.ts";
import { sagaClaimable } from "./saga-conditions.ts";
import { owners, pets, removalSagas } from "./schema-sqlite.ts";

/** The SQLite adapter of {@link OwnerRepository} over an open (already migrated) bun:sqlite handle. */
export function createSqliteRepository(client: Database): OwnerRepository {
  const db = drizzle({ client });
  const health = sqliteHealth(client);
  // The reads every ListPets/GetPet runs, prepared once: drizzle builds their SQL and bun:sqlite compiles the
  // statement at start-up, so a call binds values and steps, without rebuilding the query (bench/README.md).
  const ownerById = db
    .select()
    .from(owners)
    .where(eq(owners.id, sql.placeholder("id")))
    .prepare();
  const ownerByEmail = db
    .select()
    .from(owners)
    .where(eq(owners.email, sql.placeholder("email")))
    .prepare();
  const petsOfOwner = db
    .select()
    .from(pets)
    .where(eq(pets.ownerId, sql.placeholder("ownerId")))
    .orderBy(asc(pets.createdAt), asc(pets.id))
    .prepare();
  const petById = db
    .select()
    .from(pets)
    .where(eq(pets.id, sql.placeholder("id")))
    .prepare();
  return {
    dialect: "sqlite",
    async insertOwner(owner) {
      try {
        db.insert(owners).values(owner).run();
        return "inserted";
      } catch (error) {
        if (isSqliteUniqueViolation(error)) return "duplicate";
        throw error;
      }
    },
    async findOwnerById(id) {
      return ownerById.get({ id });
    },
    async findOwnerByEmail(email) {
      return ownerByEmail.get({ email });
    },
    async insertPetForVisibleOwner(pet) {
      try {
        return db.transaction(
          (tx) => {
            const owner = tx
              .select({ id: owners.id })
              .from(owners)
              .where(and(eq(owners.id, pet.ownerId), isNull(owners.removalSagaId)))
              .get();
            if (!owner) return "owner_gone";
            tx.insert(pets).values(pet).run();
            return "inserted";
          },
          { behavior: "immediate" },
        );
      } catch (error) {
        // The only UNIQUE index besides the random primary key is (owner_id, request_id).
        if (isSqliteUniqueViolation(error)) return "duplicate";
        throw error;
      }
    },
    async findPetByRequest(ownerId, requestId) {
      return db
        .select()
        .from(pets)
        .where(and(eq(pets.ownerId, ownerId), eq(pets.requestId, requestId)))
        .get();
    },
    async listPets(ownerId) {
      return petsOfOwner.all({ ownerId });
    },
    async findPet(id) {
      return petById.get({ id });
    },
    async startRemoval(saga) {
      return db.transaction(
        (tx) => {
          const hidden = tx
            .update(owners)
            .set({ removalSagaId: saga.id })
            .where(and(eq(owners.id, saga.ownerId), isNull(owners.removalSagaId)))
            .run();
          if (hidden.changes !== 1) return false;
          tx.insert(removalSagas).values(saga).run();
          return true;
        },
        { behavior: "immediate" },
      );
    },
    async findSaga(id) {
      const row = db.select().from(removalSagas).where(eq(removalSagas.id, id)).get();
      return row ? transition.toSagaRecord(row) : undefined;
    },
    async listUnfinishedSagaIds() {
      const rows = db
        .select({ id: removalSagas.id })
        .from(removalSagas)
        .where(ne(removalSagas.step, transition.SAGA_DONE))
        .orderBy(asc(removalSagas.createdAt))
        .all();
      return rows.map((row) => row.id);
    },
    async claimSaga(id, leaseOwner, now, leaseUntil) {
      const result = db
        .update(removalSagas)
        .set(transition.sagaLease(leaseOwner, leaseUntil))
        .where(sagaClaimable(removalSagas, id, leaseOwner, now))
        .run();
      return result.changes === 1;
    },
    async advanceSaga(id, from, to, now) {
      const result = db
        .update(removalSagas)
        .set(transition.advancedSaga(to, now))
        .where(and(eq(removalSagas.id, id), eq(removalSagas.step, from)))
        .run();
      return result.changes === 1;
    },
    async recordSagaFailure(id, error, now) {
      db.update(removalSagas)
        .set({ ...transition.failedSagaAttempt(error, now), attempts: sql`${removalSagas.attempts} + 1` })
        .where(eq(removalSagas.id, id))
        .run();
    },
    async finishRemoval(sagaId, ownerId, now) {
      db.transaction(
        (tx) => {
          tx.delete(pets).where(eq(pets.ownerId, ownerId)).run();
          tx.delete(owners).where(eq(owners.id, ownerId)).run();
          tx.update(removalSagas).set(transition.finishedSaga(now)).where(eq(removalSagas.id, sagaId)).run();
        },
        { behavior: "immediate" },
      );
    },
    async releaseSaga(id, leaseOwner) {
      db.update(removalSagas)
        .set(transition.SAGA_LEASE_RELEASED)
        .where(and(eq(removalSagas.id, id), eq(removalSagas.leaseOwner, leaseOwner)))
        .run();
    },
    async health() {
      return health();
    },
    async close() {
      client.close();
    },
  };
}
