import { describe, expect, test } from "bun:test";
import { appointmentRow } from "../db/repository.contract.ts";
import { cancelTransition, endTransition } from "./appointment-transitions.ts";

const scheduled = appointmentRow({ id: "a1", petId: "p1" });
const end = { appointmentId: "a1", endedAt: 500, recordId: "r1", details: "ok", endedBy: "vet-1" };

describe("appointment transitions", () => {
  test("a missing appointment is not_found and nothing is written", () => {
    expect(endTransition(undefined, end)).toEqual({ outcome: { kind: "not_found" } });
    expect(cancelTransition(undefined, 5)).toEqual({ outcome: { kind: "not_found" } });
  });

  test("ended and cancelled are final: not_scheduled with the row as it is, nothing written", () => {
    for (const status of ["ended", "cancelled"] as const) {
      const found = { ...scheduled, status };
      expect(endTransition(found, end)).toEqual({ outcome: { kind: "not_scheduled", appointment: found } });
      expect(cancelTransition(found, 5)).toEqual({ outcome: { kind: "not_scheduled", appointment: found } });
    }
  });

  test("ending a scheduled appointment writes its end and one consultation record", () => {
    const record = {
      id: "r1",
      petId: "p1",
      appointmentId: "a1",
      details: "ok",
      recordedAt: 500,
      endedBy: "vet-1",
    };
    expect(endTransition(scheduled, end)).toEqual({
      outcome: { kind: "done", appointment: { ...scheduled, status: "ended", endedAt: 500 }, record },
      write: { change: { status: "ended", endedAt: 500 }, record },
    });
  });

  test("cancelling a scheduled appointment keeps the row with its cancel time", () => {
    expect(cancelTransition(scheduled, 7)).toEqual({
      outcome: { kind: "done", appointment: { ...scheduled, status: "cancelled", cancelledAt: 7 } },
      write: { change: { status: "cancelled", cancelledAt: 7 } },
    });
  });
});
