import { afterAll, describe, expect, test } from "bun:test";
import { Code, ConnectError, type Transport } from "@connectrpc/connect";
import { errorField } from "@vetmesh/kit";
import { expectFailure as failure } from "@vetmesh/kit/testing";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

/**
 * The real owner app's transport with two knobs: `down` answers Unavailable
 * (to prove a read did not need the owner), `afterGetPet` runs once after a
 * GetPet answered (to land an ErasePets between the check and the insert).
 */
function controllable(inner: Transport) {
  const state: { down: boolean; afterGetPet?: () => Promise<void> } = { down: false };
  const transport: Transport = {
    async unary(method, signal, timeoutMs, header, input, contextValues) {
      if (state.down) throw new ConnectError("owner service down", Code.Unavailable);
      const response = await inner.unary(method, signal, timeoutMs, header, input, contextValues);
      const hook = state.afterGetPet;
      state.afterGetPet = undefined;
      await hook?.();
      return response;
    },
    stream: (method, signal, timeoutMs, header, input, contextValues) =>
      inner.stream(method, signal, timeoutMs, header, input, contextValues),
  };
  return { transport, state };
}

const owner = await createTestOwner();
const ownerLink = controllable(owner.transport);
const { app, vet, internal } = await createTestVeterinary({ ownerTransport: ownerLink.transport });
afterAll(async () => {
  await app.close();
  await owner.app.close();
});

/** Calls all four reads of a pet and returns each one's Connect code and message. */
async function readOutcomes(petId: string) {
  const calls = [
    vet.listAppointments({ petId }),
    vet.listRecords({ petId }),
    vet.listVaccinations({ petId }),
    vet.listReminders({ petId }),
  ];
  const outcomes: Array<[Code, string] | "ok"> = [];
  for (const call of calls) {
    outcomes.push(
      await call.then(
        () => "ok" as const,
        (e: unknown) => {
          const error = ConnectError.from(e);
          return [error.code, error.rawMessage] as [Code, string];
        },
      ),
    );
  }
  return outcomes;
}

const notFoundAll = (petId: string) =>
  Array.from({ length: 4 }, (): [Code, string] => [Code.NotFound, `pet ${petId} not found`]);

describe("reads of a pet that is gone are NotFound", () => {
  test("a pet the owner service does not know: NotFound on every read", async () => {
    expect(await readOutcomes("no-such-pet")).toEqual(notFoundAll("no-such-pet"));
  });

  test("inputs are validated before the pet is looked up", async () => {
    const badToken = await failure(vet.listRecords({ petId: "no-such-pet", pageToken: "garbage" }));
    expect([badToken.code, errorField(badToken)]).toEqual([Code.InvalidArgument, "page_token"]);
    const badRange = await failure(vet.listAppointments({ petId: "no-such-pet", from: "yesterday" }));
    expect([badRange.code, errorField(badRange)]).toEqual([Code.InvalidArgument, "from"]);
  });

  test("a known pet with nothing recorded yet reads as empty lists", async () => {
    const petId = await registerPet(owner.owners, "empty@asd.com");
    expect(await readOutcomes(petId)).toEqual(["ok", "ok", "ok", "ok"]);
    expect((await vet.listAppointments({ petId })).appointments).toEqual([]);
  });

  test("an owner whose removal has started: NotFound at once, before the veterinary data is erased", async () => {
    const petId = await registerPet(owner.owners, "leaving@asd.com");
    await vet.makeAppointment({ petId, startsAt: "2024-05-01T10:00:00Z" });
    await vet.recordVaccination({ petId, vaccine: "Rabies", administeredAt: "2024-01-01" });
    expect(await readOutcomes(petId)).toEqual(["ok", "ok", "ok", "ok"]);
    // the owner test app's participants are inert: the saga cannot erase here, only hide the owner
    await owner.owners.removeOwnerData({ ownerRef: "leaving@asd.com" });
    expect(await readOutcomes(petId)).toEqual(notFoundAll(petId));
    expect((await app.repository.listAppointments(petId, {})).length).toBe(1);
  });

  test("an erased (tombstoned) pet: NotFound on every read without asking the owner service", async () => {
    const petId = await registerPet(owner.owners, "erased@asd.com");
    await vet.makeAppointment({ petId, startsAt: "2024-05-01T10:00:00Z" });
    await internal.erasePets({ sagaId: "saga-reads", petIds: [petId] });
    ownerLink.state.down = true;
    try {
      expect(await readOutcomes(petId)).toEqual(notFoundAll(petId));
      const write = await failure(vet.makeAppointment({ petId, startsAt: "2024-06-01T10:00:00Z" }));
      expect([write.code, write.rawMessage]).toEqual([Code.NotFound, `pet ${petId} not found`]);
      // a pet not erased still needs the owner service
      expect((await failure(vet.listAppointments({ petId: "other-pet" }))).code).toBe(Code.Unavailable);
    } finally {
      ownerLink.state.down = false;
    }
  });
});

describe("a write that passed GetPet just before ErasePets leaves no orphan", () => {
  test("MakeAppointment: NotFound, no appointment row", async () => {
    const petId = await registerPet(owner.owners, "race-appt@asd.com");
    ownerLink.state.afterGetPet = async () => {
      await internal.erasePets({ sagaId: "saga-race-1", petIds: [petId] });
    };
    const error = await failure(vet.makeAppointment({ petId, startsAt: "2024-05-01T10:00:00Z" }));
    expect([error.code, error.rawMessage]).toEqual([Code.NotFound, `pet ${petId} not found`]);
    expect(await app.repository.listAppointments(petId, {})).toEqual([]);
    expect(await app.repository.getErasedPet(petId)).toMatchObject({ sagaId: "saga-race-1" });
  });

  test("RecordVaccination: NotFound, no vaccination and no reminders", async () => {
    const petId = await registerPet(owner.owners, "race-vacc@asd.com");
    ownerLink.state.afterGetPet = async () => {
      await internal.erasePets({ sagaId: "saga-race-2", petIds: [petId] });
    };
    const error = await failure(
      vet.recordVaccination({
        petId,
        vaccine: "Rabies",
        administeredAt: "2024-01-01",
        nextDueAt: "2030-01-01",
      }),
    );
    expect([error.code, error.rawMessage]).toEqual([Code.NotFound, `pet ${petId} not found`]);
    expect(await app.repository.listVaccinations(petId)).toEqual([]);
    expect(await app.repository.listPendingReminders(petId)).toEqual([]);
  });
});
