import type { VetWithHours } from "../db/repository.ts";
import type { HoursSpan } from "./working-hours.ts";

/** Groups hour rows under their vets, keeping the vets' order; each vet's spans by weekday, then start. */
export function withHours(
  vetRows: readonly { id: string; name: string; createdAt: number }[],
  hourRows: readonly (HoursSpan & { vetId: string })[],
): VetWithHours[] {
  const byVet = new Map<string, HoursSpan[]>(vetRows.map((vet) => [vet.id, []]));
  for (const { vetId, ...span } of hourRows) byVet.get(vetId)?.push(span);
  return vetRows.map((vet) => ({
    ...vet,
    hours: (byVet.get(vet.id) ?? []).sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute),
  }));
}
