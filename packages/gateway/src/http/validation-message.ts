import type { z } from "zod";

type Issue = z.core.$ZodIssue;

/** What a client sent, in a word: `number`, `null`, `array`, `object`, `string`, `boolean`. */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  bigint: "an integer",
  boolean: "true or false",
  object: "a JSON object",
  array: "an array",
  date: "a date",
  null: "null",
};
const expected = (name: string) => EXPECTED[name] ?? name;

/** The value at `path` in what the client sent (undefined when absent). */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function typeReason(names: string[], value: unknown): string {
  const wanted = [...new Set(names.map(expected))].join(" or ");
  return `must be ${wanted} (got ${kindOf(value)})`;
}

function sizeReason(issue: Extract<Issue, { code: "too_small" | "too_big" }>): string {
  const small = issue.code === "too_small";
  const limit = Number(
    small ? (issue as { minimum: unknown }).minimum : (issue as { maximum: unknown }).maximum,
  );
  const exclusive = issue.inclusive === false;
  switch (issue.origin) {
    case "string":
      if (small && limit === 1 && !exclusive) return "must not be empty";
      return `must be at ${small ? "least" : "most"} ${limit} characters`;
    case "array":
    case "set":
      return `must have at ${small ? "least" : "most"} ${limit} items`;
    default:
      if (exclusive) return `must be ${small ? "greater" : "less"} than ${limit}`;
      return `must be at ${small ? "least" : "most"} ${limit}`;
  }
}

/**
 * The reason of one validation issue in words a client can act on, from the
 * issue and the value the client actually sent: an absent field "is
 * required", a present one of the wrong type "must be a string (got
 * number)", never zod's internal wording. Schema-given messages (refinements,
 * regexes with a message) pass through as written.
 */
export function describeIssue(issue: Issue, input: unknown): string {
  const value = valueAt(input, issue.path);
  switch (issue.code) {
    case "invalid_type":
      if (value === undefined) return "is required";
      return typeReason([issue.expected], value);
    case "invalid_union": {
      if (value === undefined) return "is required";
      const branches = issue.errors.map((branch) => branch[0]);
      if (branches.every((first) => first?.code === "invalid_type" && first.path.length === 0)) {
        return typeReason(
          branches.map((first) => (first as Extract<Issue, { code: "invalid_type" }>).expected),
          value,
        );
      }
      return issue.message;
    }
    case "too_small":
    case "too_big":
      return sizeReason(issue);
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      // zod's own wording starts "Invalid …"; a schema's message is kept.
      if (!issue.message.startsWith("Invalid")) return issue.message;
      return issue.format === "regex" ? "has the wrong format" : `must be a valid ${issue.format}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")}`;
    default:
      return issue.message;
  }
}
