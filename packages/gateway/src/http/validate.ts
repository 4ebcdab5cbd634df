import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "./errors.ts";

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

/** Validates already-parsed input (query strings) with the same error shape. */
export function check<S extends z.ZodType>(schema: S, input: unknown, whole: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join(".") : whole;
  const reason = issue?.code === "invalid_type" && issue.input === undefined ? "is required" : issue?.message;
  throw new HttpError(400, `Invalid ${field}: ${reason ?? "invalid value"}`, field);
}
