import { invalid } from "@vetmesh/kit";

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validCalendar(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/**
 * Parses an ISO-8601 instant with an explicit zone ("2023-09-09T13:00:00.000Z",
 * "2023-09-09T15:00+02:00") into epoch milliseconds. Anything else
 * ("2023-13-45", "tomorrow", "1694264400") is InvalidArgument naming `field`:
 * the service validates instants itself rather than trusting Date.parse, which
 * accepts far more than ISO-8601. With `allowDate`, a bare date means UTC midnight.
 */
export function parseInstant(field: string, value: string, options: { allowDate?: boolean } = {}): number {
  const trimmed = value.trim();
  const dateOnly = options.allowDate ? DATE_ONLY.exec(trimmed) : null;
  const match = dateOnly ?? INSTANT.exec(trimmed);
  const hint = options.allowDate
    ? "an ISO-8601 date or instant"
    : "an ISO-8601 instant such as 2023-09-09T13:00:00.000Z";
  if (!match) throw invalid(field, `${field} must be ${hint}`);
  const [year, month, day, hour = 0, minute = 0, second = 0] = match
    .slice(1, 7)
    .map((part) => Number(part ?? 0));
  if (
    !validCalendar(year!, month!, day!) ||
    (hour as number) > 23 ||
    (minute as number) > 59 ||
    (second as number) > 59
  ) {
    throw invalid(field, `${field} is not a valid date: ${trimmed}`);
  }
  const ms = dateOnly ? Date.UTC(year!, month! - 1, day!) : Date.parse(trimmed);
  if (!Number.isFinite(ms)) throw invalid(field, `${field} must be ${hint}`);
  return ms;
}

/** Parses an optional instant: empty or absent means "no value". */
export function parseOptionalInstant(
  field: string,
  value: string | undefined,
  options: { allowDate?: boolean } = {},
): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  return parseInstant(field, value, options);
}

/** The one wire format for instants the service returns. */
export function formatInstant(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "" : new Date(ms).toISOString();
}

/** Milliseconds in a day; intervals and offsets are configured in days. */
export const DAY_MS = 86_400_000;
