/**
 * Test-only wiring (imported by *.test.ts, never by main.ts): a real owner
 * service app in memory behind an in-process router transport, and the
 * veterinary app under test, so tests exercise the actual cross-service calls.
 */
import {
  type Client,
  type ConnectRouter,
  createClient,
  createRouterTransport,
  type Transport,
} from "@connectrpc/connect";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryInternalService, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createInFlight, createKitMetrics, createLogger, createServerInterceptor } from "@vetmesh/kit";
import { createOwnerApp, type OwnerApp } from "@vetmesh/owner-service/app";
import { createVeterinaryApp, type VeterinaryApp, type VeterinaryAppOptions } from "../app.ts";

/**
 * An in-memory transport to `routes` behind the kit's server interceptor, so
 * domain errors become the same Connect codes as in a real process.
 */
export function kitRouterTransport(routes: (router: ConnectRouter) => void, service: string): Transport {
  const interceptor = createServerInterceptor({
    service,
    logger: createLogger({ level: "silent" }),
    metrics: createKitMetrics({ service, instance: `test-${crypto.randomUUID()}` }),
    inFlight: createInFlight(),
  });
  return createRouterTransport(routes, { router: { interceptors: [interceptor] } });
}

/** A controllable clock: tests set or advance it instead of sleeping. */
export function createTestClock(start: number) {
  let now = start;
  return {
    now: () => new Date(now),
    set(ms: number) {
      now = ms;
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

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
  const transport = kitRouterTransport(app.routes, "owner");
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
  const transport = kitRouterTransport(app.routes, "veterinary");
  return {
    app,
    vet: createClient(VeterinaryService, transport),
    internal: createClient(VeterinaryInternalService, transport),
  };
}
