import { invalid } from "@vetmesh/kit";

/** A required, trimmed, bounded string field; InvalidArgument names the field otherwise. */
export function requiredText(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalid(field, `${field} is required`);
  if (trimmed.length > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return trimmed;
}

/** An optional bounded string field; empty or absent is null. */
export function optionalText(field: string, value: string | undefined, max = 2000): string | null {
  if (value === undefined || value.trim() === "") return null;
  if (value.length > max) throw invalid(field, `${field} must be at most ${max} characters`);
  return value.trim();
}
