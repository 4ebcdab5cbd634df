import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "./errors.ts";
import { describeIssue } from "./validation-message.ts";

/**
 * Reads a JSON body at the edge: wrong content type, malformed JSON, a
 * missing or wrongly typed field all become 400 naming what is wrong, before
 * any upstream is called. Unknown extra fields are ignored (old clients).
 */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(400, "Content-Type must be application/json", "Content-Type");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (error) {
    if (error instanceof SyntaxError) throw new HttpError(400, "Malformed JSON body", "body");
    throw error;
  }
  return check(schema, raw, "body");
}

/**
 * Validates already-parsed input (query strings, path parameters) with the
 * same error shape as bodies.
 */
export function check<S extends z.ZodType>(schema: S, input: unknown, whole: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw validationError(result.error, input, whole);
}

/**
 * The one place a failed validation becomes the client's 400:
 * `{"error":"Invalid <field>: <reason>","details":{"field":"<field>"}}`, where
 * the field is the name the client sent (`pageSize`, `dateTime`, `email`; the
 * request part `whole` — body, query, path — when the whole is wrong) and the
 * reason says what was wrong with what was sent ({@link describeIssue}). Any
 * route style (readJson/check, or a zod-openapi hook) builds its 400 here, from
 * the error and the input it validated.
 */
export function validationError(error: z.ZodError, input: unknown, whole: string): HttpError {
  const issue = error.issues[0];
  if (!issue) return new HttpError(400, `Invalid ${whole}: invalid value`, whole);
  const field = issue.path.length > 0 ? fieldPath(issue.path) : whole;
  return new HttpError(400, `Invalid ${field}: ${describeIssue(issue, input)}`, field);
}

/** A zod path as the client wrote it: `workingHours[0].start` (indices in brackets, as the services name them). */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join("");
}
