/**
 * Calendar arithmetic in the browser's local time (the clinic's screen), and
 * the formats the screens print. Pure: everything takes its "now".
 */

const pad = (n: number) => String(n).padStart(2, "0");

/** `YYYY-MM-DD` of a local date. */
export function isoDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Local midnight of a `YYYY-MM-DD`. */
export function startOfDay(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

/** `day` moved by n days (n may be negative), across month ends and DST. */
export function addDays(day: string, n: number): string {
  const date = startOfDay(day);
  date.setDate(date.getDate() + n);
  return isoDay(date);
}

/** Monday of the week holding `day`. */
export function mondayOf(day: string): string {
  const weekday = (startOfDay(day).getDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The local days a calendar view shows: one, or Monday..Sunday. */
export function daysOf(view: "day" | "week", day: string): string[] {
  if (view === "day") return [day];
  const monday = mondayOf(day);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** [from, to) as ISO instants for the API, covering the given local days. */
export function rangeOf(days: string[]): { from: string; to: string } {
  const first = days[0] ?? isoDay(new Date());
  const last = days[days.length - 1] ?? first;
  return { from: startOfDay(first).toISOString(), to: startOfDay(addDays(last, 1)).toISOString() };
}

/** A `datetime-local` input's value as an ISO instant, or undefined when empty/invalid. */
export function localInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A date input's `YYYY-MM-DD` as the instant of local noon (stable across time zones). */
export function dayInputToIso(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = startOfDay(value);
  date.setHours(12);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** Value for a `datetime-local` input: the next full hour after now. */
export function nextHourInput(now: Date): string {
  const next = new Date(now);
  next.setMinutes(0, 0, 0);
  next.setHours(next.getHours() + 1);
  return `${isoDay(next)}T${pad(next.getHours())}:00`;
}

/** "Thu 3 Dec 2026, 14:00" — what the lists print. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/**
 * When a pending reminder goes out: "sends Sun 6 Dec 2026, 12:00", or, when its
 * time has passed (a vaccination due soon after it was recorded), "due now
 * (since 22 Nov 2026)", so the front desk never shows a future-sounding past date.
 */
export function reminderWhen(sendAtIso: string, now: Date): string {
  const at = Date.parse(sendAtIso);
  if (!Number.isNaN(at) && at <= now.getTime()) return `due now (since ${formatDate(sendAtIso)})`;
  return `sends ${formatDateTime(sendAtIso)}`;
}

/** "3 Dec 2026". */
export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

/** "14:00". */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}

/** "Thursday 3 December" for a `YYYY-MM-DD`. */
export function formatDayHeading(day: string): string {
  return startOfDay(day).toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long" });
}
