/**
 * Two copies of the whole system on one Redis (a `make run` beside the test
 * suites, two CI runs on one machine): each copy's discovery lists only its own
 * instances and each gateway caches only its own data. With one shared key
 * namespace, the second copy's veterinary-1 took over the first copy's lease
 * and the first gateway sent calls to the other copy's instances.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let first: RunningSystem;
let second: RunningSystem;
beforeAll(async () => {
  // One after the other: startSystem picks a port offset that is free at the time it looks.
  first = await startSystem();
  second = await startSystem();
}, 120_000);
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
}, STOP_BOUND_MS);

const discovery = (system: RunningSystem) =>
  createClient(
    DiscoveryService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${7001 + system.portOffset}`, httpVersion: "1.1" }),
  );

test("each copy's discovery lists only its own instances", async () => {
  for (const system of [first, second]) {
    for (const service of ["owner", "veterinary", "notification"]) {
      const { instances } = await discovery(system).list({ service });
      const own = system.processes.filter((row) => row.name.startsWith(service)).map((row) => row.grpc);
      expect(instances.map((one) => one.grpcAddress).sort()).toEqual(own.sort());
    }
  }
});

test("a pets list cached by one copy's gateway is never served by the other's", async () => {
  const email = `shared-redis-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
  const post = (system: RunningSystem, path: string, body: unknown) =>
    fetch(`${system.gateway}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  for (const [system, name] of [
    [first, "First"],
    [second, "Second"],
  ] as const) {
    expect((await post(system, "/api/owner/register", { email })).status).toBe(201);
    const pet = { email, type: "Cat", race: "Siamese", name };
    expect((await post(system, "/api/owner/register-pet", pet)).status).toBe(201);
  }
  const list = async (system: RunningSystem) => {
    const res = await fetch(`${system.gateway}/api/owner/${email}/pets`);
    const body = (await res.json()) as { pets: Array<{ Name: string }> };
    return { cache: res.headers.get("x-cache"), names: body.pets.map((pet) => pet.Name) };
  };
  expect(await list(first)).toEqual({ cache: "miss", names: ["First"] });
  expect(await list(second)).toEqual({ cache: "miss", names: ["Second"] });
  expect(await list(first)).toEqual({ cache: "hit", names: ["First"] });
});
