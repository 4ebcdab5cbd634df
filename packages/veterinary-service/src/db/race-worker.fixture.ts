/**
 * Spawned by migrations.test.ts: opens (and so migrates) the repository on
 * the file in argv[2] and tries to book the same slot; prints the outcome.
 * Several of these run at once to prove start-up and booking are safe when
 * processes share one SQLite file.
 */
import { createSqliteRepository } from "./sqlite-repository.ts";

const path = process.argv[2]!;
const repo = createSqliteRepository({ path });
const outcome = await repo.insertAppointment({
  id: crypto.randomUUID(),
  petId: "race-pet",
  startsAt: 0,
  endsAt: 1_800_000,
  durationMinutes: 30,
  reason: "",
  status: "scheduled",
  createdAt: 0,
  endedAt: null,
  cancelledAt: null,
  vetId: null,
  type: null,
});
process.stdout.write(`${outcome.kind}\n`);
await repo.close();
