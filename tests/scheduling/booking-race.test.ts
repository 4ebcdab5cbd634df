/**
 * No double booking under concurrency (issue 18): a private `make run` (two
 * veterinary replicas on one SQLite file) plus a second gateway on the same
 * discovery and Redis; 60 make-appointments for one vet's slot race through
 * both gateways at once. Exactly one wins; the others are 409.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildProcesses, layoutFromEnv } from "../../scripts/processes.ts";
import { jsonCall } from "../support/json-call.ts";
import { startProcess, stopAll } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

const ATTEMPTS = 60;
// Far above the burst: the race must meet the booking rule, not the rate limiter.
const LIMITS = { RATE_LIMIT_WRITE: "100000/60", RATE_LIMIT_READ: "100000/60" };
const ALWAYS = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: "00:00", end: "24:00" }));

let system: RunningSystem;
let gateways: string[] = [];
const pets: string[] = [];

async function call(base: string, method: string, path: string, body?: unknown) {
  const { status, body: answer } = await jsonCall(base, method, path, body);
  return { status, body: answer };
}

/** MakeAppointment RPCs a veterinary replica has answered, from its /metrics (on its admin listener). */
async function makeAppointmentsServed(admin: string): Promise<number> {
  const text = await (await fetch(`${admin}/metrics`)).text();
  return text
    .split("\n")
    .filter(
      (line) => line.startsWith("vetmesh_rpc_server_total{") && line.includes('method="MakeAppointment"'),
    )
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

/** Every attempt at once, alternating the two gateways; the answers in attempt order. */
function race(body: (i: number) => Record<string, unknown>) {
  return Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      call(gateways[i % 2]!, "POST", "/api/veterinary/make-appointment", body(i)),
    ),
  );
}

beforeAll(async () => {
  system = await startSystem({ env: LIMITS });
  // A second gateway, as `make run` would start it, on the same discovery, Redis namespace and keys.
  const layout = layoutFromEnv({
    VETMESH_PORT_OFFSET: String(system.portOffset),
    VETMESH_DATA_DIR: system.dataDir,
    VETMESH_RUN_DIR: system.runDir,
  });
  const spec = buildProcesses(layout).find((one) => one.name === "gateway")!;
  const second = await startProcess({
    name: "race-gateway-2",
    entry: spec.entry,
    env: {
      ...LIMITS,
      ...spec.env,
      INSTANCE_ID: "gateway-2",
      DISCOVERY_TOKEN: readFileSync(join(system.runDir, "discovery-token"), "utf8").trim(),
    },
    timeoutMs: 30_000,
  });
  gateways = [system.gateway, `http://127.0.0.1:${second.httpPort}`];
  const email = "race@owners.test";
  expect((await call(system.gateway, "POST", "/api/owner/register", { email })).status).toBe(201);
  for (let i = 0; i < ATTEMPTS; i++) {
    const pet = { email, type: "Dog", race: "Pug", name: `Racer ${i}` };
    const res = await call(gateways[i % 2]!, "POST", "/api/owner/register-pet", pet);
    expect(res.status).toBe(201);
    pets.push(String(res.body.petId));
  }
  // the second gateway has learned the veterinary replicas from discovery once it answers a read
  for (const base of gateways) {
    expect((await call(base, "GET", "/api/veterinary/vets")).status).toBe(200);
  }
}, 120_000);
afterAll(async () => {
  await stopAll();
  await system?.stop();
}, STOP_BOUND_MS);

describe("racing for one slot through two gateways and two veterinary replicas", () => {
  test(`${ATTEMPTS} bookings of one vet's slot: exactly one 201, every other one 409 "busy"`, async () => {
    const vet = await call(system.gateway, "POST", "/api/veterinary/create-vet", {
      name: "Dr. Only",
      workingHours: ALWAYS,
    });
    const vetId = String(vet.body.vetId);
    const served = await Promise.all(
      ["veterinary-1", "veterinary-2"].map((name) => makeAppointmentsServed(system.adminUrl(name))),
    );
    const dateTime = "2033-06-01T10:00:00.000Z";
    const answers = await race((i) => ({ petId: pets[i], dateTime, vetId, type: "consultation" }));
    const won = answers.filter((a) => a.status === 201);
    expect(won.length).toBe(1);
    expect(won[0]!.body.vetId).toBe(vetId);
    const lost = answers.filter((a) => a.status !== 201);
    expect(lost).toEqual(
      Array(ATTEMPTS - 1).fill({ status: 409, body: { error: `vet ${vetId} is busy at that time` } }),
    );
    // both replicas took part in the race
    for (const [i, name] of ["veterinary-1", "veterinary-2"].entries()) {
      expect([name, (await makeAppointmentsServed(system.adminUrl(name))) > served[i]!]).toEqual([
        name,
        true,
      ]);
    }
    const day = await call(system.gateway, "GET", "/api/veterinary/appointments?date=2033-06-01");
    expect(day.body.appointments).toEqual([
      expect.objectContaining({ appointmentId: won[0]!.body.appointmentId, dateTime, vetId }),
    ]);
  }, 60_000);

  test(`${ATTEMPTS} bookings naming no vet, with two vets working: one each, the rest 409 "no vet is free"`, async () => {
    const second = await call(system.gateway, "POST", "/api/veterinary/create-vet", {
      name: "Dr. Second",
      workingHours: ALWAYS,
    });
    expect(second.status).toBe(201);
    const dateTime = "2033-06-02T10:00:00.000Z";
    const answers = await race((i) => ({ petId: pets[i], dateTime }));
    const won = answers.filter((a) => a.status === 201);
    expect(won.length).toBe(2);
    expect(new Set(won.map((a) => a.body.vetId)).size).toBe(2);
    expect(answers.filter((a) => a.status !== 201)).toEqual(
      Array(ATTEMPTS - 2).fill({ status: 409, body: { error: "no vet is free at that time" } }),
    );
    const day = await call(system.gateway, "GET", "/api/veterinary/appointments?date=2033-06-02");
    const booked = day.body.appointments as { vetId: string }[];
    expect(booked.map((a) => a.vetId).sort()).toEqual(won.map((a) => String(a.body.vetId)).sort());
  }, 60_000);
});
