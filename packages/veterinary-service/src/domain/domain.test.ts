import { describe, expect, test } from "bun:test";
import { DueState } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { DomainError } from "@vetmesh/kit";
import { dueState } from "./due-state.ts";
import { DAY_MS, parseInstant } from "./instants.ts";
import { decodePageToken, encodePageToken, pageSize } from "./page-token.ts";
import { parseReminderOffsets } from "./reminder-stages.ts";
import { parseVaccineIntervals } from "./vaccine-intervals.ts";

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return `${error.kind}:${error.field}`;
    throw error;
  }
  return undefined;
}

describe("parseInstant", () => {
  test("accepts ISO-8601 instants with a zone, and bare dates only when allowed", () => {
    expect(parseInstant("t", "2023-09-09T13:00:00.000Z")).toBe(Date.UTC(2023, 8, 9, 13));
    expect(parseInstant("t", "2023-09-09T15:00+02:00")).toBe(Date.UTC(2023, 8, 9, 13));
    expect(parseInstant("t", "2024-02-29T00:00:00Z")).toBe(Date.UTC(2024, 1, 29));
    expect(parseInstant("t", "2024-02-29", { allowDate: true })).toBe(Date.UTC(2024, 1, 29));
  });
  test("rejects everything else naming the field", () => {
    for (const bad of [
      "2023-13-45",
      "tomorrow",
      "1694264400",
      "2023-02-29T00:00:00Z",
      "2023-09-09",
      "2023-09-09T24:00:00Z",
      "2023-09-09T13:00:00",
    ]) {
      expect(fieldOf(() => parseInstant("starts_at", bad))).toBe("invalid:starts_at");
    }
  });
});

describe("dueState", () => {
  const windows = { dueSoonMs: 14 * DAY_MS, graceMs: 7 * DAY_MS };
  const due = Date.UTC(2024, 0, 31);
  test("boundaries", () => {
    const at = (now: number) => dueState({ nextDueAt: due, supersededBy: null }, now, windows);
    expect(at(due - 14 * DAY_MS - 1)).toBe(DueState.NOT_DUE);
    expect(at(due - 14 * DAY_MS)).toBe(DueState.DUE_SOON);
    expect(at(due - 1)).toBe(DueState.DUE_SOON);
    expect(at(due)).toBe(DueState.DUE);
    expect(at(due + 7 * DAY_MS - 1)).toBe(DueState.DUE);
    expect(at(due + 7 * DAY_MS)).toBe(DueState.OVERDUE);
    expect(dueState({ nextDueAt: due, supersededBy: "x" }, due, windows)).toBe(DueState.SUPERSEDED);
    expect(dueState({ nextDueAt: null, supersededBy: null }, due, windows)).toBe(DueState.NONE);
  });
});

describe("page tokens and sizes", () => {
  test("round trip; foreign tokens are invalid page_token", () => {
    expect(decodePageToken(encodePageToken({ recordedAt: 5, id: "r1" }))).toEqual({
      recordedAt: 5,
      id: "r1",
    });
    expect(decodePageToken("")).toBeUndefined();
    expect(fieldOf(() => decodePageToken("bm9wZQ"))).toBe("invalid:page_token");
    expect([pageSize(0), pageSize(5), pageSize(1000)]).toEqual([20, 5, 100]);
  });
});

describe("parseVaccineIntervals", () => {
  test("name=days, case- and space-insensitive names; bad entries are messages", () => {
    expect(parseVaccineIntervals(" Rabies =365, dhpp=180,")).toEqual(
      new Map([
        ["rabies", 365],
        ["dhpp", 180],
      ]),
    );
    expect(parseVaccineIntervals("rabies=0")).toBe(
      'bad entry "rabies=0": expected name=days with days a positive integer',
    );
  });
});

describe("parseReminderOffsets", () => {
  test("defaults-shaped input, sorted by offset; bad stages and numbers are messages", () => {
    expect(parseReminderOffsets("overdue=7, upcoming=-14 ,due=0")).toEqual([
      { stage: "upcoming", offsetMs: -14 * DAY_MS },
      { stage: "due", offsetMs: 0 },
      { stage: "overdue", offsetMs: 7 * DAY_MS },
    ]);
    expect(parseReminderOffsets("due=0")).toEqual([{ stage: "due", offsetMs: 0 }]);
    expect(typeof parseReminderOffsets("soon=-1")).toBe("string");
    expect(typeof parseReminderOffsets("due=")).toBe("string");
    expect(parseReminderOffsets("due=0,due=1")).toBe("stage due given twice");
  });
});
