/**
 * The whole system end to end, started by the same code as `make run` (on
 * shifted ports, in a temporary data folder), driven over real sockets exactly
 * as API.md's clients do: REST through the gateway, Connect through the
 * gateway, and real gRPC straight to the services' ports.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { mailTo as mailboxTo } from "../support/mailbox.ts";
import { eventually, ROOT } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let system: RunningSystem;
beforeAll(async () => {
  system = await startSystem({ env: { REMINDER_SCAN_INTERVAL_MS: "300" } });
}, 60_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

const unique = () => `e2e-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
const todayMidnight = () => `${new Date().toISOString().slice(0, 10)}T00:00:00.000Z`;

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${system.gateway}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** The .eml files of this system's mailbox addressed to `email`. */
const mailTo = (email: string) => mailboxTo(join(system.dataDir, "mail"), email);

describe("every process of make run is healthy", () => {
  test("the table lists them all", () => {
    const names = system.processes.map((row) => row.name).sort();
    expect(names).toEqual(
      [
        "balancer",
        "demo",
        "discovery",
        "gateway",
        "notification-1",
        "owner-1",
        "owner-2",
        "veterinary-1",
        "veterinary-2",
      ].sort(),
    );
    for (const row of system.processes) expect(row.status).toBe("ok");
  });

  test("GET /status and /api/status on the gateway", async () => {
    for (const path of ["/status", "/api/status"]) {
      const res = await fetch(`${system.gateway}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{"status":"ok"}');
    }
  });
});

describe("the first version's flow over REST", () => {
  test("register → pet → list (miss, hit) → appointment → end → records → vaccination → reminder email → remove → 404", async () => {
    const email = unique();
    const registered = await call("POST", "/api/owner/register", { email });
    expect(registered.status).toBe(201);
    expect(registered.body.message).toBe("Register successful");
    expect(registered.body.ownerId).toMatch(/^[0-9a-f-]{36}$/);

    const pet = await call("POST", "/api/owner/register-pet", {
      email,
      type: "Dog",
      race: "Chihuaua",
      name: "Devil incarnate",
    });
    expect(pet.status).toBe(201);
    expect(pet.body.message).toBe("Pet Register successful");
    const petId = String(pet.body.petId);

    const miss = await call("GET", `/api/owner/${email}/pets`);
    expect(miss.status).toBe(200);
    expect(miss.headers.get("x-cache")).toBe("miss");
    expect(miss.body).toEqual({
      message: "ok",
      pets: [{ Id: petId, Type: "Dog", Race: "Chihuaua", Name: "Devil incarnate" }],
    });
    const hit = await call("GET", `/api/owner/${email}/pets`);
    expect(hit.headers.get("x-cache")).toBe("hit");
    expect(hit.body).toEqual(miss.body);
    const byId = await call("GET", `/api/owner/${registered.body.ownerId}/pets`);
    expect(byId.body).toEqual(miss.body);

    const appointment = await call("POST", "/api/veterinary/make-appointment", {
      petId,
      dateTime: "2023-09-09T13:00:00.000Z",
    });
    expect(appointment.status).toBe(201);
    expect(appointment.body.message).toBe("Appointment made");
    const clash = await call("POST", "/api/veterinary/make-appointment", {
      petId,
      dateTime: "2023-09-09T13:15:00.000Z",
    });
    expect(clash.status).toBe(409);

    const ended = await call("POST", "/end-appointment", {
      appointmentId: appointment.body.appointmentId,
      details: "dog is evil",
    });
    expect(ended).toMatchObject({ status: 200, body: { message: "Appointment ended" } });
    const again = await call("POST", "/api/veterinary/end-appointment", {
      appointmentId: appointment.body.appointmentId,
      details: "dog is evil",
    });
    expect(again.status).toBe(409);

    const records = await call("GET", `/api/veterinary/pets/${petId}/records`);
    expect(records.status).toBe(200);
    const list = records.body.records as Array<Record<string, unknown>>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      petId,
      appointmentId: appointment.body.appointmentId,
      details: "dog is evil",
    });

    const vaccination = await call("POST", "/api/veterinary/vaccinations", {
      petId,
      vaccine: "rabies",
      administeredAt: "2025-11-25T10:00:00.000Z",
      nextDueAt: todayMidnight(),
    });
    expect(vaccination.status).toBe(201);

    const mail = await eventually(() => {
      const found = mailTo(email);
      return found.length > 0 ? found : undefined;
    }, 20_000);
    expect(mail.join("\n")).toContain("Devil incarnate");
    expect(mail.join("\n").toLowerCase()).toContain("rabies");

    const removed = await call("DELETE", `/api/owner/remove-data/${email}`);
    expect(removed).toMatchObject({ status: 200, body: { message: "Owner deleted successfully" } });
    expect((await call("DELETE", `/api/owner/remove-data/${email}`)).status).toBe(404);
    expect((await call("GET", `/api/owner/${email}/pets`)).status).toBe(404);
    expect((await call("GET", `/api/owner/${registered.body.ownerId}/pets`)).status).toBe(404);
    expect(
      (await call("POST", "/api/owner/register-pet", { email, type: "Cat", race: "Any", name: "Later" }))
        .status,
    ).toBe(404);
    expect(
      (
        await call("POST", "/api/veterinary/make-appointment", {
          petId,
          dateTime: "2024-01-01T10:00:00.000Z",
        })
      ).status,
    ).toBe(404);
    expect((await call("GET", `/api/veterinary/pets/${petId}/records`)).status).toBe(404);
    expect((await call("GET", `/api/veterinary/pets/${petId}/vaccinations`)).status).toBe(404);
  }, 60_000);
});

describe("the same flow with a Connect client through the gateway", () => {
  test("public RPCs pass through; the owner is gone afterwards", async () => {
    const transport = createConnectTransport({ baseUrl: system.gateway, httpVersion: "1.1" });
    const owners = createClient(OwnerService, transport);
    const vets = createClient(VeterinaryService, transport);
    const email = unique();
    const { owner } = await owners.registerOwner({ email });
    expect(owner?.email).toBe(email);
    const { pet } = await owners.registerPet({
      ownerRef: email,
      type: "Cat",
      race: "Maine Coon",
      name: "Ünïcödé 🐈",
    });
    const { pets } = await owners.listPets({ ownerRef: owner?.id ?? "" });
    expect(pets.map((one) => one.name)).toEqual(["Ünïcödé 🐈"]);
    const { appointment } = await vets.makeAppointment({
      petId: pet?.id ?? "",
      startsAt: "2024-02-02T09:00:00.000Z",
    });
    const ended = await vets.endAppointment({ appointmentId: appointment?.id ?? "", details: "purrs" });
    expect(ended.record?.details).toBe("purrs");
    const { records } = await vets.listRecords({ petId: pet?.id ?? "", pageSize: 10 });
    expect(records.map((one) => one.details)).toEqual(["purrs"]);
    const removal = await owners.removeOwnerData({ ownerRef: email });
    expect(removal.ownerEmail).toBe(email);
    const gone = await owners
      .listPets({ ownerRef: email })
      .catch((error: unknown) => ConnectError.from(error));
    expect(gone).toBeInstanceOf(ConnectError);
    expect((gone as ConnectError).code).toBe(Code.NotFound);
  }, 30_000);
});

describe("the same flow with a real gRPC client against a service port", () => {
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js clients from proto-loader are untyped
  type Untyped = any;
  const load = (file: string) =>
    grpc.loadPackageDefinition(
      protoLoader.loadSync(join(ROOT, "proto", file), { defaults: true, enums: String }),
    ) as Untyped;
  const promisify =
    (client: Untyped, method: string) =>
    (request: object): Promise<Untyped> =>
      new Promise((resolve, reject) =>
        client[method](request, (error: grpc.ServiceError | null, value: unknown) =>
          error ? reject(error) : resolve(value),
        ),
      );

  test("owner-1 and veterinary-2 over HTTP/2", async () => {
    const ownerPkg = load("vetmesh/owner/v1/owner.proto");
    const vetPkg = load("vetmesh/veterinary/v1/veterinary.proto");
    const owner = new ownerPkg.vetmesh.owner.v1.OwnerService(
      system.grpcAddress("owner-1"),
      grpc.credentials.createInsecure(),
    );
    const vet = new vetPkg.vetmesh.veterinary.v1.VeterinaryService(
      system.grpcAddress("veterinary-2"),
      grpc.credentials.createInsecure(),
    );
    const email = unique();
    const registered = await promisify(owner, "RegisterOwner")({ email });
    const { pet } = await promisify(
      owner,
      "RegisterPet",
    )({ ownerRef: email, type: "Parrot", race: "Macaw", name: "Polly" });
    const made = await promisify(
      vet,
      "MakeAppointment",
    )({ petId: pet.id, startsAt: "2024-03-03T10:00:00.000Z" });
    expect(made.appointment.status).toBe("APPOINTMENT_STATUS_SCHEDULED");
    await promisify(vet, "EndAppointment")({ appointmentId: made.appointment.id, details: "talks too much" });
    const removal = await promisify(owner, "RemoveOwnerData")({ ownerRef: registered.owner.id });
    expect(removal.state).toBe("REMOVAL_STATE_COMPLETED");
    const error = await promisify(owner, "ListPets")({ ownerRef: email }).catch((e: grpc.ServiceError) => e);
    expect(error.code).toBe(grpc.status.NOT_FOUND);
    owner.close();
    vet.close();
  }, 30_000);
});

describe("make stop", () => {
  test("stops every process make run started, checked by pid", async () => {
    const pids = system.processes.map((row) => row.pid);
    expect(pids.length).toBe(9);
    await system.stop();
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 30_000);
});
