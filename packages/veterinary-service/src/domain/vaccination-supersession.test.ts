import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { vaccinationRow } from "../db/repository.contract.ts";
import type { VaccinationRow } from "../db/repository.ts";
import { isCurrent, supersession } from "./vaccination-supersession.ts";

const shot = (id: string, administeredAt: number) => vaccinationRow({ id, administeredAt });

describe("supersession", () => {
  test("the first shot of a vaccine is current", () => {
    expect(isCurrent(supersession(undefined, shot("v1", 10)))).toBe(true);
  });

  test("property: the new row is current unless the newest current one was administered strictly later", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (newestAt, rowAt) => {
        const stored = supersession(shot("old", newestAt), shot("new", rowAt));
        expect(isCurrent(stored)).toBe(newestAt <= rowAt);
        expect(stored.supersededBy).toBe(newestAt > rowAt ? "old" : null);
        const rest: VaccinationRow = { ...stored, supersededBy: null };
        expect(rest).toEqual(shot("new", rowAt));
      }),
    );
  });
});
