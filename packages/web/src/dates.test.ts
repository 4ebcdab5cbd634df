import { describe, expect, test } from "bun:test";
import {
  addDays,
  daysOf,
  isoDay,
  localInputToIso,
  mondayOf,
  nextHourInput,
  rangeOf,
  reminderWhen,
  startOfDay,
} from "./dates.ts";

describe("calendar days", () => {
  test("addDays crosses month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });

  test("a week runs Monday to Sunday, whatever day it is asked for", () => {
    expect(mondayOf("2026-12-03")).toBe("2026-11-30");
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(daysOf("week", "2026-12-03")).toEqual([
      "2026-11-30",
      "2026-12-01",
      "2026-12-02",
      "2026-12-03",
      "2026-12-04",
      "2026-12-05",
      "2026-12-06",
    ]);
    expect(daysOf("day", "2026-12-03")).toEqual(["2026-12-03"]);
  });

  test("the range covers the days' local midnights, end exclusive", () => {
    const range = rangeOf(["2026-12-03"]);
    expect(range.from).toBe(startOfDay("2026-12-03").toISOString());
    expect(range.to).toBe(startOfDay("2026-12-04").toISOString());
  });

  test("form values become ISO instants; bad ones do not", () => {
    expect(localInputToIso("2026-12-03T14:30")).toBe(new Date(2026, 11, 3, 14, 30).toISOString());
    expect(localInputToIso("")).toBeUndefined();
    expect(localInputToIso("2026-13-45T99:99")).toBeUndefined();
    expect(nextHourInput(new Date(2026, 11, 3, 14, 30))).toBe("2026-12-03T15:00");
    expect(isoDay(new Date(2026, 0, 5))).toBe("2026-01-05");
  });
});

describe("a pending reminder's time", () => {
  const now = new Date("2026-12-03T11:00:00.000Z");
  test("a future send time reads as when it sends", () => {
    expect(reminderWhen("2026-12-06T12:00:00.000Z", now)).toStartWith("sends ");
  });
  test("a send time already passed reads as due, not as a date to come", () => {
    expect(reminderWhen("2026-11-22T12:00:00.000Z", now)).toStartWith("due now (since ");
    expect(reminderWhen("2026-12-03T11:00:00.000Z", now)).toStartWith("due now (since ");
  });
});
