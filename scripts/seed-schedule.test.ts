import { afterAll, beforeAll, expect, test } from "bun:test";
import { createGatewayHarness } from "../packages/gateway/src/testing/harness.ts";
import { SEED_VETS, seedSchedule } from "./seed-schedule.ts";

let h: Awaited<ReturnType<typeof createGatewayHarness>>;
let server: ReturnType<typeof Bun.serve>;
beforeAll(async () => {
  h = await createGatewayHarness();
  server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => h.app.fetch(req) });
});
afterAll(async () => {
  await server.stop(true);
  await h.close();
});

test("seeds three vets with their hours through the gateway once; a second run adds nothing", async () => {
  const base = `http://127.0.0.1:${server.port}`;
  expect(await seedSchedule(base)).toEqual(SEED_VETS.map((vet) => vet.name));
  const { vets } = (await (await fetch(`${base}/api/veterinary/vets`)).json()) as {
    vets: { name: string; workingHours: unknown[] }[];
  };
  expect(vets.map(({ name, workingHours }) => ({ name, workingHours }))).toEqual(SEED_VETS);
  expect(await seedSchedule(base)).toEqual([]);
  // a Tuesday far ahead: every seeded vet has free starts
  const slots = (await (await fetch(`${base}/api/veterinary/slots?date=2040-01-03`)).json()) as {
    slots: { vetId: string }[];
  };
  expect(new Set(slots.slots.map((slot) => slot.vetId)).size).toBe(3);
});
