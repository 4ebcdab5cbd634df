import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OwnerRecord, PetRecord, SagaRecord } from "../domain/records.ts";
import type { OwnerRepository } from "./repository.ts";

const run = crypto.randomUUID().slice(0, 8);
const owner = (n: number): OwnerRecord => ({
  id: crypto.randomUUID(),
  email: `contract-${run}-${n}@example.org`,
  createdAt: 1_700_000_000_000 + n,
  removalSagaId: null,
});
const pet = (ownerId: string, n: number, name = `pet ${n}`, requestId: string | null = null): PetRecord => ({
  id: crypto.randomUUID(),
  ownerId,
  type: "Dog",
  race: "Chihuaua",
  name,
  createdAt: 1_700_000_000_000 + n,
  requestId,
});
const saga = (o: OwnerRecord, n = 0): SagaRecord => ({
  id: crypto.randomUUID(),
  ownerId: o.id,
  ownerEmail: o.email,
  step: "erase_veterinary",
  attempts: 0,
  lastError: null,
  leaseOwner: null,
  leaseUntil: null,
  createdAt: 1_700_000_000_000 + n,
  updatedAt: 1_700_000_000_000 + n,
  completedAt: null,
});

/**
 * The one OwnerRepository contract: every adapter must pass it, so the
 * service behaves the same on SQLite and on SQL Server. `open` gives a fresh
 * repository; the suite closes it.
 */
export function repositoryContract(name: string, open: () => Promise<OwnerRepository>): void {
  describe(`OwnerRepository contract on ${name}`, () => {
    let repo: OwnerRepository;
    beforeAll(async () => {
      repo = await open();
    });
    afterAll(async () => {
      await repo.close();
    });

    test("insert and find an owner by id and by email", async () => {
      const o = owner(1);
      expect(await repo.insertOwner(o)).toBe("inserted");
      expect(await repo.findOwnerById(o.id)).toEqual(o);
      expect(await repo.findOwnerByEmail(o.email)).toEqual(o);
      expect(await repo.findOwnerById(crypto.randomUUID())).toBeUndefined();
      expect(await repo.findOwnerByEmail(`nobody-${run}@example.org`)).toBeUndefined();
    });

    test("the UNIQUE index rejects a second owner with the same email", async () => {
      const o = owner(2);
      expect(await repo.insertOwner(o)).toBe("inserted");
      expect(await repo.insertOwner({ ...o, id: crypto.randomUUID() })).toBe("duplicate");
      expect(await repo.findOwnerByEmail(o.email)).toEqual(o);
    });

    test("pets: insert for a visible owner, list in order, find; Unicode kept", async () => {
      const o = owner(3);
      await repo.insertOwner(o);
      const first = pet(o.id, 1, "Ðévil incarnate 😈");
      const second = pet(o.id, 2, "犬");
      expect(await repo.insertPetForVisibleOwner(second)).toBe("inserted");
      expect(await repo.insertPetForVisibleOwner(first)).toBe("inserted");
      expect(await repo.listPets(o.id)).toEqual([first, second]);
      expect(await repo.findPet(first.id)).toEqual(first);
      expect(await repo.findPet(crypto.randomUUID())).toBeUndefined();
      expect(await repo.insertPetForVisibleOwner(pet(crypto.randomUUID(), 3))).toBe("owner_gone");
    });

    test("request_id: unique per owner, found again; pets without one never collide", async () => {
      const a = owner(7);
      const b = owner(8);
      await repo.insertOwner(a);
      await repo.insertOwner(b);
      const first = pet(a.id, 1, "Rex", "key-1");
      expect(await repo.insertPetForVisibleOwner(first)).toBe("inserted");
      expect(await repo.insertPetForVisibleOwner(pet(a.id, 2, "Rex again", "key-1"))).toBe("duplicate");
      expect(await repo.findPetByRequest(a.id, "key-1")).toEqual(first);
      expect(await repo.findPetByRequest(a.id, "key-2")).toBeUndefined();
      // The same key for another owner is another request.
      const other = pet(b.id, 1, "Tom", "key-1");
      expect(await repo.insertPetForVisibleOwner(other)).toBe("inserted");
      expect(await repo.findPetByRequest(b.id, "key-1")).toEqual(other);
      // NULL keys are distinct (SQL Server: the filtered index skips them).
      expect(await repo.insertPetForVisibleOwner(pet(a.id, 3, "no key"))).toBe("inserted");
      expect(await repo.insertPetForVisibleOwner(pet(a.id, 4, "no key either"))).toBe("inserted");
      expect((await repo.listPets(a.id)).map((p) => [p.name, p.requestId])).toEqual([
        ["Rex", "key-1"],
        ["no key", null],
        ["no key either", null],
      ]);
    });

    test("request_id: concurrent inserts with one key store exactly one pet", async () => {
      const o = owner(9);
      await repo.insertOwner(o);
      const tries = Array.from({ length: 8 }, (_, n) => pet(o.id, n, `racer ${n}`, "race-key"));
      const outcomes = await Promise.all(tries.map((p) => repo.insertPetForVisibleOwner(p)));
      expect(outcomes.filter((x) => x === "inserted")).toHaveLength(1);
      expect(outcomes.filter((x) => x === "duplicate")).toHaveLength(7);
      expect(await repo.listPets(o.id)).toHaveLength(1);
    });

    test("startRemoval hides the owner once; pets can no longer be added", async () => {
      const o = owner(4);
      await repo.insertOwner(o);
      const s = saga(o);
      expect(await repo.startRemoval(s)).toBe(true);
      expect(await repo.startRemoval(saga(o))).toBe(false);
      expect((await repo.findOwnerById(o.id))?.removalSagaId).toBe(s.id);
      expect(await repo.findSaga(s.id)).toEqual(s);
      expect(await repo.insertPetForVisibleOwner(pet(o.id, 5))).toBe("owner_gone");
      expect(await repo.listUnfinishedSagaIds()).toContain(s.id);
    });

    test("lease: claim, renew by holder, refuse others until expiry", async () => {
      const o = owner(5);
      await repo.insertOwner(o);
      const s = saga(o);
      await repo.startRemoval(s);
      expect(await repo.claimSaga(s.id, "a", 1000, 2000)).toBe(true);
      expect(await repo.claimSaga(s.id, "b", 1500, 2500)).toBe(false);
      expect(await repo.claimSaga(s.id, "a", 1500, 2500)).toBe(true);
      expect(await repo.claimSaga(s.id, "b", 2600, 3600)).toBe(true);
      await repo.releaseSaga(s.id, "a");
      expect((await repo.findSaga(s.id))?.leaseOwner).toBe("b");
      await repo.releaseSaga(s.id, "b");
      expect(await repo.findSaga(s.id)).toMatchObject({ leaseOwner: null, leaseUntil: null });
    });

    test("advance is a compare-and-set; failures are counted; finish erases owner and pets", async () => {
      const o = owner(6);
      await repo.insertOwner(o);
      const p = pet(o.id, 1);
      await repo.insertPetForVisibleOwner(p);
      const s = saga(o);
      await repo.startRemoval(s);
      await repo.recordSagaFailure(s.id, "veterinary down", 10);
      await repo.recordSagaFailure(s.id, "veterinary still down", 11);
      expect(await repo.findSaga(s.id)).toMatchObject({
        attempts: 2,
        lastError: "veterinary still down",
        updatedAt: 11,
      });
      expect(await repo.advanceSaga(s.id, "erase_veterinary", "cancel_notifications", 12)).toBe(true);
      expect(await repo.advanceSaga(s.id, "erase_veterinary", "cancel_notifications", 13)).toBe(false);
      expect(await repo.findSaga(s.id)).toMatchObject({ step: "cancel_notifications", lastError: null });
      await repo.claimSaga(s.id, "a", 0, 99);
      await repo.finishRemoval(s.id, o.id, 20);
      expect(await repo.findOwnerById(o.id)).toBeUndefined();
      expect(await repo.findPet(p.id)).toBeUndefined();
      expect(await repo.listPets(o.id)).toEqual([]);
      expect(await repo.findSaga(s.id)).toMatchObject({
        step: "done",
        completedAt: 20,
        leaseOwner: null,
        ownerEmail: "",
        lastError: null,
      });
      expect(await repo.listUnfinishedSagaIds()).not.toContain(s.id);
      expect(await repo.claimSaga(s.id, "a", 0, 99)).toBe(false);
      // The email is free again once the owner is gone.
      expect(await repo.insertOwner({ ...o, id: crypto.randomUUID() })).toBe("inserted");
    });

    test("health answers null while the database is reachable", async () => {
      expect(await repo.health()).toBeNull();
    });
  });
}
