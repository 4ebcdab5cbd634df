import { afterAll, describe, expect, test } from "bun:test";
import { onMssqlIfReachable } from "@vetmesh/kit/db/testing";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { ERASE_CHUNK } from "./chunks.ts";
import {
  busySpansWhere,
  clinicRangeWhere,
  currentVaccinationWhere,
  exceptionsWhere,
  overlapWhere,
} from "./conditions.ts";
import { dueAppointmentRemindersLockQuery } from "./mssql-appointment-reminders.ts";
import {
  appointmentRequestWhere,
  createMssqlRepository,
  lockedIdsQuery,
  recordsPageQuery,
  renderMssql,
  vaccinationRequestWhere,
} from "./mssql-repository.ts";
import { erasedPetLockQuery, erasedPetQuery, insertTombstonesQuery } from "./mssql-tombstones.ts";
import { claimWhere } from "./reminder-claims.ts";
import { repositoryContract } from "./repository.contract.ts";
import type { VeterinaryRepository } from "./repository.ts";
import { appointments, reminders, scheduleExceptions, vaccinations } from "./schema-mssql.ts";

describe("SQL Server queries (drizzle.mock, checked at the SQL they produce)", () => {
  const db = drizzle.mock();

  test("overlap check locks the pet's key range with UPDLOCK, HOLDLOCK", () => {
    const query = renderMssql(
      lockedIdsQuery(
        appointments,
        overlapWhere(appointments, { petId: "p1" }, { startsAt: 1000, endsAt: 2000 }),
      ),
    );
    expect(query).toEqual({
      sql:
        "select top(1) [id] from [appointments] with (updlock, holdlock) where (([appointments].[pet_id] = @par0) and " +
        "([appointments].[status] <> @par1) and ([appointments].[starts_at] < @par2) and ([appointments].[ends_at] > @par3))",
      params: ["p1", "cancelled", 2000, 1000],
    });
  });

  test("clinic-wide list: a start range (appointments_starts_idx), optionally one vet's", () => {
    const query = db
      .select({ id: appointments.id })
      .from(appointments)
      .where(clinicRangeWhere(appointments, { from: 1000, to: 2000, vetId: "vet-1" }))
      .toSQL();
    expect(query).toEqual({
      sql:
        "select [id] from [appointments] where (([appointments].[starts_at] >= @par0) and " +
        "([appointments].[starts_at] < @par1) and ([appointments].[vet_id] = @par2))",
      params: [1000, 2000, "vet-1"],
    });
  });

  test("a vet's overlap check locks the vet's key range with UPDLOCK, HOLDLOCK (no double booking)", () => {
    expect(
      renderMssql(
        lockedIdsQuery(
          appointments,
          overlapWhere(appointments, { vetId: "vet-1" }, { startsAt: 1000, endsAt: 2000 }),
        ),
      ),
    ).toEqual({
      sql:
        "select top(1) [id] from [appointments] with (updlock, holdlock) where (([appointments].[vet_id] = @par0) and " +
        "([appointments].[status] <> @par1) and ([appointments].[starts_at] < @par2) and ([appointments].[ends_at] > @par3))",
      params: ["vet-1", "cancelled", 2000, 1000],
    });
  });

  test("schedule exceptions overlapping a range", () => {
    const query = db
      .select({ id: scheduleExceptions.id })
      .from(scheduleExceptions)
      .where(exceptionsWhere(scheduleExceptions, { from: 1, to: 2 }))
      .toSQL();
    expect(query).toEqual({
      sql:
        "select [id] from [schedule_exceptions] where (([schedule_exceptions].[starts_at] < @par0) and " +
        "([schedule_exceptions].[ends_at] > @par1))",
      params: [2, 1],
    });
  });

  test("busy spans of the slot search: three columns, the start bounded both ways, cancelled left out", () => {
    const query = db
      .select({ vetId: appointments.vetId, startsAt: appointments.startsAt, endsAt: appointments.endsAt })
      .from(appointments)
      .where(busySpansWhere(appointments, { from: 1000, to: 5000, longestMs: 600 }))
      .toSQL();
    expect(query).toEqual({
      sql:
        "select [vet_id], [starts_at], [ends_at] from [appointments] where ((([appointments].[vet_id] is not null)) and " +
        "([appointments].[starts_at] >= @par0) and ([appointments].[starts_at] < @par1) and " +
        "([appointments].[ends_at] > @par2) and ([appointments].[status] <> @par3))",
      params: [400, 5000, 1000, "cancelled"],
    });
  });

  test("appointment reminder claim: due scheduled rows under UPDLOCK, READPAST (another replica's are skipped)", () => {
    const claim = { now: 1000, leadMs: 500, owner: "vet-a", leaseMs: 60, limit: 20 };
    expect(renderMssql(dueAppointmentRemindersLockQuery(claim))).toEqual({
      sql:
        "select top(20) [id] from [appointments] with (updlock, readpast) where (([appointments].[status] = @par0) and " +
        "(([appointments].[reminder_sent_at] is null)) and ([appointments].[starts_at] > @par1) and " +
        "([appointments].[starts_at] <= @par2) and (((([appointments].[reminder_lease_until] is null)) or " +
        "([appointments].[reminder_lease_until] <= @par3))))",
      params: ["scheduled", 1000, 1500, 1000],
    });
  });

  test("records page: TOP n, newest first, keyset after the cursor", () => {
    const query = recordsPageQuery(db, "p1", 21, { recordedAt: 5, id: "r9" }).toSQL();
    expect(query.sql).toBe(
      "select top(@par0) [id], [pet_id], [appointment_id], [details], [recorded_at], [ended_by] from [consultation_records] " +
        "where (([consultation_records].[pet_id] = @par1) and ((([consultation_records].[recorded_at] < @par2) or " +
        "((([consultation_records].[recorded_at] = @par3) and ([consultation_records].[id] < @par4)))))) " +
        "order by [consultation_records].[recorded_at] desc, [consultation_records].[id] desc",
    );
    expect(query.params).toEqual([21, "p1", 5, 5, "r9"]);
  });

  test("supersede update targets only the current vaccinations of the pet's vaccine", () => {
    const query = db
      .update(vaccinations)
      .set({ supersededBy: "v2" })
      .where(currentVaccinationWhere(vaccinations, "p1", "rabies"))
      .toSQL();
    expect(query).toEqual({
      sql:
        "update [vaccinations] set [superseded_by] = @par0 where (([vaccinations].[pet_id] = @par1) and " +
        "([vaccinations].[vaccine_key] = @par2) and (([vaccinations].[superseded_by] is null)))",
      params: ["v2", "p1", "rabies"],
    });
  });

  test("a repeated request_id is found under UPDLOCK, HOLDLOCK on the filtered unique index's key", () => {
    expect(renderMssql(lockedIdsQuery(vaccinations, vaccinationRequestWhere("p1", "req-1")))).toEqual({
      sql:
        "select top(1) [id] from [vaccinations] with (updlock, holdlock) where (([vaccinations].[pet_id] = @par0) and " +
        "(([vaccinations].[request_id] is not null)) and ([vaccinations].[request_id] = @par1))",
      params: ["p1", "req-1"],
    });
    expect(db.select().from(vaccinations).where(vaccinationRequestWhere("p1", "req-1")).toSQL().sql).toBe(
      "select [id], [pet_id], [vaccine], [vaccine_key], [administered_at], [next_due_at], [batch], [notes], " +
        "[superseded_by], [recorded_at], [request_id] from [vaccinations] where (([vaccinations].[pet_id] = @par0) and " +
        "(([vaccinations].[request_id] is not null)) and ([vaccinations].[request_id] = @par1))",
    );
  });

  test("an appointment's repeated request_id is found under UPDLOCK, HOLDLOCK on its filtered unique index's key", () => {
    expect(renderMssql(lockedIdsQuery(appointments, appointmentRequestWhere("p1", "req-1")))).toEqual({
      sql:
        "select top(1) [id] from [appointments] with (updlock, holdlock) where (([appointments].[pet_id] = @par0) and " +
        "(([appointments].[request_id] is not null)) and ([appointments].[request_id] = @par1))",
      params: ["p1", "req-1"],
    });
  });

  test("a reminder claim only takes a pending row whose lease is free or expired", () => {
    const query = db
      .update(reminders)
      .set({ claimedBy: "vet-1", leaseUntil: 2000, attempts: 1 })
      .where(claimWhere(reminders, "v1:due", 1000))
      .toSQL();
    expect(query).toEqual({
      sql:
        "update [reminders] set [claimed_by] = @par0, [lease_until] = @par1, [attempts] = @par2 where (([reminders].[id] = @par3) and " +
        "([reminders].[status] = @par4) and (((([reminders].[lease_until] is null)) or ([reminders].[lease_until] <= @par5))))",
      params: ["vet-1", 2000, 1, "v1:due", "pending", 1000],
    });
  });

  test("the insert transactions' tombstone check locks the pet's key range of erased_pets", () => {
    expect(renderMssql(erasedPetLockQuery("p1"))).toEqual({
      sql: "select top(1) [pet_id] from [erased_pets] with (updlock, holdlock) where [erased_pets].[pet_id] = @par0",
      params: ["p1"],
    });
  });

  test("erase tombstones only pets without one, probing under the same range locks", () => {
    expect(
      renderMssql(insertTombstonesQuery(["p1", "p2"], { sagaId: "s1", erasedAt: 1_700_000_000_000 })),
    ).toEqual({
      sql:
        "insert into [erased_pets] ([pet_id], [saga_id], [erased_at]) select [v].[pet_id], @par0, @par1 " +
        "from (values (@par2), (@par3)) as [v]([pet_id]) where not exists " +
        "(select 1 from [erased_pets] with (updlock, holdlock) where [erased_pets].[pet_id] = [v].[pet_id])",
      params: ["s1", 1_700_000_000_000, "p1", "p2"],
    });
  });

  test("a full erase chunk of tombstones stays under SQL Server's 2100 parameters", () => {
    const ids = Array.from({ length: ERASE_CHUNK }, (_, i) => `p${i}`);
    const { params } = renderMssql(insertTombstonesQuery(ids, { sagaId: "s1", erasedAt: 1 }));
    expect(params.length).toBe(ERASE_CHUNK + 2);
  });

  test("a read's tombstone lookup is one keyed select", () => {
    expect(erasedPetQuery(db, "p1").toSQL()).toEqual({
      sql: "select [saga_id], [erased_at] from [erased_pets] where [erased_pets].[pet_id] = @par0",
      params: ["p1"],
    });
  });

  test("end-appointment update is keyed by id", () => {
    const query = db
      .update(appointments)
      .set({ status: "ended", endedAt: 7 })
      .where(eq(appointments.id, "a1"))
      .toSQL();
    expect(query).toEqual({
      sql: "update [appointments] set [status] = @par0, [ended_at] = @par1 where [appointments].[id] = @par2",
      params: ["ended", 7, "a1"],
    });
  });
});

const opened: VeterinaryRepository[] = [];
afterAll(async () => {
  for (const repo of opened) await repo.close();
});

onMssqlIfReachable("VeterinaryRepository contract (mssql)", (url) =>
  repositoryContract("mssql via MSSQL_URL", async () => {
    const repo = await createMssqlRepository({ url });
    opened.push(repo);
    const pool = await new mssql.ConnectionPool(url).connect();
    for (const table of ["consultation_records", "appointments", "vaccinations", "reminders", "erased_pets"])
      await pool.request().query(`DELETE FROM [${table}]`);
    await pool.close();
    return repo;
  }),
);
