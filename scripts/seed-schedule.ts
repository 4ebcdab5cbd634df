/**
 * `make seed-schedule`: gives the clinic of a running `make run` three vets
 * with weekly hours (local, the veterinary service's CLINIC_TIME_ZONE), so the
 * slot search and the front desk calendar have something real to show. Goes
 * through the gateway's admin routes like any client (an admin token signed
 * with the local key, ignored in open mode). Does nothing when the clinic
 * already has vets. Not part of `make run` itself: once a clinic has vets, a
 * booking must fall in someone's hours, and the first version's clients book
 * any instant.
 */
import { join } from "node:path";
import { ensureLocalKeys, mintToken, readPrivateJwk } from "../packages/service-kit/src/auth/index.ts";
import { layoutFromEnv } from "./processes.ts";

/** The vets a fresh local clinic gets: weekdays, a late shift, and a Saturday morning. */
export const SEED_VETS = [
  {
    name: "Dr. Ada Moss",
    workingHours: [1, 2, 3, 4, 5].flatMap((weekday) => [
      { weekday, start: "08:00", end: "12:00" },
      { weekday, start: "13:00", end: "17:00" },
    ]),
  },
  {
    name: "Dr. Ben Okafor",
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: "11:00", end: "19:00" })),
  },
  {
    name: "Dr. Chloé Brandt",
    workingHours: [
      ...[2, 4].map((weekday) => ({ weekday, start: "09:00", end: "15:00" })),
      { weekday: 6, start: "09:00", end: "13:00" },
    ],
  },
];

/** Seeds the clinic behind `gateway` unless it has vets; returns the names added. */
export async function seedSchedule(gateway: string, headers: Record<string, string> = {}): Promise<string[]> {
  const listed = await fetch(`${gateway}/api/veterinary/vets`, { headers });
  if (listed.status !== 200) throw new Error(`GET /api/veterinary/vets answered ${listed.status}`);
  const { vets } = (await listed.json()) as { vets: unknown[] };
  if (vets.length > 0) return [];
  const added: string[] = [];
  for (const vet of SEED_VETS) {
    const res = await fetch(`${gateway}/api/veterinary/create-vet`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(vet),
    });
    if (res.status !== 201) throw new Error(`create-vet ${vet.name}: ${res.status} ${await res.text()}`);
    added.push(vet.name);
  }
  return added;
}

if (import.meta.main) {
  const layout = layoutFromEnv();
  const gateway = `http://127.0.0.1:${8080 + layout.portOffset}`;
  const keys = await ensureLocalKeys(join(layout.dataDir, "auth"));
  const token = await mintToken(readPrivateJwk(keys.privateKey), {
    subject: "seed-schedule",
    role: "admin",
    issuer: "vetmesh-local",
    audience: "vetmesh",
  });
  try {
    const added = await seedSchedule(gateway, { authorization: `Bearer ${token}` });
    console.log(
      added.length === 0
        ? "seed-schedule: the clinic already has vets; nothing added"
        : `seed-schedule: added ${added.join(", ")} (GET ${gateway}/api/veterinary/vets)`,
    );
  } catch (error) {
    console.error(
      `seed-schedule: ${error instanceof Error ? error.message : String(error)} (is make run up?)`,
    );
    process.exit(1);
  }
}
