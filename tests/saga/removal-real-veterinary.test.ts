import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { lateTransport } from "@vetmesh/kit/testing";
import { createOwnerHarness } from "@vetmesh/owner-service/testing/harness";
import { createVeterinaryApp, type VeterinaryApp } from "@vetmesh/veterinary-service/app";
import { findOrphans, rowsAbout } from "../support/invariants.ts";

/**
 * The saga against the real veterinary app (in process, on its own SQLite
 * file): the owner calls its ErasePets, and it calls the owner's GetPet.
 * Both directions go through Connect's in-memory transport.
 */
let vetApp: VeterinaryApp;
let harness: Awaited<ReturnType<typeof createOwnerHarness>>;
let vetDbPath = "";

beforeAll(async () => {
  // The two apps call each other: each transport is bound once its app exists.
  const toOwner = lateTransport();
  const toVeterinary = lateTransport();
  harness = await createOwnerHarness({ veterinaryTransport: toVeterinary.transport });
  toOwner.bind(harness.transport);
  vetDbPath = join(harness.dir, "veterinary.db");
  vetApp = await createVeterinaryApp({
    databaseUrl: `sqlite:${vetDbPath}`,
    ownerTransport: toOwner.transport,
  });
  toVeterinary.bind(createRouterTransport(vetApp.routes));
});
afterAll(async () => {
  await vetApp.close();
  await harness.close();
});

describe("removal saga with the real veterinary service", () => {
  test("erases appointments, records and vaccinations of the owner's pets, then the owner", async () => {
    const owners = createClient(OwnerService, harness.transport);
    const vet = createClient(VeterinaryService, createRouterTransport(vetApp.routes));
    const { owner } = await owners.registerOwner({ email: "real-vet@example.org" });
    const { pet } = await owners.registerPet({ ownerRef: owner!.id, type: "Dog", race: "", name: "Rex" });
    const { appointment } = await vet.makeAppointment({
      petId: pet!.id,
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    await vet.endAppointment({ appointmentId: appointment!.id, details: "fine" });
    await vet.recordVaccination({
      petId: pet!.id,
      vaccine: "rabies",
      administeredAt: new Date().toISOString(),
    });
    const files = { owner: join(harness.dir, "owner.db"), veterinary: vetDbPath };
    const about = { ownerIds: [owner!.id], petIds: [pet!.id], emails: [] };
    expect(rowsAbout(files, about)).toEqual({
      owners: 1,
      pets: 1,
      petsOfOwner: 1,
      appointments: 1,
      consultation_records: 1,
      vaccinations: 1,
    });
    const res = await owners.removeOwnerData({ ownerRef: "real-vet@example.org" }, { timeoutMs: 3_000 });
    expect(res.state).toBe(RemovalState.COMPLETED);
    expect(rowsAbout(files, about)).toEqual({
      owners: 0,
      pets: 0,
      petsOfOwner: 0,
      appointments: 0,
      consultation_records: 0,
      vaccinations: 0,
    });
    expect(findOrphans(files)).toEqual([]);
  });
});
