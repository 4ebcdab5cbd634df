import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { appointmentRow } from "../db/repository.contract.ts";
import {
  type BookingQuestion,
  bookingOutcome,
  bookingSteps,
  raceWinnerKey,
  runSteps,
  runStepsAsync,
} from "./booking.ts";

/** Storage as the rules see it: what each question finds, and the questions asked, in order. */
function storage(found: { repeat?: string; pet?: string; vets?: Record<string, string> }) {
  const asked: BookingQuestion[] = [];
  const answer = (q: BookingQuestion) => {
    asked.push(q);
    if (q.ask === "repeat") return found.repeat;
    return "petId" in q.who ? found.pet : found.vets?.[q.who.vetId];
  };
  return { asked, answer };
}

describe("bookingSteps", () => {
  test("a repeated request answers the first appointment before any overlap check", () => {
    const { asked, answer } = storage({ repeat: "a0", pet: "a1" });
    expect(runSteps(bookingSteps<string>("p1", ["v1"], "req-1"), answer)).toEqual({
      kind: "repeat",
      found: "a0",
    });
    expect(asked).toEqual([{ ask: "repeat", requestId: "req-1" }]);
  });

  test("without a request id no repeat is looked up; the pet's overlap wins over the vets'", () => {
    const { asked, answer } = storage({ pet: "a1", vets: { v1: "a2" } });
    expect(runSteps(bookingSteps<string>("p1", ["v1"], null), answer)).toEqual({
      kind: "overlap",
      found: "a1",
    });
    expect(asked).toEqual([{ ask: "overlap", who: { petId: "p1" } }]);
  });

  test("no vet candidates: create without a vet", () => {
    const { answer } = storage({});
    expect(runSteps(bookingSteps<string>("p1", [], "req-1"), answer)).toEqual({ kind: "create" });
  });

  test("property: the first free candidate is picked and no later vet is asked; all busy reports the first clash", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom("v1", "v2", "v3", "v4", "v5"), { minLength: 1 }),
        fc.dictionary(fc.constantFrom("v1", "v2", "v3", "v4", "v5"), fc.string({ minLength: 1 })),
        (candidates, clashes) => {
          const { asked, answer } = storage({ vets: clashes });
          const decision = runSteps(bookingSteps<string>("p1", candidates, null), answer);
          const free = candidates.findIndex((vetId) => clashes[vetId] === undefined);
          const vetsAsked = asked.flatMap((q) =>
            q.ask === "overlap" && "vetId" in q.who ? [q.who.vetId] : [],
          );
          if (free === -1) {
            expect(decision).toEqual({ kind: "vet_busy", found: clashes[candidates[0]!]! });
            expect(vetsAsked).toEqual(candidates);
          } else {
            expect(decision).toEqual({ kind: "create", vetId: candidates[free]! });
            expect(vetsAsked).toEqual(candidates.slice(0, free + 1));
          }
        },
      ),
    );
  });

  test("the async runner asks the same questions and reaches the same decision", async () => {
    const found = { repeat: undefined, pet: undefined, vets: { v1: "a1" } };
    const sync = storage(found);
    const later = storage(found);
    const steps = () => bookingSteps<string>("p1", ["v1", "v2"], "req-1");
    const decision = await runStepsAsync(steps(), async (q) => later.answer(q));
    expect(decision).toEqual(runSteps(steps(), sync.answer));
    expect(decision).toEqual({ kind: "create", vetId: "v2" });
    expect(later.asked).toEqual(sync.asked);
  });
});

describe("bookingOutcome", () => {
  test("maps each decision to the repository's answer", () => {
    const a = appointmentRow({ id: "a1" });
    expect(bookingOutcome({ kind: "create" })).toStrictEqual({ kind: "created" });
    expect(bookingOutcome({ kind: "create", vetId: "v1" })).toStrictEqual({ kind: "created", vetId: "v1" });
    expect(bookingOutcome({ kind: "repeat", found: a })).toEqual({ kind: "repeat", appointment: a });
    expect(bookingOutcome({ kind: "overlap", found: a })).toEqual({ kind: "overlap", existing: a });
    expect(bookingOutcome({ kind: "vet_busy", found: a })).toEqual({ kind: "vet_busy", existing: a });
  });
});

describe("raceWinnerKey", () => {
  test("only a unique violation of a keyed request is a lost race", () => {
    expect(raceWinnerKey("req-1", true)).toBe("req-1");
    expect(raceWinnerKey("req-1", false)).toBeUndefined();
    expect(raceWinnerKey(null, true)).toBeUndefined();
  });
});
