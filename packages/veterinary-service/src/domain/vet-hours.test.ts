import { describe, expect, test } from "bun:test";
import { withHours } from "./vet-hours.ts";

describe("withHours", () => {
  test("groups spans under their vets in the vets' order, each vet's by weekday then start; stray rows dropped", () => {
    const vets = [
      { id: "b", name: "B", createdAt: 1 },
      { id: "a", name: "A", createdAt: 2 },
      { id: "c", name: "C", createdAt: 3 },
    ];
    const hours = [
      { vetId: "a", weekday: 2, startMinute: 600, endMinute: 700 },
      { vetId: "a", weekday: 1, startMinute: 800, endMinute: 900 },
      { vetId: "a", weekday: 1, startMinute: 480, endMinute: 720 },
      { vetId: "b", weekday: 5, startMinute: 0, endMinute: 60 },
      { vetId: "gone", weekday: 1, startMinute: 0, endMinute: 60 },
    ];
    expect(withHours(vets, hours)).toEqual([
      { id: "b", name: "B", createdAt: 1, hours: [{ weekday: 5, startMinute: 0, endMinute: 60 }] },
      {
        id: "a",
        name: "A",
        createdAt: 2,
        hours: [
          { weekday: 1, startMinute: 480, endMinute: 720 },
          { weekday: 1, startMinute: 800, endMinute: 900 },
          { weekday: 2, startMinute: 600, endMinute: 700 },
        ],
      },
      { id: "c", name: "C", createdAt: 3, hours: [] },
    ]);
  });
});
