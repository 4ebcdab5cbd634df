import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { OwnerInternalService, OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { failureCode as failure } from "@vetmesh/kit/testing";
import { createOwnerHarness } from "../testing/harness.ts";

/** Every RPC and every error code through Connect's in-memory router transport. */
let harness: Awaited<ReturnType<typeof createOwnerHarness>>;
let owners: ReturnType<typeof createClient<typeof OwnerService>>;
let internal: ReturnType<typeof createClient<typeof OwnerInternalService>>;
beforeAll(async () => {
  harness = await createOwnerHarness();
  owners = createClient(OwnerService, harness.transport);
  internal = createClient(OwnerInternalService, harness.transport);
});
afterAll(() => harness.close());

// Ids are UUIDv7 (time-ordered); the version nibble is 7 and the variant 10xx.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("RegisterOwner", () => {
  test("trims and lower-cases the email and returns the new owner", async () => {
    const { owner } = await owners.registerOwner({ email: "  Alice.Smith@Example.ORG " });
    expect(owner?.email).toBe("alice.smith@example.org");
    expect(owner?.id).toMatch(UUID);
    expect(Date.parse(owner?.createdAt ?? "")).toBeGreaterThan(Date.now() - 60_000);
  });
  test("the same email in another case is AlreadyExists", async () => {
    await owners.registerOwner({ email: "dup@example.org" });
    expect(await failure(owners.registerOwner({ email: "DUP@example.org" }))).toEqual({
      code: "AlreadyExists",
    });
  });
  test("malformed, empty or over-long emails are InvalidArgument on field email", async () => {
    for (const email of [
      "not-an-email",
      "",
      "   ",
      "a@b",
      "a b@example.org",
      `${"a".repeat(243)}@example.org`,
      `${"b".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(58)}.org`,
    ]) {
      expect(await failure(owners.registerOwner({ email }))).toEqual({
        code: "InvalidArgument",
        field: "email",
      });
    }
    // Exactly 254 characters is accepted (a local part of at most 64, RFC 5321).
    const longest = `${"b".repeat(64)}@${"d".repeat(63)}.${"e".repeat(63)}.${"f".repeat(57)}.org`;
    const { owner } = await owners.registerOwner({ email: longest });
    expect(owner?.email.length).toBe(254);
  });
  test("50 parallel registrations of one email: exactly one success, 49 AlreadyExists", async () => {
    const email = `race-${crypto.randomUUID()}@example.org`;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        owners.registerOwner({ email: i % 2 ? email.toUpperCase() : email }),
      ),
    );
    const ok = results.filter((r) => r.status === "fulfilled");
    const codes = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason).code] : []));
    expect(ok.length).toBe(1);
    expect(codes).toEqual(Array(49).fill(Code.AlreadyExists));
  });
});

describe("pets", () => {
  let ownerId = "";
  const email = "pets-owner@example.org";
  beforeAll(async () => {
    ownerId = (await owners.registerOwner({ email })).owner?.id ?? "";
  });

  test("RegisterPet by email keeps the user's text (Unicode) and ListPets returns it", async () => {
    const { pet } = await owners.registerPet({
      ownerRef: " Pets-Owner@example.org",
      type: "Dog",
      race: "Chihuaua",
      name: "Devil incarnate",
    });
    expect(pet).toMatchObject({ ownerId, type: "Dog", race: "Chihuaua", name: "Devil incarnate" });
    expect(pet?.id).toMatch(UUID);
    const { pet: second } = await owners.registerPet({
      ownerRef: ownerId,
      type: "Chat",
      race: "",
      name: "Ðéjà vu 😼 猫",
    });
    expect(second).toMatchObject({ type: "Chat", race: "", name: "Ðéjà vu 😼 猫" });
    const byEmail = await owners.listPets({ ownerRef: email });
    const byId = await owners.listPets({ ownerRef: ownerId });
    expect(byEmail.owner?.id).toBe(ownerId);
    expect(byEmail.pets.map((p) => p.name)).toEqual(["Devil incarnate", "Ðéjà vu 😼 猫"]);
    expect(byId.pets).toEqual(byEmail.pets);
  });
  test("blank type or name, over-long fields, and a bad owner_ref are InvalidArgument naming the field", async () => {
    const base = { ownerRef: email, type: "Dog", race: "Pug", name: "Rex" };
    expect(await failure(owners.registerPet({ ...base, type: " " }))).toEqual({
      code: "InvalidArgument",
      field: "type",
    });
    expect(await failure(owners.registerPet({ ...base, name: "" }))).toEqual({
      code: "InvalidArgument",
      field: "name",
    });
    expect(await failure(owners.registerPet({ ...base, race: "r".repeat(101) }))).toEqual({
      code: "InvalidArgument",
      field: "race",
    });
    expect(await failure(owners.registerPet({ ...base, name: "😈".repeat(51) }))).toEqual({
      code: "InvalidArgument",
      field: "name",
    });
    expect(await failure(owners.registerPet({ ...base, ownerRef: "nope" }))).toEqual({
      code: "InvalidArgument",
      field: "owner_ref",
    });
    expect(await failure(owners.listPets({ ownerRef: "" }))).toEqual({
      code: "InvalidArgument",
      field: "owner_ref",
    });
    expect((await owners.registerPet({ ...base, name: "n".repeat(100) })).pet?.name.length).toBe(100);
  });
  test("unknown owners are NotFound, by email and by id", async () => {
    const base = { type: "Dog", race: "Pug", name: "Rex" };
    expect(await failure(owners.registerPet({ ...base, ownerRef: "ghost@example.org" }))).toEqual({
      code: "NotFound",
    });
    expect(await failure(owners.registerPet({ ...base, ownerRef: crypto.randomUUID() }))).toEqual({
      code: "NotFound",
    });
    expect(await failure(owners.listPets({ ownerRef: "ghost@example.org" }))).toEqual({ code: "NotFound" });
  });
});

describe("RegisterPet with a request_id (idempotency key)", () => {
  let ownerId = "";
  const email = "idempotent-owner@example.org";
  const base = { ownerRef: email, type: "Dog", race: "Pug", name: "Rex" };
  beforeAll(async () => {
    ownerId = (await owners.registerOwner({ email })).owner?.id ?? "";
  });

  test("a repeat with the same key returns the first pet (same id and created_at), stored once", async () => {
    const first = await owners.registerPet({ ...base, requestId: "repeat-1" });
    // By id this time, and with another body: the key alone decides; the first result wins.
    const again = await owners.registerPet({
      ...base,
      ownerRef: ownerId,
      name: "Rex II",
      requestId: "repeat-1",
    });
    expect(again).toEqual(first);
    expect(first.pet?.name).toBe("Rex");
    const other = await owners.registerPet({ ...base, requestId: "repeat-2" });
    expect(other.pet?.id).not.toBe(first.pet?.id);
    const listed = await owners.listPets({ ownerRef: ownerId });
    // Sorted: both may share a created_at millisecond, and then the listing orders by random id.
    expect(listed.pets.map((p) => p.id).sort()).toEqual([first.pet?.id ?? "", other.pet?.id ?? ""].sort());
  });
  test("the same key for another owner creates that owner's pet", async () => {
    const mine = await owners.registerPet({ ...base, requestId: "shared-key" });
    await owners.registerOwner({ email: "idempotent-other@example.org" });
    const theirs = await owners.registerPet({
      ...base,
      ownerRef: "idempotent-other@example.org",
      requestId: "shared-key",
    });
    expect(theirs.pet?.id).not.toBe(mine.pet?.id);
    expect((await owners.listPets({ ownerRef: "idempotent-other@example.org" })).pets).toEqual(
      theirs.pet ? [theirs.pet] : [],
    );
  });
  test("without a key every call creates a pet", async () => {
    const before = (await owners.listPets({ ownerRef: ownerId })).pets.length;
    await owners.registerPet({ ...base, name: "No key" });
    await owners.registerPet({ ...base, name: "No key" });
    expect((await owners.listPets({ ownerRef: ownerId })).pets.length).toBe(before + 2);
  });
  test("20 concurrent calls with one key: all answer the same pet, one row stored", async () => {
    await owners.registerOwner({ email: "idempotent-race@example.org" });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        owners.registerPet({ ...base, ownerRef: "idempotent-race@example.org", requestId: "race" }),
      ),
    );
    const ids = new Set(results.map((r) => r.pet?.id));
    expect(ids.size).toBe(1);
    const listed = await owners.listPets({ ownerRef: "idempotent-race@example.org" });
    expect(listed.pets.map((p) => p.id)).toEqual([...ids].map(String));
  });
  test("a malformed key is InvalidArgument on field request_id, and nothing is stored", async () => {
    const before = (await owners.listPets({ ownerRef: ownerId })).pets.length;
    for (const requestId of ["", "has space", "ünïcode", "a/b", "x".repeat(129), "line\nbreak"]) {
      expect(await failure(owners.registerPet({ ...base, requestId }))).toEqual({
        code: "InvalidArgument",
        field: "request_id",
      });
    }
    expect((await owners.registerPet({ ...base, requestId: `A-z_0.9:${"k".repeat(120)}` })).pet?.name).toBe(
      "Rex",
    );
    expect((await owners.listPets({ ownerRef: ownerId })).pets.length).toBe(before + 1);
  });
  test("a key of a pet whose owner is gone does not resurrect it: NotFound", async () => {
    await owners.registerOwner({ email: "idempotent-gone@example.org" });
    await owners.registerPet({ ...base, ownerRef: "idempotent-gone@example.org", requestId: "gone" });
    const removal = await owners.removeOwnerData({ ownerRef: "idempotent-gone@example.org" });
    expect(removal.state).toBe(RemovalState.COMPLETED);
    expect(
      await failure(
        owners.registerPet({ ...base, ownerRef: "idempotent-gone@example.org", requestId: "gone" }),
      ),
    ).toEqual({ code: "NotFound" });
  });
});

describe("OwnerInternalService", () => {
  test("GetPet returns the pet with its owner's id and email; GetOwner by id or email", async () => {
    const { owner } = await owners.registerOwner({ email: "internal@example.org" });
    const { pet } = await owners.registerPet({
      ownerRef: "internal@example.org",
      type: "Bird",
      race: "",
      name: "Tweety",
    });
    const got = await internal.getPet({ petId: pet?.id ?? "" });
    expect(got.pet).toEqual(pet);
    expect(got.owner).toEqual(owner);
    expect((await internal.getOwner({ ownerRef: owner?.id ?? "" })).owner).toEqual(owner);
    expect((await internal.getOwner({ ownerRef: "INTERNAL@example.org" })).owner).toEqual(owner);
  });
  test("unknown ids are NotFound; empty or malformed refs are InvalidArgument", async () => {
    expect(await failure(internal.getPet({ petId: crypto.randomUUID() }))).toEqual({ code: "NotFound" });
    expect(await failure(internal.getPet({ petId: "" }))).toEqual({
      code: "InvalidArgument",
      field: "pet_id",
    });
    expect(await failure(internal.getOwner({ ownerRef: crypto.randomUUID() }))).toEqual({ code: "NotFound" });
    expect(await failure(internal.getOwner({ ownerRef: "@@" }))).toEqual({
      code: "InvalidArgument",
      field: "owner_ref",
    });
  });
});

describe("RemoveOwnerData", () => {
  test("completes within the deadline, erases owner and pets, and is NotFound afterwards", async () => {
    const { owner } = await owners.registerOwner({ email: "leaving@example.org" });
    const { pet } = await owners.registerPet({
      ownerRef: "leaving@example.org",
      type: "Dog",
      race: "",
      name: "Rex",
    });
    const res = await owners.removeOwnerData({ ownerRef: "Leaving@Example.org" }, { timeoutMs: 3_000 });
    expect(res).toMatchObject({
      state: RemovalState.COMPLETED,
      ownerId: owner?.id,
      ownerEmail: "leaving@example.org",
    });
    expect(harness.participants.state.erasePets).toContainEqual({
      sagaId: res.sagaId,
      petIds: [pet?.id ?? ""],
    });
    expect(harness.participants.state.cancelPending).toContainEqual({
      sagaId: res.sagaId,
      recipient: "leaving@example.org",
    });
    expect(await failure(owners.removeOwnerData({ ownerRef: owner?.id ?? "" }))).toEqual({
      code: "NotFound",
    });
    expect(await failure(internal.getPet({ petId: pet?.id ?? "" }))).toEqual({ code: "NotFound" });
    expect(await harness.app.repository.findOwnerById(owner?.id ?? "")).toBeUndefined();
    expect(await harness.app.repository.findPet(pet?.id ?? "")).toBeUndefined();
    // The email can be registered again by someone new.
    expect((await owners.registerOwner({ email: "leaving@example.org" })).owner?.id).not.toBe(owner?.id);
  });
  test("with a participant down: IN_PROGRESS, owner hidden at once, a second call joins, then it completes", async () => {
    harness.participants.state.veterinaryDown = true;
    const { owner } = await owners.registerOwner({ email: "slow@example.org" });
    const { pet } = await owners.registerPet({
      ownerRef: owner?.id ?? "",
      type: "Dog",
      race: "",
      name: "Rex",
    });
    // Deadlines far beyond the harness's removalWaitMs (2 s): the service's own bound answers IN_PROGRESS,
    // so a busy machine cannot turn that answer into DeadlineExceeded.
    const first = await owners.removeOwnerData({ ownerRef: "slow@example.org" }, { timeoutMs: 10_000 });
    expect(first.state).toBe(RemovalState.IN_PROGRESS);
    expect(await failure(owners.listPets({ ownerRef: "slow@example.org" }))).toEqual({ code: "NotFound" });
    expect(await failure(internal.getOwner({ ownerRef: owner?.id ?? "" }))).toEqual({ code: "NotFound" });
    expect(await failure(internal.getPet({ petId: pet?.id ?? "" }))).toEqual({ code: "NotFound" });
    expect(
      await failure(owners.registerPet({ ownerRef: owner?.id ?? "", type: "Cat", race: "", name: "Tom" })),
    ).toEqual({
      code: "NotFound",
    });
    expect(await failure(owners.registerOwner({ email: "slow@example.org" }))).toEqual({
      code: "AlreadyExists",
    });
    const joined = await owners.removeOwnerData({ ownerRef: owner?.id ?? "" }, { timeoutMs: 10_000 });
    expect(joined).toMatchObject({ sagaId: first.sagaId, state: RemovalState.IN_PROGRESS });
    expect((await harness.app.repository.findSaga(first.sagaId))?.attempts).toBeGreaterThan(0);
    harness.participants.state.veterinaryDown = false;
    const done = await owners.removeOwnerData({ ownerRef: "slow@example.org" }, { timeoutMs: 10_000 });
    expect(done).toMatchObject({ sagaId: first.sagaId, state: RemovalState.COMPLETED });
    expect(await failure(owners.removeOwnerData({ ownerRef: "slow@example.org" }))).toEqual({
      code: "NotFound",
    });
  });
  test("unknown owners are NotFound and malformed refs InvalidArgument", async () => {
    expect(await failure(owners.removeOwnerData({ ownerRef: "nobody@example.org" }))).toEqual({
      code: "NotFound",
    });
    expect(await failure(owners.removeOwnerData({ ownerRef: "x" }))).toEqual({
      code: "InvalidArgument",
      field: "owner_ref",
    });
  });
});
