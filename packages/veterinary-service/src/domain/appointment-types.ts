/** Appointment types and their default lengths in minutes, in configured order. */
export type AppointmentTypes = ReadonlyMap<string, number>;

/** The types used when APPOINTMENT_TYPES is not set. */
export const DEFAULT_APPOINTMENT_TYPES = "consultation=20,vaccination=10,surgery=90";

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Parses APPOINTMENT_TYPES: `consultation=20,vaccination=10` (minutes, 1..1440).
 * Returns an error message instead of throwing so the config schema can name the variable.
 */
export function parseAppointmentTypes(text: string): AppointmentTypes | string {
  const table = new Map<string, number>();
  for (const entry of text.split(",")) {
    if (entry.trim() === "") continue;
    const [name, minutes, ...rest] = entry.split("=");
    const key = (name ?? "").trim().toLowerCase();
    const value = Number(minutes?.trim());
    if (!NAME.test(key) || rest.length > 0 || !Number.isInteger(value) || value < 1 || value > 1440) {
      return `bad entry "${entry.trim()}": expected name=minutes with a name of a-z 0-9 _ - and 1..1440 minutes`;
    }
    table.set(key, value);
  }
  return table;
}
