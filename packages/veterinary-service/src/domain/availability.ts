import { type LocalDate, localDateOf, localInstant, weekdayOf } from "./clinic-time.ts";
import type { HoursSpan } from "./working-hours.ts";

/** A half-open span of instants [start, end), epoch milliseconds. */
export type Interval = readonly [number, number];

/** A vet's working spans of one local day, as instants (DST-aware), in order. */
export function dayIntervals(hours: readonly HoursSpan[], date: LocalDate, zone: string): Interval[] {
  const weekday = weekdayOf(date);
  return hours
    .filter((span) => span.weekday === weekday)
    .map(
      (span): Interval => [
        localInstant(date, span.startMinute, zone),
        localInstant(date, span.endMinute, zone),
      ],
    )
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
}

/** True when [start, end) lies within one working span of its local day and touches no blocked interval. */
export function isWorking(
  hours: readonly HoursSpan[],
  blocked: readonly Interval[],
  start: number,
  end: number,
  zone: string,
): boolean {
  const inHours = dayIntervals(hours, localDateOf(start, zone), zone).some(
    ([s, e]) => s <= start && end <= e,
  );
  return inHours && !blocked.some(([s, e]) => s < end && e > start);
}

/**
 * Free starts within the working spans: every `stepMs` from each span's start,
 * keeping a start when [t, t + durationMs) fits in the span and overlaps no
 * busy interval. `busy` may be unsorted; it is sorted once here.
 */
export function freeStarts(
  working: readonly Interval[],
  busy: readonly Interval[],
  durationMs: number,
  stepMs: number,
): Interval[] {
  const sorted = [...busy].sort((a, b) => a[0] - b[0]);
  const slots: Interval[] = [];
  for (const [spanStart, spanEnd] of working) {
    let first = 0; // busy intervals ending at or before t can never clash again as t grows
    for (let t = spanStart; t + durationMs <= spanEnd; t += stepMs) {
      const end = t + durationMs;
      while (first < sorted.length && sorted[first]![1] <= t) first++;
      let clash = false;
      for (let i = first; i < sorted.length && sorted[i]![0] < end; i++) {
        if (sorted[i]![1] > t) {
          clash = true;
          break;
        }
      }
      if (!clash) slots.push([t, end]);
    }
  }
  return slots;
}
