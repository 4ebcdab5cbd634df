import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { loadConfig, type RunningService, startService } from "@vetmesh/kit";
import { createOwnerApp, type OwnerApp } from "../app.ts";
import { configShape } from "../config.ts";
import { createTestParticipants } from "../testing/participants.ts";

/**
 * The real service on real sockets (startService, port 0), called by
 * @grpc/grpc-js clients built from the .proto: what a third-party gRPC client
 * sees, trailers, status codes and error metadata included.
 */
const protoRoot = fileURLToPath(new URL("../../../../proto", import.meta.url));
const definition = protoLoader.loadSync(join(protoRoot, "vetmesh/owner/v1/owner.proto"), {
  includeDirs: [protoRoot],
  keepCase: true,
  defaults: true,
  enums: String,
});
type Unary = (
  req: object,
  options: { deadline: number },
  cb: (err: grpc.ServiceError | null, res: never) => void,
) => void;
type GrpcClient = grpc.Client & Record<string, Unary>;
const pkg = grpc.loadPackageDefinition(definition) as unknown as {
  vetmesh: {
    owner: { v1: Record<string, new (address: string, creds: grpc.ChannelCredentials) => GrpcClient> };
  };
};

const dir = mkdtempSync(join(tmpdir(), "owner-grpc-"));
let app: OwnerApp;
let running: RunningService;
let owners: GrpcClient;
let internal: GrpcClient;

beforeAll(async () => {
  const config = loadConfig(configShape, {
    GRPC_PORT: "0",
    HTTP_PORT: "0",
    LOG_LEVEL: "silent",
    INSTANCE_ID: "owner-grpc-test",
    DATABASE_URL: `sqlite:${join(dir, "owner.db")}`,
  });
  const participants = createTestParticipants();
  app = await createOwnerApp({
    databaseUrl: config.DATABASE_URL,
    veterinaryTransport: participants.veterinaryTransport,
    notificationTransport: participants.notificationTransport,
    instanceId: config.INSTANCE_ID,
    saga: { retryMinMs: 10, retryMaxMs: 50, sweepIntervalMs: 200 },
  });
  running = await startService({
    name: "owner",
    config,
    routes: app.routes,
    health: app.health,
    onShutdown: () => app.close(),
  });
  const address = `127.0.0.1:${running.grpcPort}`;
  owners = new pkg.vetmesh.owner.v1.OwnerService!(address, grpc.credentials.createInsecure());
  internal = new pkg.vetmesh.owner.v1.OwnerInternalService!(address, grpc.credentials.createInsecure());
});
afterAll(async () => {
  owners?.close();
  internal?.close();
  await running?.drain();
  rmSync(dir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: responses are plain objects decoded by proto-loader
function call(client: GrpcClient, method: string, req: object): Promise<any> {
  return new Promise((resolve, reject) => {
    client[method]!(req, { deadline: Date.now() + 5_000 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; field?: string }> {
  try {
    await promise;
  } catch (error) {
    const err = error as grpc.ServiceError;
    const field = err.metadata?.get("vetmesh-field")[0];
    return field ? { code: grpc.status[err.code], field: String(field) } : { code: grpc.status[err.code] };
  }
  throw new Error("expected the call to fail");
}

describe("owner service over gRPC (grpc-js)", () => {
  test("/status answers 200 on the HTTP listener", async () => {
    const res = await fetch(`http://127.0.0.1:${running.httpPort}/status`);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: "ok" } });
  });

  test("every RPC succeeds end to end", async () => {
    const { owner } = await call(owners, "RegisterOwner", { email: " Wire@Example.org " });
    expect(owner.email).toBe("wire@example.org");
    const { pet } = await call(owners, "RegisterPet", {
      owner_ref: "wire@example.org",
      type: "Dog",
      race: "Chihuaua",
      name: "Dévil 😈",
    });
    expect(pet).toMatchObject({ owner_id: owner.id, type: "Dog", race: "Chihuaua", name: "Dévil 😈" });
    const listed = await call(owners, "ListPets", { owner_ref: owner.id });
    expect(listed.pets).toEqual([pet]);
    expect(await call(internal, "GetPet", { pet_id: pet.id })).toEqual({ pet, owner });
    expect(await call(internal, "GetOwner", { owner_ref: "WIRE@example.org" })).toEqual({ owner });
    const removed = await call(owners, "RemoveOwnerData", { owner_ref: "wire@example.org" });
    expect(removed).toMatchObject({
      state: "REMOVAL_STATE_COMPLETED",
      owner_id: owner.id,
      owner_email: "wire@example.org",
    });
  });

  test("every error code: AlreadyExists, InvalidArgument (with field), NotFound", async () => {
    await call(owners, "RegisterOwner", { email: "codes@example.org" });
    expect(await failure(call(owners, "RegisterOwner", { email: "CODES@example.org" }))).toEqual({
      code: "ALREADY_EXISTS",
    });
    expect(await failure(call(owners, "RegisterOwner", { email: "bad" }))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "email",
    });
    const pet = { owner_ref: "codes@example.org", type: "Dog", race: "", name: "Rex" };
    expect(await failure(call(owners, "RegisterPet", { ...pet, type: "" }))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "type",
    });
    expect(await failure(call(owners, "RegisterPet", { ...pet, name: "" }))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "name",
    });
    expect(await failure(call(owners, "RegisterPet", { ...pet, race: "x".repeat(101) }))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "race",
    });
    expect(await failure(call(owners, "RegisterPet", { ...pet, owner_ref: "ghost@example.org" }))).toEqual({
      code: "NOT_FOUND",
    });
    expect(await failure(call(owners, "ListPets", { owner_ref: "ghost@example.org" }))).toEqual({
      code: "NOT_FOUND",
    });
    expect(await failure(call(owners, "ListPets", { owner_ref: "%%" }))).toEqual({
      code: "INVALID_ARGUMENT",
      field: "owner_ref",
    });
    expect(await failure(call(internal, "GetPet", { pet_id: crypto.randomUUID() }))).toEqual({
      code: "NOT_FOUND",
    });
    expect(await failure(call(internal, "GetOwner", { owner_ref: crypto.randomUUID() }))).toEqual({
      code: "NOT_FOUND",
    });
    expect(await failure(call(owners, "RemoveOwnerData", { owner_ref: "ghost@example.org" }))).toEqual({
      code: "NOT_FOUND",
    });
  });

  test("50 parallel registrations of one email: exactly 1 success and 49 ALREADY_EXISTS", async () => {
    const email = `wire-race-${crypto.randomUUID()}@example.org`;
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => call(owners, "RegisterOwner", { email })),
    );
    const ok = results.filter((r) => r.status === "fulfilled").length;
    const codes = results.flatMap((r) =>
      r.status === "rejected" ? [grpc.status[(r.reason as grpc.ServiceError).code]] : [],
    );
    expect(ok).toBe(1);
    expect(codes).toEqual(Array(49).fill("ALREADY_EXISTS"));
  });
});
