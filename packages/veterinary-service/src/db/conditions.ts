import { and, type Column, eq, gt, gte, isNotNull, isNull, lt, lte, ne, or, type SQL } from "drizzle-orm";
import type { OverlapOwner } from "../domain/booking.ts";
import type { AppointmentReminderClaim, AppointmentRow, BusyRange } from "./repository.ts";

/**
 * The WHERE clauses both dialects send, written once over the columns their
 * schemas share (drizzle's operators are dialect-neutral). The SQL Server
 * adapter wraps some of them in its lock hints; SQLite runs them as they are.
 */

/** The appointment columns the conditions below read; both schemas' `appointments` tables have them. */
export interface AppointmentColumns {
  id: Column;
  petId: Column;
  vetId: Column;
  status: Column;
  startsAt: Column;
  endsAt: Column;
  reminderSentAt: Column;
  reminderClaimedBy: Column;
  reminderLeaseUntil: Column;
}

/**
 * MakeAppointment's check: the owner's non-cancelled appointments
 * intersecting [startsAt, endsAt). On SQL Server it runs under UPDLOCK,
 * HOLDLOCK, so it range-locks the owner's keys (appointments_pet_starts_idx or
 * appointments_vet_starts_idx) and two bookings of one slot serialize.
 */
export function overlapWhere(
  t: AppointmentColumns,
  who: OverlapOwner,
  row: Pick<AppointmentRow, "startsAt" | "endsAt">,
): SQL | undefined {
  return and(
    "petId" in who ? eq(t.petId, who.petId) : eq(t.vetId, who.vetId),
    ne(t.status, "cancelled"),
    lt(t.startsAt, row.endsAt),
    gt(t.endsAt, row.startsAt),
  );
}

/** The clinic-wide list's filter: start within [from, to) (appointments_starts_idx), optionally one vet's. */
export function clinicRangeWhere(
  t: AppointmentColumns,
  range: { from: number; to: number; vetId?: string },
): SQL | undefined {
  const conditions: SQL[] = [gte(t.startsAt, range.from), lt(t.startsAt, range.to)];
  if (range.vetId !== undefined) conditions.push(eq(t.vetId, range.vetId));
  return and(...conditions);
}

/** One pet's appointments, optionally with a start within [from, to). */
export function petRangeWhere(
  t: AppointmentColumns,
  petId: string,
  range: { from?: number; to?: number },
): SQL | undefined {
  const conditions: SQL[] = [eq(t.petId, petId)];
  if (range.from !== undefined) conditions.push(gte(t.startsAt, range.from));
  if (range.to !== undefined) conditions.push(lt(t.startsAt, range.to));
  return and(...conditions);
}

/** The free-slot search's filter: vets' non-cancelled appointments overlapping [from, to) (appointments_starts_idx). */
export function busySpansWhere(
  t: AppointmentColumns,
  { from, to, longestMs, vetId }: BusyRange,
): SQL | undefined {
  return and(
    vetId === undefined ? isNotNull(t.vetId) : eq(t.vetId, vetId),
    gte(t.startsAt, from - longestMs),
    lt(t.startsAt, to),
    gt(t.endsAt, from),
    ne(t.status, "cancelled"),
  );
}

/** Scheduled appointments starting in (now, now + leadMs] whose reminder is unsent and not under a live lease. */
export function dueAppointmentRemindersWhere(
  t: AppointmentColumns,
  { now, leadMs }: Pick<AppointmentReminderClaim, "now" | "leadMs">,
): SQL | undefined {
  return and(
    eq(t.status, "scheduled"),
    isNull(t.reminderSentAt),
    gt(t.startsAt, now),
    lte(t.startsAt, now + leadMs),
    or(isNull(t.reminderLeaseUntil), lte(t.reminderLeaseUntil, now)),
  );
}

/** The appointment's reminder while `owner` still holds its claim and it is unsent. */
export function appointmentReminderHeldWhere(
  t: AppointmentColumns,
  id: string,
  owner: string,
): SQL | undefined {
  return and(eq(t.id, id), eq(t.reminderClaimedBy, owner), isNull(t.reminderSentAt));
}

/** Schedule exceptions overlapping [from, to). */
export function exceptionsWhere(
  t: { startsAt: Column; endsAt: Column },
  range: { from: number; to: number },
): SQL | undefined {
  return and(lt(t.startsAt, range.to), gt(t.endsAt, range.from));
}

/** The current (not superseded) vaccinations of a pet's vaccine. */
export function currentVaccinationWhere(
  t: { petId: Column; vaccineKey: Column; supersededBy: Column },
  petId: string,
  key: string,
): SQL | undefined {
  return and(eq(t.petId, petId), eq(t.vaccineKey, key), isNull(t.supersededBy));
}

/** A page of a pet's records after a keyset cursor (newest first: earlier recorded_at, then smaller id). */
export function recordsAfterWhere(
  t: { petId: Column; recordedAt: Column; id: Column },
  petId: string,
  after?: { recordedAt: number; id: string },
): SQL | undefined {
  if (!after) return eq(t.petId, petId);
  return and(
    eq(t.petId, petId),
    or(lt(t.recordedAt, after.recordedAt), and(eq(t.recordedAt, after.recordedAt), lt(t.id, after.id))),
  );
}
