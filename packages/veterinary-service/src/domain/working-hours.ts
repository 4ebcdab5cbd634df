import { invalid } from "@vetmesh/kit";

/** One span of a weekday's hours: ISO weekday 1..7, minutes after local midnight, start < end. */
export interface HoursSpan {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/** A vet can have at most this many spans a week (e.g. a morning and an afternoon per day, and then some). */
export const MAX_SPANS = 28;

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** "HH:MM" (00:00..24:00) → minutes after midnight; InvalidArgument naming `field` otherwise. */
export function parseClock(field: string, text: string): number {
  const trimmed = text.trim();
  if (!CLOCK.test(trimmed))
    throw invalid(field, `${field} must be a local time HH:MM between 00:00 and 24:00`);
  const [hours, minutes] = trimmed.split(":").map(Number);
  return hours! * 60 + minutes!;
}

/** Minutes after midnight → "HH:MM". */
export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/**
 * Validates a week of working hours as given on the wire: weekdays 1..7,
 * start before end, spans of one weekday not overlapping. Returns them sorted
 * by weekday and start.
 */
export function parseWorkingHours(
  field: string,
  spans: readonly { weekday: number; start: string; end: string }[],
): HoursSpan[] {
  if (spans.length > MAX_SPANS) throw invalid(field, `${field} may hold at most ${MAX_SPANS} spans`);
  const parsed = spans.map((span, i) => {
    const at = `${field}[${i}]`;
    if (!Number.isInteger(span.weekday) || span.weekday < 1 || span.weekday > 7) {
      throw invalid(`${at}.weekday`, `${at}.weekday must be 1 (Monday) to 7 (Sunday)`);
    }
    const startMinute = parseClock(`${at}.start`, span.start);
    const endMinute = parseClock(`${at}.end`, span.end);
    if (endMinute <= startMinute) throw invalid(`${at}.end`, `${at}.end must be after ${at}.start`);
    return { weekday: span.weekday, startMinute, endMinute };
  });
  parsed.sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  for (let i = 1; i < parsed.length; i++) {
    const before = parsed[i - 1]!;
    const span = parsed[i]!;
    if (span.weekday === before.weekday && span.startMinute < before.endMinute) {
      throw invalid(field, `${field} has overlapping spans on weekday ${span.weekday}`);
    }
  }
  return parsed;
}
