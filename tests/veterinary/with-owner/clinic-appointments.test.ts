import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Code } from "@connectrpc/connect";
import { failureParts as invalidField } from "@vetmesh/kit/testing";
import { createTestOwner, createTestVeterinary, registerPet } from "./harness.ts";

// Europe/Berlin springs forward on 2026-03-29 (02:00 → 03:00) and falls back on 2026-10-25.
const owner = await createTestOwner();
const { app, vet } = await createTestVeterinary({
  ownerTransport: owner.transport,
  clinicTimeZone: "Europe/Berlin",
});
let rex = "";
let tom = "";

beforeAll(async () => {
  rex = await registerPet(owner.owners, "rex@asd.com", "Rex");
  tom = await registerPet(owner.owners, "tom@asd.com", "Tom");
  const book = (petId: string, startsAt: string) => vet.makeAppointment({ petId, startsAt });
  await book(rex, "2026-03-28T22:59:00Z"); // 23:59 local on the 28th
  await book(tom, "2026-03-28T23:00:00Z"); // 00:00 local on the 29th (still +01:00)
  await book(rex, "2026-03-29T21:30:00Z"); // 23:30 local on the 29th (+02:00)
  await book(tom, "2026-03-29T22:00:00Z"); // 00:00 local on the 30th
  await book(rex, "2026-10-24T22:00:00Z"); // 00:00 local on 10-25 (+02:00)
  await book(tom, "2026-10-25T22:30:00Z"); // 23:30 local on 10-25 (+01:00)
  await book(rex, "2026-10-25T23:00:00Z"); // 00:00 local on 10-26
});
afterAll(async () => {
  await app.close();
  await owner.app.close();
});

const starts = (res: { appointments: { startsAt: string; petId: string }[] }) =>
  res.appointments.map((a) => [a.startsAt, a.petId === rex ? "rex" : "tom"]);

describe("ListAppointments for the whole clinic", () => {
  test("date is a local day: the 23-hour spring-forward day holds exactly its own appointments", async () => {
    expect(starts(await vet.listAppointments({ date: "2026-03-29" }))).toEqual([
      ["2026-03-28T23:00:00.000Z", "tom"],
      ["2026-03-29T21:30:00.000Z", "rex"],
    ]);
  });

  test("the 25-hour fall-back day, in start order across pets", async () => {
    expect(starts(await vet.listAppointments({ date: "2026-10-25" }))).toEqual([
      ["2026-10-24T22:00:00.000Z", "rex"],
      ["2026-10-25T22:30:00.000Z", "tom"],
    ]);
  });

  test("from/to without a pet: every pet's, [from, to)", async () => {
    const res = await vet.listAppointments({ from: "2026-03-28T22:59:00Z", to: "2026-03-29T22:00:00Z" });
    expect(starts(res)).toEqual([
      ["2026-03-28T22:59:00.000Z", "rex"],
      ["2026-03-28T23:00:00.000Z", "tom"],
      ["2026-03-29T21:30:00.000Z", "rex"],
    ]);
    expect(res.appointments[0]).toMatchObject({ durationMinutes: 30, vetId: "", type: "" });
  });

  test("with a pet and a date: that pet's appointments of the local day (the first version's form still works)", async () => {
    expect(starts(await vet.listAppointments({ petId: rex, date: "2026-03-29" }))).toEqual([
      ["2026-03-29T21:30:00.000Z", "rex"],
    ]);
    expect((await vet.listAppointments({ petId: tom })).appointments).toHaveLength(3);
  });

  test("bad ranges are InvalidArgument naming the field", async () => {
    expect(await invalidField(vet.listAppointments({}))).toEqual([
      Code.InvalidArgument,
      "pet_id",
      "pet_id is required unless a range (date, or from and to) is given",
    ]);
    expect(await invalidField(vet.listAppointments({ from: "2026-03-01T00:00:00Z" }))).toEqual([
      Code.InvalidArgument,
      "to",
      "from and to (or date) are required when no pet_id is given",
    ]);
    expect(
      await invalidField(vet.listAppointments({ from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:01Z" })),
    ).toEqual([Code.InvalidArgument, "to", "the range must be at most 31 days"]);
    expect(
      (await vet.listAppointments({ from: "2026-03-01T00:00:00Z", to: "2026-04-01T00:00:00Z" })).appointments,
    ).toHaveLength(4);
    expect(await invalidField(vet.listAppointments({ date: "2026-02-30" }))).toEqual([
      Code.InvalidArgument,
      "date",
      "date is not a valid date: 2026-02-30",
    ]);
    expect(await invalidField(vet.listAppointments({ date: "29.03.2026" }))).toEqual([
      Code.InvalidArgument,
      "date",
      "date must be a date such as 2026-03-29",
    ]);
    expect(
      await invalidField(vet.listAppointments({ date: "2026-03-29", from: "2026-03-01T00:00:00Z" })),
    ).toEqual([Code.InvalidArgument, "date", "give either date or from and to, not both"]);
  });
});
