/**
 * `curl -s localhost:8080/openapi.json | bun scripts/validate-openapi.ts`
 * (or `make validate-openapi`, or a file path as the argument): validates an
 * OpenAPI document with @readme/openapi-parser, so a client author can check
 * what a running gateway serves without installing anything else. Prints
 * `valid OpenAPI 3.1.0: N paths, M operations` and exits 0, or every error
 * and exits 1.
 */
import { readFileSync } from "node:fs";
import { compileErrors, validate } from "@readme/openapi-parser";

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);

const source = process.argv[2];
const text = source ? readFileSync(source, "utf8") : await Bun.stdin.text();

let document: Record<string, unknown>;
try {
  document = JSON.parse(text) as Record<string, unknown>;
} catch (error) {
  console.error(`not JSON: ${(error as Error).message}`);
  process.exit(1);
}
if (typeof document !== "object" || document === null || Array.isArray(document)) {
  console.error("not an OpenAPI document: the JSON is not an object");
  process.exit(1);
}

const result = await validate(structuredClone(document) as never);
if (!result.valid) {
  console.error(compileErrors(result));
  process.exit(1);
}
const paths = Object.values((document.paths ?? {}) as Record<string, Record<string, unknown>>);
const operations = paths.reduce(
  (count, item) => count + Object.keys(item).filter((key) => HTTP_METHODS.has(key)).length,
  0,
);
console.log(`valid OpenAPI ${String(document.openapi)}: ${paths.length} paths, ${operations} operations`);
