import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SPEC_FILE, servedSpecText } from "./spec-file.ts";

test("docs/openapi.json is the spec the gateway serves (run `make openapi` after changing a route)", async () => {
  const file = readFileSync(join(import.meta.dir, "..", "..", "..", "..", SPEC_FILE), "utf8");
  const served = await servedSpecText();
  expect(JSON.parse(served).openapi).toBe("3.1.0");
  expect(file).toBe(served);
});
