import { invalid } from "@vetmesh/kit";
import type { Temporal as TemporalTypes } from "temporal-spec";

/**
 * Bun ships Temporal natively; `temporal-spec` only gives TypeScript its
 * types (TypeScript 5.9 has none yet). Every time-zone computation of the
 * service goes through this module, so wall-clock hours and local days are
 * converted by the platform's IANA data, DST included.
 */
const Temporal = (globalThis as unknown as { Temporal: typeof TemporalTypes }).Temporal;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True when `zone` is an IANA time zone (or UTC) the platform knows. */
export function isTimeZone(zone: string): boolean {
  try {
    Temporal.Now.zonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
}

/** Parses a calendar date (YYYY-MM-DD); InvalidArgument naming `field` otherwise. */
export function parseLocalDate(field: string, value: string): TemporalTypes.PlainDate {
  const trimmed = value.trim();
  if (!LOCAL_DATE.test(trimmed)) throw invalid(field, `${field} must be a date such as 2026-03-29`);
  try {
    return Temporal.PlainDate.from(trimmed, { overflow: "reject" });
  } catch {
    throw invalid(field, `${field} is not a valid date: ${trimmed}`);
  }
}

/**
 * The instants [from, to) of one local day in `zone`: from its first local
 * instant to the next day's. A DST change day is 23 or 25 hours long.
 */
export function localDayRange(date: TemporalTypes.PlainDate, zone: string): { from: number; to: number } {
  const start = date.toZonedDateTime({ timeZone: zone });
  return { from: start.epochMilliseconds, to: start.add({ days: 1 }).epochMilliseconds };
}

/**
 * The instant of a wall-clock time (minutes after local midnight) on a local
 * day. A time skipped by a spring-forward gap moves forward past the gap, a
 * repeated fall-back time takes its earlier instant (RFC 5545's rule).
 */
export function localInstant(date: TemporalTypes.PlainDate, minuteOfDay: number, zone: string): number {
  const midnight = date.toPlainDateTime({ hour: 0, minute: 0 });
  const local = midnight.add({ minutes: minuteOfDay });
  return local.toZonedDateTime(zone, { disambiguation: "compatible" }).epochMilliseconds;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a local day. */
export function weekdayOf(date: TemporalTypes.PlainDate): number {
  return date.dayOfWeek;
}

/** The local calendar date of an instant in `zone`. */
export function localDateOf(epochMs: number, zone: string): TemporalTypes.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).toPlainDate();
}

/** The local day after `date`. */
export function nextDay(date: TemporalTypes.PlainDate): TemporalTypes.PlainDate {
  return date.add({ days: 1 });
}

/** A local date as YYYY-MM-DD. */
export function formatLocalDate(date: TemporalTypes.PlainDate): string {
  return date.toString();
}

/** The type of a local calendar date, for modules that take one. */
export type LocalDate = TemporalTypes.PlainDate;
