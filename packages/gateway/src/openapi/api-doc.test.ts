import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { createGatewayHarness } from "../testing/harness.ts";
import { OPENAPI_PATH } from "./document.ts";

/** The contract in words, in the repository (docs/API.md), must cover every route the spec has. */
const API_DOC = join(import.meta.dir, "..", "..", "..", "..", "docs", "API.md");

let h: Awaited<ReturnType<typeof createGatewayHarness>>;
let spec: { paths: Record<string, Record<string, unknown>> };
beforeAll(async () => {
  h = await createGatewayHarness();
  spec = (await (await h.app.request(OPENAPI_PATH)).json()) as typeof spec;
});
afterAll(async () => {
  await h.close();
});

// Path parameters are named for the reader in the doc ({email}) and for the code in the spec ({ref}).
const shape = (text: string) => text.replaceAll(/\{[^}/]*\}/g, "{}");

test("docs/API.md names every method and path of the OpenAPI spec", async () => {
  const doc = shape(await Bun.file(API_DOC).text());
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const method of Object.keys(operations)) {
      const mention = new RegExp(`${method.toUpperCase()} ${RegExp.escape(shape(path))}(?![\\w/{}-])`);
      if (!mention.test(doc)) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  expect(Object.keys(spec.paths).length).toBeGreaterThan(10);
  expect(missing).toEqual([]);
});
