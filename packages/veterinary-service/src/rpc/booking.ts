import { conflict, invalid, notFound } from "@vetmesh/kit";
import type { ExceptionRow, VeterinaryRepository, VetWithHours } from "../db/repository.ts";
import type { AppointmentTypes } from "../domain/appointment-types.ts";
import { type Interval, isWorking } from "../domain/availability.ts";

/** Longest appointment, in minutes (a day). */
export const MAX_DURATION_MINUTES = 1440;

/**
 * The length of an appointment: the explicit duration, else the type's
 * default, else the service's default. An unknown type is InvalidArgument
 * listing the configured ones.
 */
export function resolveDuration(
  types: AppointmentTypes,
  defaultMinutes: number,
  type: string | null,
  durationMinutes: number | undefined,
): number {
  if (type !== null && !types.has(type)) {
    throw invalid("type", `type must be one of ${[...types.keys()].join(", ")}`);
  }
  const duration = durationMinutes ?? (type !== null ? types.get(type)! : defaultMinutes);
  if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_MINUTES) {
    throw invalid("duration_minutes", `duration_minutes must be between 1 and ${MAX_DURATION_MINUTES}`);
  }
  return duration;
}

/** A vet's blocked spans: their own exceptions and the clinic's. */
export function blockedFor(vetId: string, exceptions: readonly ExceptionRow[]): Interval[] {
  return exceptions
    .filter((e) => e.vetId === null || e.vetId === vetId)
    .map((e): Interval => [e.startsAt, e.endsAt]);
}

/**
 * The vets MakeAppointment may book, in order: none at all (empty list) when
 * the clinic has no vets configured (the first version's behaviour); the named
 * vet when working then (NotFound unknown, 409 outside hours or on leave);
 * else every vet working then (409 when none is). Whether they are free is
 * decided in the insert's transaction.
 */
export async function vetCandidates(
  repository: VeterinaryRepository,
  zone: string,
  request: { vetId: string | null; startsAt: number; endsAt: number },
): Promise<string[]> {
  const all: VetWithHours[] = await repository.listVets();
  if (request.vetId === null && all.length === 0) return [];
  const exceptions = await repository.listExceptions({ from: request.startsAt, to: request.endsAt });
  const working = (vet: VetWithHours) =>
    isWorking(vet.hours, blockedFor(vet.id, exceptions), request.startsAt, request.endsAt, zone);
  if (request.vetId !== null) {
    const vet = all.find((one) => one.id === request.vetId);
    if (!vet) throw notFound(`vet ${request.vetId} not found`);
    if (!working(vet)) throw conflict(`vet ${vet.id} is not working at that time`);
    return [vet.id];
  }
  const candidates = all.filter(working).map((vet) => vet.id);
  if (candidates.length === 0) throw conflict("no vet is working at that time");
  return candidates;
}
