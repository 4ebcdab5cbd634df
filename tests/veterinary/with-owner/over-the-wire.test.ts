import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { loadConfig, type RunningService, startService } from "@vetmesh/kit";
import { createVeterinaryApp, type VeterinaryApp } from "@vetmesh/veterinary-service/app";
import { configShape } from "@vetmesh/veterinary-service/config";
import { createTestOwner } from "./harness.ts";

/**
 * The real veterinary service on real sockets (startService, port 0), called
 * by @grpc/grpc-js clients built from the .proto, and itself calling a real
 * owner service over gRPC (h2c): status codes, trailers and the error field
 * metadata as a third-party client sees them.
 */
const protoRoot = fileURLToPath(new URL("../../../proto", import.meta.url));
const loaderOptions = { includeDirs: [protoRoot], keepCase: true, defaults: true, enums: String };
const definition = protoLoader.loadSync(
  [
    join(protoRoot, "vetmesh/veterinary/v1/veterinary.proto"),
    join(protoRoot, "vetmesh/owner/v1/owner.proto"),
  ],
  loaderOptions,
);
type Callback = (err: grpc.ServiceError | null, res: Record<string, unknown>) => void;
type GrpcClient = grpc.Client &
  Record<string, (req: object, md: grpc.Metadata, o: object, cb: Callback) => void>;
type Ctor = new (address: string, creds: grpc.ChannelCredentials) => GrpcClient;
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  vetmesh: { veterinary: { v1: Record<string, Ctor> }; owner: { v1: Record<string, Ctor> } };
};

/** One unary call; resolves with the response or the ServiceError. */
function call(client: GrpcClient, method: string, req: object, deadlineMs = 5000) {
  return new Promise<{ res?: Record<string, unknown>; err?: grpc.ServiceError }>((resolve) => {
    client[method]!(req, new grpc.Metadata(), { deadline: Date.now() + deadlineMs }, (err, res) =>
      resolve(err ? { err } : { res }),
    );
  });
}
function fieldOf(err: grpc.ServiceError | undefined): unknown {
  return err?.metadata.get("vetmesh-field")[0];
}

const dir = mkdtempSync(join(tmpdir(), "vet-wire-"));
const started: RunningService[] = [];
const apps: VeterinaryApp[] = [];
const clients: GrpcClient[] = [];
let vet: GrpcClient;
let internal: GrpcClient;
let ownerPublic: GrpcClient;

function config(extra: Record<string, string> = {}) {
  return loadConfig(configShape, {
    GRPC_PORT: "0",
    HTTP_PORT: "0",
    LOG_LEVEL: "silent",
    DRAIN_DELAY_MS: "0",
    ...extra,
  });
}

/** Starts a veterinary service whose owner transport reaches `ownerUrl` over gRPC. */
async function startVeterinary(ownerUrl: string, ownerTimeoutMs = 2000) {
  const cfg = config({ DATABASE_URL: `sqlite:${join(dir, `vet-${crypto.randomUUID()}.db`)}` });
  const app = await createVeterinaryApp({
    databaseUrl: cfg.DATABASE_URL,
    ownerTransport: createGrpcTransport({ baseUrl: ownerUrl }),
    ownerTimeoutMs,
  });
  apps.push(app);
  const running = await startService({
    name: "veterinary",
    config: cfg,
    routes: app.routes,
    health: app.health,
  });
  started.push(running);
  const address = `127.0.0.1:${running.grpcPort}`;
  const v1 = pkg.vetmesh.veterinary.v1;
  const pair = {
    vet: new v1.VeterinaryService!(address, grpc.credentials.createInsecure()),
    internal: new v1.VeterinaryInternalService!(address, grpc.credentials.createInsecure()),
  };
  clients.push(pair.vet, pair.internal);
  return pair;
}

beforeAll(async () => {
  const owner = await createTestOwner();
  const ownerCfg = config();
  const ownerRunning = await startService({
    name: "owner",
    config: ownerCfg,
    routes: owner.app.routes,
    onShutdown: () => owner.app.close(),
  });
  started.push(ownerRunning);
  ownerPublic = new pkg.vetmesh.owner.v1.OwnerService!(
    `127.0.0.1:${ownerRunning.grpcPort}`,
    grpc.credentials.createInsecure(),
  );
  clients.push(ownerPublic);
  ({ vet, internal } = await startVeterinary(`http://127.0.0.1:${ownerRunning.grpcPort}`));
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const running of started) await running.drain();
  for (const app of apps) await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("veterinary over gRPC (grpc-js client, real owner service over h2c)", () => {
  let petId = "";
  test("setup: owner and pet registered on the real owner service", async () => {
    expect((await call(ownerPublic, "RegisterOwner", { email: "wire@asd.com" })).err).toBeUndefined();
    const { res } = await call(ownerPublic, "RegisterPet", {
      owner_ref: "wire@asd.com",
      type: "Dog",
      race: "Chihuaua",
      name: "Rex",
    });
    petId = (res!.pet as { id: string }).id;
    expect(petId).not.toBe("");
  });

  test("appointments: make, overlap, invalid, unknown pet, end, end again, cancel, list", async () => {
    const made = await call(vet, "MakeAppointment", { pet_id: petId, starts_at: "2023-09-09T13:00:00.000Z" });
    const appointment = made.res!.appointment as Record<string, unknown>;
    expect(appointment).toMatchObject({
      pet_id: petId,
      starts_at: "2023-09-09T13:00:00.000Z",
      duration_minutes: 30,
      status: "APPOINTMENT_STATUS_SCHEDULED",
    });

    const overlap = await call(vet, "MakeAppointment", { pet_id: petId, starts_at: "2023-09-09T13:10:00Z" });
    expect(overlap.err?.code).toBe(grpc.status.ALREADY_EXISTS);
    const bad = await call(vet, "MakeAppointment", { pet_id: petId, starts_at: "2023-13-45" });
    expect([bad.err?.code, fieldOf(bad.err)]).toEqual([grpc.status.INVALID_ARGUMENT, "starts_at"]);
    const ghost = await call(vet, "MakeAppointment", { pet_id: "ghost", starts_at: "2023-09-09T13:00:00Z" });
    expect(ghost.err?.code).toBe(grpc.status.NOT_FOUND);

    const ended = await call(vet, "EndAppointment", {
      appointment_id: appointment.id,
      details: "dog is evil",
    });
    expect((ended.res!.record as Record<string, unknown>).details).toBe("dog is evil");
    expect((ended.res!.appointment as Record<string, unknown>).status).toBe("APPOINTMENT_STATUS_ENDED");
    expect(
      (await call(vet, "EndAppointment", { appointment_id: appointment.id, details: "x" })).err?.code,
    ).toBe(grpc.status.ALREADY_EXISTS);
    expect((await call(vet, "EndAppointment", { appointment_id: "nope", details: "x" })).err?.code).toBe(
      grpc.status.NOT_FOUND,
    );

    const second = await call(vet, "MakeAppointment", {
      pet_id: petId,
      starts_at: "2023-09-10T13:00:00Z",
      duration_minutes: 45,
      reason: "shots",
    });
    const secondId = (second.res!.appointment as { id: string }).id;
    const cancelled = await call(vet, "CancelAppointment", { appointment_id: secondId });
    expect((cancelled.res!.appointment as Record<string, unknown>).status).toBe(
      "APPOINTMENT_STATUS_CANCELLED",
    );
    expect((await call(vet, "CancelAppointment", { appointment_id: secondId })).err?.code).toBe(
      grpc.status.ALREADY_EXISTS,
    );
    expect((await call(vet, "CancelAppointment", { appointment_id: "nope" })).err?.code).toBe(
      grpc.status.NOT_FOUND,
    );

    const listed = await call(vet, "ListAppointments", {
      pet_id: petId,
      from: "2023-09-09T00:00:00Z",
      to: "2023-09-11T00:00:00Z",
    });
    expect((listed.res!.appointments as { status: string }[]).map((a) => a.status)).toEqual([
      "APPOINTMENT_STATUS_ENDED",
      "APPOINTMENT_STATUS_CANCELLED",
    ]);
    const badRange = await call(vet, "ListAppointments", { pet_id: petId, from: "tomorrow" });
    expect([badRange.err?.code, fieldOf(badRange.err)]).toEqual([grpc.status.INVALID_ARGUMENT, "from"]);
  });

  test("records: newest first with page token", async () => {
    const records = await call(vet, "ListRecords", { pet_id: petId, page_size: 1 });
    expect((records.res!.records as { details: string }[]).map((r) => r.details)).toEqual(["dog is evil"]);
    expect(records.res!.next_page_token).toBe("");
    const bad = await call(vet, "ListRecords", { pet_id: petId, page_token: "x" });
    expect([bad.err?.code, fieldOf(bad.err)]).toEqual([grpc.status.INVALID_ARGUMENT, "page_token"]);
  });

  test("vaccinations: record with the interval table, list with due state", async () => {
    const recorded = await call(vet, "RecordVaccination", {
      pet_id: petId,
      vaccine: "Rabies",
      administered_at: "2020-01-01",
    });
    expect(recorded.res!.vaccination).toMatchObject({
      next_due_at: "2020-12-31T00:00:00.000Z",
      due_state: "DUE_STATE_OVERDUE",
    });
    const listed = await call(vet, "ListVaccinations", { pet_id: petId });
    expect((listed.res!.vaccinations as { vaccine: string }[]).map((v) => v.vaccine)).toEqual(["Rabies"]);
    const bad = await call(vet, "RecordVaccination", {
      pet_id: petId,
      vaccine: "Rabies",
      administered_at: "tomorrow",
    });
    expect([bad.err?.code, fieldOf(bad.err)]).toEqual([grpc.status.INVALID_ARGUMENT, "administered_at"]);
  });

  test("ErasePets twice leaves nothing and succeeds both times; the pet reads as NOT_FOUND after", async () => {
    const first = await call(internal, "ErasePets", { saga_id: "s1", pet_ids: [petId, "unknown"] });
    expect(first.res).toEqual({ appointments_erased: 2, records_erased: 1, vaccinations_erased: 1 });
    const second = await call(internal, "ErasePets", { saga_id: "s1", pet_ids: [petId, "unknown"] });
    expect(second.res).toEqual({ appointments_erased: 0, records_erased: 0, vaccinations_erased: 0 });
    // the pet is tombstoned: its reads are NOT_FOUND although the owner service still knows it
    for (const method of ["ListAppointments", "ListRecords", "ListVaccinations", "ListReminders"]) {
      const read = await call(vet, method, { pet_id: petId });
      expect([method, read.err?.code, read.err?.details]).toEqual([
        method,
        grpc.status.NOT_FOUND,
        `pet ${petId} not found`,
      ]);
    }
  });
});

describe("owner service down, over the wire", () => {
  let blackHole: Server;
  const sockets = new Set<Socket>();
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    blackHole?.close();
  });

  test("nothing listening on the owner's port: Unavailable, fast", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { vet: client } = await startVeterinary(`http://127.0.0.1:${port}`, 1000);
    const t0 = performance.now();
    const { err } = await call(client, "MakeAppointment", { pet_id: "p", starts_at: "2023-09-09T13:00:00Z" });
    expect(err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  test("an owner that accepts connections but never answers: Unavailable at the owner deadline, no hang", async () => {
    blackHole = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const port = (blackHole.address() as { port: number }).port;
    const { vet: client } = await startVeterinary(`http://127.0.0.1:${port}`, 400);
    const t0 = performance.now();
    const { err } = await call(
      client,
      "MakeAppointment",
      { pet_id: "p", starts_at: "2023-09-09T13:00:00Z" },
      5000,
    );
    const elapsed = performance.now() - t0;
    expect(err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(2000);
  });
});
