import { isMssqlUniqueViolation, mssqlPoolConfig } from "@vetmesh/kit/db";
import { applyMssqlMigrations } from "@vetmesh/kit/db/mssql";
import { drizzle } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { toSagaRecord } from "../domain/saga-transitions.ts";
import { MIGRATIONS } from "./migrations.ts";
import { type AnyMsSqlDb, mssqlQueries } from "./mssql-queries.ts";
import type { OwnerRepository } from "./repository.ts";

/** Rows changed by an insert/update/delete on node-mssql. */
function affected(result: { rowsAffected?: number[] }): number {
  return result.rowsAffected?.reduce((sum, n) => sum + n, 0) ?? 0;
}

/**
 * Connects and applies the committed migrations (the kit's runner, under an
 * exclusive application lock so replicas starting together apply them once).
 */
export async function openMssqlRepository(url: string): Promise<OwnerRepository> {
  const pool = new mssql.ConnectionPool(mssqlPoolConfig(url));
  await pool.connect();
  await applyMssqlMigrations(pool, MIGRATIONS.mssql, "vetmesh.owner.migrate");
  return createMssqlRepository(drizzle({ client: pool }), () => pool.close());
}

/** The SQL Server adapter of {@link OwnerRepository}; `db` may be any client (tests pass a scripted one). */
export function createMssqlRepository(db: AnyMsSqlDb, close: () => Promise<void>): OwnerRepository {
  const q = mssqlQueries(db);
  return {
    dialect: "mssql",
    async insertOwner(owner) {
      try {
        await q.insertOwner(owner);
        return "inserted";
      } catch (error) {
        if (isMssqlUniqueViolation(error)) return "duplicate";
        throw error;
      }
    },
    async findOwnerById(id) {
      return (await q.findOwnerById(id))[0];
    },
    async findOwnerByEmail(email) {
      return (await q.findOwnerByEmail(email))[0];
    },
    async insertPetForVisibleOwner(pet) {
      try {
        return affected(await q.insertPetForVisibleOwner(pet)) === 1 ? "inserted" : "owner_gone";
      } catch (error) {
        // The only UNIQUE index besides the random primary key is (owner_id, request_id).
        if (isMssqlUniqueViolation(error)) return "duplicate";
        throw error;
      }
    },
    async findPetByRequest(ownerId, requestId) {
      return (await q.findPetByRequest(ownerId, requestId))[0];
    },
    async listPets(ownerId) {
      return q.listPets(ownerId);
    },
    async findPet(id) {
      return (await q.findPet(id))[0];
    },
    async startRemoval(saga) {
      return db
        .transaction(async (tx) => {
          const t = mssqlQueries(tx);
          if (affected(await t.hideOwner(saga.ownerId, saga.id)) !== 1) {
            tx.rollback();
          }
          await t.insertSaga(saga);
          return true;
        })
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === "TransactionRollbackError") return false;
          throw error;
        });
    },
    async findSaga(id) {
      const row = (await q.findSaga(id))[0];
      return row ? toSagaRecord(row) : undefined;
    },
    async listUnfinishedSagaIds() {
      return (await q.listUnfinishedSagaIds()).map((row) => row.id);
    },
    async claimSaga(id, leaseOwner, now, leaseUntil) {
      return affected(await q.claimSaga(id, leaseOwner, now, leaseUntil)) === 1;
    },
    async advanceSaga(id, from, to, now) {
      return affected(await q.advanceSaga(id, from, to, now)) === 1;
    },
    async recordSagaFailure(id, error, now) {
      await q.recordSagaFailure(id, error, now);
    },
    async finishRemoval(sagaId, ownerId, now) {
      await db.transaction(async (tx) => {
        const t = mssqlQueries(tx);
        await t.deletePetsOf(ownerId);
        await t.deleteOwner(ownerId);
        await t.markSagaDone(sagaId, now);
      });
    },
    async releaseSaga(id, leaseOwner) {
      await q.releaseSaga(id, leaseOwner);
    },
    async health() {
      try {
        await db.execute("select 1");
        return null;
      } catch {
        return "database unreachable";
      }
    },
    close,
  };
}
