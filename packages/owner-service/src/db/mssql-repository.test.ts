import { describe, expect, test } from "bun:test";
import { onMssqlIfReachable } from "@vetmesh/kit/db/testing";
import { drizzle } from "drizzle-orm/node-mssql";
import type { OwnerRecord, PetRecord, SagaRecord } from "../domain/records.ts";
import { type AnyMsSqlDb, mssqlQueries } from "./mssql-queries.ts";
import { createMssqlRepository } from "./mssql-repository.ts";
import { openRepository } from "./open-repository.ts";
import { repositoryContract } from "./repository.contract.ts";

/**
 * SQL Server cannot run here, so the adapter is checked at the SQL drizzle
 * produces: the statements on `drizzle.mock()`, and the adapter's handling of
 * driver answers (rows affected, error 2627/2601) through a scripted client
 * that records every statement and answers like node-mssql would.
 */
const owner: OwnerRecord = { id: "o-1", email: "a@example.org", createdAt: 10, removalSagaId: null };
const pet: PetRecord = {
  id: "p-1",
  ownerId: "o-1",
  type: "Dog",
  race: "",
  name: "犬",
  createdAt: 11,
  requestId: "req-1",
};
const saga: SagaRecord = {
  id: "s-1",
  ownerId: "o-1",
  ownerEmail: "a@example.org",
  step: "erase_veterinary",
  attempts: 0,
  lastError: null,
  leaseOwner: null,
  leaseUntil: null,
  createdAt: 12,
  updatedAt: 12,
  completedAt: null,
};

describe("SQL Server statements (drizzle.mock().toSQL())", () => {
  const q = mssqlQueries(drizzle.mock() as unknown as AnyMsSqlDb);
  test("owner insert and lookups hit the primary key and the email's unique index", () => {
    expect(q.insertOwner(owner).toSQL()).toEqual({
      sql: "insert into [owners] ([id], [email], [created_at], [removal_saga_id]) values (@par0, @par1, @par2, @par3)",
      params: ["o-1", "a@example.org", 10, null],
    });
    expect(q.findOwnerByEmail("a@example.org").toSQL()).toEqual({
      sql: "select [id], [email], [created_at], [removal_saga_id] from [owners] where [owners].[email] = @par0",
      params: ["a@example.org"],
    });
    expect(q.findOwnerById("o-1").toSQL().sql).toEndWith("from [owners] where [owners].[id] = @par0");
  });
  test("a pet is inserted by one INSERT … SELECT guarded by the owner being visible", () => {
    expect(q.insertPetForVisibleOwner(pet).toSQL()).toEqual({
      sql:
        "insert into [pets] ([id], [owner_id], [type], [race], [name], [created_at], [request_id]) select @par0, @par1, @par2, @par3, @par4, @par5, @par6 " +
        "from [owners] where [owners].[id] = @par7 and [owners].[removal_saga_id] is null",
      params: ["p-1", "o-1", "Dog", "", "犬", 11, "req-1", "o-1"],
    });
    expect(q.insertPetForVisibleOwner({ ...pet, requestId: null }).toSQL().params).toEqual([
      "p-1",
      "o-1",
      "Dog",
      "",
      "犬",
      11,
      null,
      "o-1",
    ]);
  });
  test("a repeated request is found by (owner_id, request_id), the filtered unique index's key", () => {
    expect(q.findPetByRequest("o-1", "req-1").toSQL()).toEqual({
      sql:
        "select [id], [owner_id], [type], [race], [name], [created_at], [request_id] from [pets] " +
        "where (([pets].[owner_id] = @par0) and ([pets].[request_id] = @par1))",
      params: ["o-1", "req-1"],
    });
  });
  test("pets are listed by the (owner_id, created_at) index order", () => {
    expect(q.listPets("o-1").toSQL()).toEqual({
      sql:
        "select [id], [owner_id], [type], [race], [name], [created_at], [request_id] from [pets] where [pets].[owner_id] = @par0 " +
        "order by [pets].[created_at] asc, [pets].[id] asc",
      params: ["o-1"],
    });
  });
  test("hiding is conditional on the owner not being hidden yet", () => {
    expect(q.hideOwner("o-1", "s-1").toSQL()).toEqual({
      sql: "update [owners] set [removal_saga_id] = @par0 where (([owners].[id] = @par1) and (([owners].[removal_saga_id] is null)))",
      params: ["s-1", "o-1"],
    });
  });
  test("the lease is taken when free, expired or already ours; advancing is a compare-and-set", () => {
    expect(q.claimSaga("s-1", "owner-1", 100, 200).toSQL()).toEqual({
      sql:
        "update [removal_sagas] set [lease_owner] = @par0, [lease_until] = @par1 where (([removal_sagas].[id] = @par2) and " +
        "([removal_sagas].[step] <> @par3) and (((([removal_sagas].[lease_until] is null)) or " +
        "([removal_sagas].[lease_until] < @par4) or ([removal_sagas].[lease_owner] = @par5))))",
      params: ["owner-1", 200, "s-1", "done", 100, "owner-1"],
    });
    expect(q.advanceSaga("s-1", "erase_veterinary", "cancel_notifications", 5).toSQL()).toEqual({
      sql:
        "update [removal_sagas] set [step] = @par0, [last_error] = @par1, [updated_at] = @par2 " +
        "where (([removal_sagas].[id] = @par3) and ([removal_sagas].[step] = @par4))",
      params: ["cancel_notifications", null, 5, "s-1", "erase_veterinary"],
    });
    expect(q.recordSagaFailure("s-1", "boom", 6).toSQL()).toEqual({
      sql:
        "update [removal_sagas] set [attempts] = [removal_sagas].[attempts] + 1, [last_error] = @par0, [updated_at] = @par1 " +
        "where [removal_sagas].[id] = @par2",
      params: ["boom", 6, "s-1"],
    });
    expect(q.listUnfinishedSagaIds().toSQL()).toEqual({
      sql: "select [id] from [removal_sagas] where [removal_sagas].[step] <> @par0 order by [removal_sagas].[created_at] asc",
      params: ["done"],
    });
  });
  test("erasing deletes pets before their owner (foreign key)", () => {
    expect(q.deletePetsOf("o-1").toSQL()).toEqual({
      sql: "delete from [pets] where [pets].[owner_id] = @par0",
      params: ["o-1"],
    });
    expect(q.deleteOwner("o-1").toSQL()).toEqual({
      sql: "delete from [owners] where [owners].[id] = @par0",
      params: ["o-1"],
    });
  });
});

type Answer = { recordset?: unknown[]; rowsAffected?: number[] } | Error;

/** A stand-in for the mssql pool: records statements, answers from a script. */
function scriptedClient(answer: (sql: string) => Answer) {
  const log: string[] = [];
  const request = () => ({
    input() {},
    async query(sql: string) {
      log.push(sql);
      const result = answer(sql);
      if (result instanceof Error) throw result;
      return { recordset: [], rowsAffected: [0], ...result };
    },
  });
  const client = {
    request,
    transaction: () => ({
      begin: async () => void log.push("BEGIN"),
      commit: async () => void log.push("COMMIT"),
      rollback: async () => void log.push("ROLLBACK"),
      request,
    }),
  };
  const db = drizzle({ client: client as never }) as unknown as AnyMsSqlDb;
  return { log, repo: createMssqlRepository(db, async () => {}) };
}

const driverError = (number: number) => Object.assign(new Error(`Violation (${number})`), { number });

describe("SQL Server adapter on driver answers", () => {
  test("error 2627 (unique constraint) and 2601 (unique index) mean a duplicate email → AlreadyExists", async () => {
    for (const number of [2627, 2601]) {
      const { repo } = scriptedClient(() => driverError(number));
      expect(await repo.insertOwner(owner)).toBe("duplicate");
    }
  });
  test("other driver errors are not mistaken for duplicates", async () => {
    const { repo } = scriptedClient(() => driverError(547));
    await expect(repo.insertOwner(owner)).rejects.toThrow();
    await expect(repo.insertPetForVisibleOwner(pet)).rejects.toThrow("Failed query: insert into [pets]");
  });
  test("a pet insert rejected by the (owner_id, request_id) index (2601) is a duplicate request", async () => {
    const { repo, log } = scriptedClient(() => driverError(2601));
    expect(await repo.insertPetForVisibleOwner(pet)).toBe("duplicate");
    expect(log).toHaveLength(1);
    expect(log[0]).toStartWith("insert into [pets]");
  });
  test("rows affected decide the conditional writes", async () => {
    const inserted = scriptedClient(() => ({ rowsAffected: [1] }));
    expect(await inserted.repo.insertPetForVisibleOwner(pet)).toBe("inserted");
    const hidden = scriptedClient(() => ({ rowsAffected: [0] }));
    expect(await hidden.repo.insertPetForVisibleOwner(pet)).toBe("owner_gone");
    expect(await hidden.repo.claimSaga("s-1", "me", 1, 2)).toBe(false);
  });
  test("startRemoval hides and logs in one transaction, and rolls back when already hidden", async () => {
    const ok = scriptedClient(() => ({ rowsAffected: [1] }));
    expect(await ok.repo.startRemoval(saga)).toBe(true);
    expect(ok.log[0]).toBe("BEGIN");
    expect(ok.log[1]).toStartWith("update [owners] set [removal_saga_id]");
    expect(ok.log[2]).toStartWith("insert into [removal_sagas]");
    expect(ok.log[3]).toBe("COMMIT");
    const taken = scriptedClient(() => ({ rowsAffected: [0] }));
    expect(await taken.repo.startRemoval(saga)).toBe(false);
    expect(taken.log).toEqual([
      "BEGIN",
      "update [owners] set [removal_saga_id] = @par0 where (([owners].[id] = @par1) and (([owners].[removal_saga_id] is null)))",
      "ROLLBACK",
    ]);
  });
  test("finishRemoval deletes pets, then the owner, then marks the saga done, in one transaction", async () => {
    const { repo, log } = scriptedClient(() => ({ rowsAffected: [1] }));
    await repo.finishRemoval("s-1", "o-1", 9);
    expect(log.map((line) => line.split(" where ")[0])).toEqual([
      "BEGIN",
      "delete from [pets]",
      "delete from [owners]",
      "update [removal_sagas] set [owner_email] = @par0, [step] = @par1, [last_error] = @par2, [lease_owner] = @par3, [lease_until] = @par4, [updated_at] = @par5, [completed_at] = @par6",
      "COMMIT",
    ]);
  });
  test("selects map recordsets (rows as arrays, in column order) back to records", async () => {
    const { repo } = scriptedClient(() => ({ recordset: [Object.values(saga)] }));
    expect(await repo.findSaga("s-1")).toEqual(saga);
  });
});

onMssqlIfReachable("OwnerRepository contract on mssql", (url) =>
  repositoryContract("mssql", () => openRepository(url)),
);
