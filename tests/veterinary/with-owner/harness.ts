/**
 * Wiring of the veterinary-with-owner suites (tests/veterinary/with-owner): a real owner
 * service app in memory behind an in-process router transport, and the
 * veterinary app under test, so tests exercise the actual cross-service calls.
 */
import { afterAll } from "bun:test";
import { type Client, createClient, createRouterTransport, type Transport } from "@connectrpc/connect";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryInternalService, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createTestClock, kitRouterTransport } from "@vetmesh/kit/testing";
import { createOwnerApp, type OwnerApp } from "@vetmesh/owner-service/app";
import {
  createVeterinaryApp,
  type VeterinaryApp,
  type VeterinaryAppOptions,
} from "@vetmesh/veterinary-service/app";

/** A real owner app (SQLite in memory) whose participants are inert. */
export async function createTestOwner(): Promise<{
  app: OwnerApp;
  transport: Transport;
  owners: Client<typeof OwnerService>;
}> {
  const inert = createRouterTransport(() => {});
  const app = await createOwnerApp({
    databaseUrl: "sqlite::memory:",
    veterinaryTransport: inert,
    notificationTransport: inert,
    resumeSagas: false,
    removalWaitMs: 100,
  });
  const transport = kitRouterTransport("owner", app.routes);
  return { app, transport, owners: createClient(OwnerService, transport) };
}

/** Registers an owner (if new) and a pet; returns the pet id. */
export async function registerPet(
  owners: Client<typeof OwnerService>,
  email: string,
  name = "Devil incarnate",
) {
  await owners.registerOwner({ email }).catch(() => undefined);
  const { pet } = await owners.registerPet({ ownerRef: email, type: "Dog", race: "Chihuaua", name });
  return pet!.id;
}

/** The veterinary app under test plus clients for both of its services. */
export async function createTestVeterinary(
  options: Partial<VeterinaryAppOptions> & Pick<VeterinaryAppOptions, "ownerTransport">,
): Promise<{
  app: VeterinaryApp;
  vet: Client<typeof VeterinaryService>;
  internal: Client<typeof VeterinaryInternalService>;
}> {
  const app = await createVeterinaryApp({ databaseUrl: "sqlite::memory:", ...options });
  const transport = kitRouterTransport("veterinary", app.routes);
  return {
    app,
    vet: createClient(VeterinaryService, transport),
    internal: createClient(VeterinaryInternalService, transport),
  };
}

/** A real owner app and the veterinary app under test on a test clock at `now`; both close after the file's tests. */
export async function createClockedVeterinary(now: number) {
  const clock = createTestClock(now);
  const owner = await createTestOwner();
  const { app, vet } = await createTestVeterinary({ ownerTransport: owner.transport, clock: clock.now });
  afterAll(async () => {
    await app.close();
    await owner.app.close();
  });
  return { clock, owner, app, vet };
}
