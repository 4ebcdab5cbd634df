/** A rate-limit policy: `points` requests per `durationSeconds` window per client. */
export interface RatePolicy {
  points: number;
  durationSeconds: number;
}

/** Parses `<points>/<seconds>` (e.g. "300/60"); the config schema checks the shape first. */
export function parsePolicy(text: string): RatePolicy {
  const [points, seconds] = text.split("/").map((part) => Number.parseInt(part, 10));
  if (!points || !seconds || points < 1 || seconds < 1) throw new Error(`bad rate policy "${text}"`);
  return { points, durationSeconds: seconds };
}

/** The named policies routes choose from. */
export type PolicyName = "read" | "write" | "test";
