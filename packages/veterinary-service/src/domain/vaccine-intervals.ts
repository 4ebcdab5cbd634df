/** How long each vaccine protects, in days, keyed by normalized vaccine name. */
export type VaccineIntervals = ReadonlyMap<string, number>;

/** The key vaccines are matched by: "Rabies " and "rabies" are the same vaccine. */
export function vaccineKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * Parses VACCINE_INTERVALS: `rabies=365,dhpp=365` (days). Returns an error
 * message instead of throwing so the config schema can name the variable.
 */
export function parseVaccineIntervals(text: string): VaccineIntervals | string {
  const table = new Map<string, number>();
  for (const entry of text.split(",")) {
    if (entry.trim() === "") continue;
    const [name, days, ...rest] = entry.split("=");
    const key = vaccineKey(name ?? "");
    const value = Number(days?.trim());
    if (!key || rest.length > 0 || !Number.isInteger(value) || value <= 0 || value > 36_500) {
      return `bad entry "${entry.trim()}": expected name=days with days a positive integer`;
    }
    table.set(key, value);
  }
  return table;
}

/** The intervals used when VACCINE_INTERVALS is not set: common canine/feline core vaccines. */
export const DEFAULT_VACCINE_INTERVALS =
  "rabies=365,dhpp=365,dapp=365,fvrcp=365,felv=365,leptospirosis=365,bordetella=180,lyme=365";
