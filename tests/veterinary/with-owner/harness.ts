/**
 * Wiring of the veterinary-with-owner suites (tests/veterinary/with-owner): a real owner
 * service app in memory behind an in-process router transport, and the
 * veterinary app under test, so tests exercise the actual cross-service calls.
 */
import { afterAll, beforeEach } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { createRecordingNotifications } from "./recording-notifications.ts";

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

/**
 * What the reminder scanners' suites share: one owner app and a scratch folder
 * for the file, a fresh test clock at `t0` and a fresh notification recorder
 * before each test, and `vetApp` building a veterinary app on them (closed
 * after the file). `extra` adds options such as the clinic's time zone.
 */
export async function createReminderSuite(
  t0: number,
  extra: Partial<VeterinaryAppOptions> = {},
  folderPrefix = "vet-reminders-",
) {
  const dir = mkdtempSync(join(tmpdir(), folderPrefix));
  const owner = await createTestOwner();
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers) await close();
    await owner.app.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const suite = {
    dir,
    owner,
    clock: createTestClock(t0),
    notifications: createRecordingNotifications(),
    async vetApp(databaseUrl = "sqlite::memory:", instanceId = "vet-a") {
      const built = await createTestVeterinary({
        databaseUrl,
        ownerTransport: owner.transport,
        notificationTransport: suite.notifications.transport,
        clock: suite.clock.now,
        instanceId,
        reminders: { clinicName: "Happy Paws", retryMs: 60_000 },
        ...extra,
      });
      closers.push(() => built.app.close());
      return built;
    },
  };
  beforeEach(() => {
    suite.clock = createTestClock(t0);
    suite.notifications = createRecordingNotifications();
  });
  return suite;
}
