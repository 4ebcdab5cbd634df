import { invalid } from "@vetmesh/kit";
import { localDayRange, parseLocalDate } from "../domain/clinic-time.ts";
import { DAY_MS, parseOptionalInstant } from "../domain/instants.ts";

/** The longest range the clinic-wide appointment list answers (a month view). */
export const MAX_CLINIC_RANGE_DAYS = 31;

/**
 * The [from, to) of a ListAppointments request: `date` is a local day in the
 * clinic's zone (instead of from/to), else from/to as given (each optional).
 */
export function listRange(
  req: { from: string; to: string; date: string },
  zone: string,
): { from?: number; to?: number } {
  if (req.date.trim() !== "") {
    if (req.from.trim() !== "" || req.to.trim() !== "") {
      throw invalid("date", "give either date or from and to, not both");
    }
    return localDayRange(parseLocalDate("date", req.date), zone);
  }
  const from = parseOptionalInstant("from", req.from);
  const to = parseOptionalInstant("to", req.to);
  if (from !== undefined && to !== undefined && to < from) throw invalid("to", "to must not be before from");
  return { from, to };
}

/**
 * A clinic-wide list needs both bounds, at most MAX_CLINIC_RANGE_DAYS apart.
 * With neither, the error names `missing` (pet_id for appointments: the
 * first version's list needed one).
 */
export function clinicRange(
  range: { from?: number; to?: number },
  missing: "pet_id" | "from" = "pet_id",
): { from: number; to: number } {
  const requirement =
    missing === "pet_id"
      ? "from and to (or date) are required when no pet_id is given"
      : "from and to (or date) are required";
  if (range.from === undefined && range.to === undefined) {
    throw invalid(
      missing,
      missing === "pet_id"
        ? "pet_id is required unless a range (date, or from and to) is given"
        : requirement,
    );
  }
  if (range.from === undefined) throw invalid("from", requirement);
  if (range.to === undefined) throw invalid("to", requirement);
  if (range.to - range.from > MAX_CLINIC_RANGE_DAYS * DAY_MS) {
    throw invalid("to", `the range must be at most ${MAX_CLINIC_RANGE_DAYS} days`);
  }
  return { from: range.from, to: range.to };
}
