import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { postmanCollection } from "./postman.ts";

const docs = join(import.meta.dir, "..", "docs");

test("docs/vetmesh.postman_collection.json is the export of docs/openapi.json, the same on every run (make openapi)", async () => {
  const spec = readFileSync(join(docs, "openapi.json"), "utf8");
  const first = await postmanCollection(spec);
  expect(await postmanCollection(spec)).toBe(first);
  expect(readFileSync(join(docs, "vetmesh.postman_collection.json"), "utf8")).toBe(first);
  const collection = JSON.parse(first) as { item: { name: string; item: { name: string }[] }[] };
  expect(collection.item.at(-1)?.item.map((item) => item.name)).toEqual([
    "Remove an owner and everything held about their pets",
  ]);
  // two conversions of the whole spec: seconds on a loaded machine, more than bun's 5 s default
}, 60_000);
