/**
 * Breaking changes between two versions of the REST spec (docs/openapi.json).
 * The classification is api-smart-diff's OpenAPI rule set (a removed path,
 * operation, response status, response field or header; a new required
 * request field; a narrowed enum or changed type in a request; …), plus two
 * rules it misses, checked here on every operation both versions have:
 *  - a parameter (path, query, header) that is required now and was absent or
 *    optional before;
 *  - a parameter whose schema type changed to one that does not accept
 *    everything the old one did (e.g. string → integer);
 *  - an operation that took anonymous calls (no `security`, or one with an
 *    empty alternative `{}`) and now requires credentials.
 * One of its classifications is dropped: defining a new security scheme in
 * components is not breaking by itself (only requiring it, the rule above).
 */
import { apiCompare } from "api-smart-diff";

/** One breaking change: where in the document, and what happened there. */
export interface BreakingChange {
  where: string;
  what: string;
}

type Json = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: { type?: string | string[] };
}
type Security = Record<string, string[]>[] | undefined;
const anonymousAllowed = (security: Security) =>
  !security || security.some((alt) => Object.keys(alt).length === 0);
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface Operation {
  parameters?: Parameter[];
  security?: Security;
}

function operations(spec: Json): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries((spec.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (op) found.set(`${method.toUpperCase()} ${path}`, op);
    }
  }
  return found;
}

const types = (p: Parameter): string[] => {
  const type = p.schema?.type;
  if (type === undefined) return [];
  return Array.isArray(type) ? type : [type];
};

function operationChanges(before: Json, after: Json): BreakingChange[] {
  const changes: BreakingChange[] = [];
  const old = operations(before);
  for (const [operation, op] of operations(after)) {
    const previous = old.get(operation);
    if (!previous) continue;
    const securityBefore = previous.security ?? (before.security as Security);
    const securityAfter = op.security ?? (after.security as Security);
    if (anonymousAllowed(securityBefore) && !anonymousAllowed(securityAfter)) {
      changes.push({ where: operation, what: "requires credentials it did not before" });
    }
    for (const param of op.parameters ?? []) {
      const was = previous.parameters?.find((p) => p.name === param.name && p.in === param.in);
      const where = `${operation} ${param.in} parameter ${param.name}`;
      if (param.required && !was?.required) {
        changes.push({ where, what: was ? "became required" : "added as required" });
      }
      const oldTypes = was ? types(was) : [];
      const newTypes = types(param);
      if (was && newTypes.length > 0 && !oldTypes.every((t) => newTypes.includes(t))) {
        changes.push({ where, what: `type ${oldTypes.join("|") || "any"} → ${newTypes.join("|")}` });
      }
    }
  }
  return changes;
}

/** Every breaking change from `before` to `after`; empty when old clients keep working. */
export function breakingChanges(before: unknown, after: unknown): BreakingChange[] {
  const { diffs } = apiCompare(before, after);
  const fromLibrary = diffs
    .filter((diff) => diff.type === "breaking")
    .filter(
      (diff) =>
        !(diff.action === "add" && diff.path[0] === "components" && diff.path[1] === "securitySchemes"),
    )
    .map((diff) => ({
      where: diff.path.join("/"),
      what: diff.description ?? `${diff.action} ${JSON.stringify(diff.before ?? diff.after ?? null)}`,
    }));
  return [...fromLibrary, ...operationChanges(before as Json, after as Json)];
}
