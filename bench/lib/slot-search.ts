/**
 * The slot-search row of `make bench` (issue 18: "the slot search answers in
 * ≤ 5 ms p99 for a clinic of 20 vets and 10,000 appointments"): the real
 * veterinary app on a fresh SQLite file (same migrations, synchronous=FULL),
 * seeded with 20 vets (Mon–Fri 08:00–18:00) and 10,000 appointments over 50
 * working days, then FindFreeSlots for the whole clinic on one of those days,
 * through a Connect client (messages serialised as on the wire), one call at a
 * time. Kept in its own file so the rest of bench/ can change beside it.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { VeterinaryService } from "../../packages/contracts/gen/vetmesh/veterinary/v1/veterinary_pb.ts";
import { createVeterinaryApp } from "../../packages/veterinary-service/src/app.ts";
import type { TargetCheck } from "./report.ts";
import { Samples } from "./stats.ts";

const VETS = 20;
const APPOINTMENTS = 10_000;
const DAYS = 50;
const WARMUP = 100;
const CALLS = 1000;
const MINUTE = 60_000;

/** Weekdays from Monday 2034-01-02 (UTC, the app's default zone): the seeded working days. */
function workingDays(): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(2034, 0, 2); days.length < DAYS; t += 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Seeds the clinic and measures FindFreeSlots; returns the target row and adds a note with the details. */
export async function slotSearchCheck(notes: string[]): Promise<TargetCheck> {
  const dir = mkdtempSync(join(tmpdir(), "vetmesh-bench-slots-"));
  const path = join(dir, "veterinary.db");
  const app = await createVeterinaryApp({
    databaseUrl: `sqlite:${path}`,
    ownerTransport: createRouterTransport(() => {}),
  });
  try {
    const hours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 480, endMinute: 1080 }));
    const vetIds = Array.from({ length: VETS }, (_, i) => `bench-vet-${String(i).padStart(2, "0")}`);
    for (const [i, id] of vetIds.entries()) {
      await app.repository.createVet({ id, name: `Dr. Bench ${i}`, createdAt: i }, hours);
    }
    const days = workingDays();
    const perVetDay = APPOINTMENTS / (VETS * DAYS);
    // Bulk seed in one transaction (the service's own path writes one fsync'd transaction per booking).
    const db = new Database(path);
    const insert = db.prepare(
      "insert into appointments (id, pet_id, starts_at, ends_at, duration_minutes, reason, status, created_at, vet_id, type) values (?, ?, ?, ?, 20, '', 'scheduled', 0, ?, 'consultation')",
    );
    db.transaction(() => {
      let n = 0;
      for (const day of days) {
        const dayStart = Date.parse(`${day}T08:00:00.000Z`);
        for (const [v, vetId] of vetIds.entries()) {
          for (let k = 0; k < perVetDay; k++) {
            // 20-minute bookings spread over the day, shifted per vet so the free gaps differ
            const start = dayStart + (k * 60 + ((v * 10) % 40)) * MINUTE;
            insert.run(`bench-appt-${n++}`, `bench-pet-${n % 997}`, start, start + 20 * MINUTE, vetId);
          }
        }
      }
    })();
    db.close();
    const client = createClient(VeterinaryService, createRouterTransport(app.routes));
    const samples = new Samples();
    let slots = 0;
    for (let i = 0; i < WARMUP + CALLS; i++) {
      const date = days[i % days.length]!;
      const started = performance.now();
      const res = await client.findFreeSlots({ date, type: "consultation" });
      const elapsed = performance.now() - started;
      if (i >= WARMUP) {
        samples.add(elapsed);
        slots += res.slots.length;
      }
    }
    const [p50, p99] = samples.percentiles(50, 99) as [number, number];
    const load = loadavg()[0]!.toFixed(1);
    notes.push(
      `slot search: ${CALLS} FindFreeSlots calls for the whole clinic (type consultation) on ${DAYS} seeded days, in process through a Connect client on SQLite: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${(slots / CALLS).toFixed(0)} free starts per answer (1-min load average ${load} on ${cpus().length} cores)`,
    );
    return {
      name: `slot search p99 (${VETS} vets, ${APPOINTMENTS} appointments)`,
      value: `${p99.toFixed(2)} ms`,
      goal: "<= 5 ms",
      met: p99 <= 5,
    };
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
