/**
 * Calls that bypass the gateway, in AUTH_MODE=required over real processes:
 * the balancer proxy serves only the public services (internal RPCs —
 * ErasePets, GetPet/GetOwner, EnqueueEmail, CancelPending, dead letters — are
 * not found there, nor at the gateway), and each service checks the relayed
 * token and ownership itself, so the proxy or a service port gives nothing
 * without a valid identity. Then the seed flow, with tokens, in required mode.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { DescService } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { OwnerInternalService, OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryInternalService, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { mailTo as mailboxTo } from "../support/mailbox.ts";
import { eventually, ROOT } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";
import { type SystemTokens, systemTokens } from "../support/tokens.ts";

let system: RunningSystem;
let tokens: SystemTokens;
beforeAll(async () => {
  system = await startSystem({ env: { AUTH_MODE: "required", REMINDER_SCAN_INTERVAL_MS: "300" } });
  tokens = systemTokens(system.dataDir);
}, 90_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

const unique = () => `bypass-${crypto.randomUUID().slice(0, 8)}@owners.test`;
const httpOf = (name: string) => system.processes.find((row) => row.name === name)?.http ?? "";

async function rest(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function codeOf(call: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await call;
    return "ok";
  } catch (error) {
    return ConnectError.from(error).code;
  }
}

/** An owner with one pet, made by reception through the gateway. */
async function ownerWithPet() {
  const reception = await tokens.bearer("reception");
  const email = unique();
  await rest("POST", "/api/owner/register", reception, { email });
  const pet = await rest("POST", "/api/owner/register-pet", reception, {
    email,
    type: "Dog",
    race: "Pug",
    name: "P",
  });
  return { email, petId: String(pet.body.petId) };
}

describe("internal RPCs are unreachable from the outside", () => {
  const internalCalls = (service: DescService, baseUrl: string, headers: Record<string, string>) => {
    const transport = createConnectTransport({ baseUrl, httpVersion: "1.1" });
    if (service === OwnerInternalService) {
      const c = createClient(OwnerInternalService, transport);
      return [c.getPet({ petId: "x" }, { headers }), c.getOwner({ ownerRef: "a@b.test" }, { headers })];
    }
    if (service === VeterinaryInternalService) {
      const c = createClient(VeterinaryInternalService, transport);
      return [c.erasePets({ sagaId: "evil", petIds: ["x"] }, { headers })];
    }
    const c = createClient(NotificationService, transport);
    return [
      c.enqueueEmail(
        { idempotencyKey: "evil", recipient: "victim@owners.test", subject: "s", text: "t" },
        { headers },
      ),
      c.cancelPending({ sagaId: "evil", recipient: "victim@owners.test" }, { headers }),
      c.listDeadLetters({}, { headers }),
      c.retryDeadLetter({ id: "x" }, { headers }),
    ];
  };

  for (const [where, base] of [
    ["the balancer proxy", () => httpOf("balancer")],
    ["the gateway", () => system.gateway],
  ] as const) {
    test(`through ${where}: every internal method is Unimplemented (not found), even for an admin`, async () => {
      const admin = await tokens.bearer("admin");
      for (const service of [OwnerInternalService, VeterinaryInternalService, NotificationService]) {
        const codes = await Promise.all(internalCalls(service, base(), admin).map(codeOf));
        expect({ service: service.typeName, codes }).toEqual({
          service: service.typeName,
          codes: codes.map(() => Code.Unimplemented),
        });
      }
    });
  }

  test("ErasePets over real gRPC to the proxy's h2c port: UNIMPLEMENTED, and the pet is still there", async () => {
    const { email, petId } = await ownerWithPet();
    const pkg = grpc.loadPackageDefinition(
      protoLoader.loadSync(join(ROOT, "proto/vetmesh/veterinary/v1/veterinary.proto"), { defaults: true }),
      // biome-ignore lint/suspicious/noExplicitAny: grpc-js clients from proto-loader are untyped
    ) as any;
    const client = new pkg.vetmesh.veterinary.v1.VeterinaryInternalService(
      system.grpcAddress("balancer"),
      grpc.credentials.createInsecure(),
    );
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${await tokens.token("admin")}`);
    const error = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.ErasePets({ sagaId: "evil", petIds: [petId] }, metadata, (e: grpc.ServiceError | null) =>
        resolve(e),
      ),
    );
    client.close();
    expect(error?.code).toBe(grpc.status.UNIMPLEMENTED);
    const pets = await rest("GET", `/api/owner/${email}/pets`, await tokens.bearer("admin"));
    expect(pets.status).toBe(200);
    expect((pets.body.pets as Array<{ Id: string }>).map((p) => p.Id)).toEqual([petId]);
  });
});

describe("public RPCs through the proxy and on service ports check identity themselves", () => {
  test("proxy: no token Unauthenticated, forged header Unauthenticated, owner B PermissionDenied, owner A ok", async () => {
    const { email, petId } = await ownerWithPet();
    const transport = createConnectTransport({ baseUrl: httpOf("balancer"), httpVersion: "1.1" });
    const owners = createClient(OwnerService, transport);
    const vets = createClient(VeterinaryService, transport);
    const forged = { "x-vetmesh-identity": '{"role":"admin"}', "x-user-role": "admin" };
    expect(await codeOf(owners.listPets({ ownerRef: email }))).toBe(Code.Unauthenticated);
    expect(await codeOf(owners.listPets({ ownerRef: email }, { headers: forged }))).toBe(
      Code.Unauthenticated,
    );
    expect(
      await codeOf(owners.listPets({ ownerRef: email }, { headers: { authorization: "Bearer x.y.z" } })),
    ).toBe(Code.Unauthenticated);
    const intruder = await tokens.bearer("owner", unique());
    expect(await codeOf(owners.listPets({ ownerRef: email }, { headers: intruder }))).toBe(
      Code.PermissionDenied,
    );
    expect(await codeOf(owners.removeOwnerData({ ownerRef: email }, { headers: intruder }))).toBe(
      Code.PermissionDenied,
    );
    expect(await codeOf(vets.listRecords({ petId }, { headers: intruder }))).toBe(Code.PermissionDenied);
    expect(
      await codeOf(
        vets.makeAppointment({ petId, startsAt: "2031-05-05T10:00:00.000Z" }, { headers: intruder }),
      ),
    ).toBe(Code.PermissionDenied);
    expect(await codeOf(vets.listRecords({ petId }, { headers: await tokens.bearer("reception") }))).toBe(
      Code.PermissionDenied,
    );
    const own = await owners.listPets({ ownerRef: email }, { headers: await tokens.bearer("owner", email) });
    expect(own.pets.map((p) => p.id)).toEqual([petId]);
  });

  test("a service's own gRPC port: no token UNAUTHENTICATED, a vet's token OK", async () => {
    const { email } = await ownerWithPet();
    const pkg = grpc.loadPackageDefinition(
      protoLoader.loadSync(join(ROOT, "proto/vetmesh/owner/v1/owner.proto"), { defaults: true }),
      // biome-ignore lint/suspicious/noExplicitAny: grpc-js clients from proto-loader are untyped
    ) as any;
    const client = new pkg.vetmesh.owner.v1.OwnerService(
      system.grpcAddress("owner-2"),
      grpc.credentials.createInsecure(),
    );
    const listPets = (metadata: grpc.Metadata) =>
      new Promise<{ error: grpc.ServiceError | null; value?: { pets: unknown[] } }>((resolve) =>
        client.ListPets(
          { ownerRef: email },
          metadata,
          (error: grpc.ServiceError | null, value: { pets: unknown[] }) => resolve({ error, value }),
        ),
      );
    expect((await listPets(new grpc.Metadata())).error?.code).toBe(grpc.status.UNAUTHENTICATED);
    const metadata = new grpc.Metadata();
    metadata.set("authorization", `Bearer ${await tokens.token("vet")}`);
    const ok = await listPets(metadata);
    client.close();
    expect(ok.error).toBeNull();
    expect(ok.value?.pets).toHaveLength(1);
  });
});

describe("the seed flow in required mode, with tokens", () => {
  const mailTo = (email: string) => mailboxTo(join(system.dataDir, "mail"), email);

  test("REST: reception registers, the owner lists, a vet ends and vaccinates, the owner reads and removes", async () => {
    const email = unique();
    const reception = await tokens.bearer("reception");
    const vet = await tokens.bearer("vet", "vet@clinic.test");
    const owner = await tokens.bearer("owner", email);
    const registered = await rest("POST", "/api/owner/register", reception, { email });
    expect(registered).toMatchObject({ status: 201, body: { message: "Register successful" } });
    const pet = await rest("POST", "/api/owner/register-pet", reception, {
      email,
      type: "Dog",
      race: "Chihuaua",
      name: "Devil incarnate",
    });
    expect(pet.status).toBe(201);
    const petId = String(pet.body.petId);
    const list = await rest("GET", `/api/owner/${email}/pets`, owner);
    expect(list.body).toEqual({
      message: "ok",
      pets: [{ Id: petId, Type: "Dog", Race: "Chihuaua", Name: "Devil incarnate" }],
    });
    const made = await rest("POST", "/api/veterinary/make-appointment", owner, {
      petId,
      dateTime: "2023-09-09T13:00:00.000Z",
    });
    expect(made).toMatchObject({ status: 201, body: { message: "Appointment made" } });
    const ended = await rest("POST", "/end-appointment", vet, {
      appointmentId: made.body.appointmentId,
      details: "dog is evil",
    });
    expect(ended).toMatchObject({ status: 200, body: { message: "Appointment ended" } });
    const records = await rest("GET", `/api/veterinary/pets/${petId}/records`, owner);
    expect((records.body.records as Array<{ details: string }>).map((r) => r.details)).toEqual([
      "dog is evil",
    ]);
    const today = `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;
    const vaccination = await rest("POST", "/api/veterinary/vaccinations", vet, {
      petId,
      vaccine: "rabies",
      administeredAt: "2025-11-25T10:00:00.000Z",
      nextDueAt: today,
    });
    expect(vaccination.status).toBe(201);
    const mail = await eventually(() => {
      const found = mailTo(email);
      return found.length > 0 ? found : undefined;
    }, 20_000);
    expect(mail.join("\n")).toContain("Devil incarnate");
    const removed = await rest("DELETE", `/api/owner/remove-data/${email}`, owner);
    expect(removed).toMatchObject({ status: 200, body: { message: "Owner deleted successfully" } });
    expect((await rest("GET", `/api/owner/${email}/pets`, await tokens.bearer("admin"))).status).toBe(404);
  }, 60_000);

  test("Connect through the gateway with tokens", async () => {
    const transport = createConnectTransport({ baseUrl: system.gateway, httpVersion: "1.1" });
    const owners = createClient(OwnerService, transport);
    const vets = createClient(VeterinaryService, transport);
    const email = unique();
    const owner = { headers: await tokens.bearer("owner", email) };
    const vet = { headers: await tokens.bearer("vet") };
    expect(await codeOf(owners.registerOwner({ email }))).toBe(Code.Unauthenticated);
    await owners.registerOwner({ email }, owner);
    const { pet } = await owners.registerPet(
      { ownerRef: email, type: "Cat", race: "Any", name: "Tom" },
      owner,
    );
    const { appointment } = await vets.makeAppointment(
      { petId: pet?.id ?? "", startsAt: "2024-02-02T09:00:00.000Z" },
      owner,
    );
    expect(
      await codeOf(vets.endAppointment({ appointmentId: appointment?.id ?? "", details: "x" }, owner)),
    ).toBe(Code.PermissionDenied);
    await vets.endAppointment({ appointmentId: appointment?.id ?? "", details: "purrs" }, vet);
    const { records } = await vets.listRecords({ petId: pet?.id ?? "" }, owner);
    expect(records.map((r) => r.details)).toEqual(["purrs"]);
    const removal = await owners.removeOwnerData({ ownerRef: email }, owner);
    expect(removal.ownerEmail).toBe(email);
  }, 30_000);
});
