import type { AppointmentRow, InsertAppointmentOutcome } from "../db/repository.ts";

/** Who an overlap check is about: one pet's appointments, or one vet's. */
export type OverlapOwner = { petId: string } | { vetId: string };

/** A question the booking rules ask storage, inside the insert's transaction. */
export type BookingQuestion =
  /** The pet's appointment already made under this idempotency key, if any. */
  | { ask: "repeat"; requestId: string }
  /** A non-cancelled appointment of `who` overlapping the new one, if any. */
  | { ask: "overlap"; who: OverlapOwner };

/** What the rules decided: write the row (with the vet picked), or answer with what was found. */
export type BookingDecision<T> =
  | { kind: "create"; vetId?: string }
  | { kind: "repeat" | "overlap" | "vet_busy"; found: T };

/**
 * MakeAppointment's rules, once for both storage dialects: a repeated
 * request answers the first appointment; the pet may not be double-booked;
 * with vet candidates the first one (in the caller's order) free for the
 * whole span is picked, else the first clash is reported. Written as a
 * generator that yields each question and receives its answer, so the
 * adapter runs it inside its own transaction (synchronously on SQLite,
 * awaiting on SQL Server) and asks only what the decision needs: vets after
 * the first free one are never checked (nor range-locked).
 */
export function* bookingSteps<T>(
  petId: string,
  vetCandidates: readonly string[],
  requestId: string | null,
): Generator<BookingQuestion, BookingDecision<T>, T | undefined> {
  if (requestId !== null) {
    const first = yield { ask: "repeat", requestId };
    if (first !== undefined) return { kind: "repeat", found: first };
  }
  const petClash = yield { ask: "overlap", who: { petId } };
  if (petClash !== undefined) return { kind: "overlap", found: petClash };
  if (vetCandidates.length === 0) return { kind: "create" };
  let busy: T | undefined;
  for (const vetId of vetCandidates) {
    const clash = yield { ask: "overlap", who: { vetId } };
    if (clash === undefined) return { kind: "create", vetId };
    busy ??= clash;
  }
  return { kind: "vet_busy", found: busy as T };
}

/** Runs a step generator to its decision, answering each question synchronously (SQLite transactions). */
export function runSteps<Q, R, A>(steps: Generator<Q, R, A>, answer: (question: Q) => A): R {
  let next = steps.next(undefined as A);
  while (!next.done) next = steps.next(answer(next.value));
  return next.value;
}

/** Runs a step generator to its decision, awaiting each answer (SQL Server transactions). */
export async function runStepsAsync<Q, R, A>(
  steps: Generator<Q, R, A>,
  answer: (question: Q) => Promise<A>,
): Promise<R> {
  let next = steps.next(undefined as A);
  while (!next.done) next = steps.next(await answer(next.value));
  return next.value;
}

/** The repository's answer for a decision that wrote nothing, or a `created` one. */
export function bookingOutcome(decision: BookingDecision<AppointmentRow>): InsertAppointmentOutcome {
  switch (decision.kind) {
    case "create":
      return decision.vetId === undefined ? { kind: "created" } : { kind: "created", vetId: decision.vetId };
    case "repeat":
      return { kind: "repeat", appointment: decision.found };
    case "overlap":
      return { kind: "overlap", existing: decision.found };
    case "vet_busy":
      return { kind: "vet_busy", existing: decision.found };
  }
}

/**
 * After a unique-index violation: a request with an idempotency key lost a
 * race to its own repeat, so the answer is the winner's row, found under the
 * key returned here; any other violation (or none) is a real error: undefined.
 */
export function raceWinnerKey(requestId: string | null, uniqueViolation: boolean): string | undefined {
  return uniqueViolation && requestId !== null ? requestId : undefined;
}
