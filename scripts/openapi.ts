/**
 * `make openapi`: writes docs/openapi.json from the gateway's code (the spec
 * exactly as GET /openapi.json serves it) and the Postman collection exported
 * from it (docs/vetmesh.postman_collection.json, scripts/postman.ts).
 *   --check          fail when either file differs from what the code produces
 *   --breaking REF   fail when docs/openapi.json breaks against REF's copy (git show REF:docs/openapi.json)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SPEC_FILE, servedSpecText } from "../packages/gateway/src/openapi/spec-file.ts";
import { breakingChanges } from "./openapi-breaking.ts";
import { postmanCollection } from "./postman.ts";

const ROOT = join(import.meta.dir, "..");
const file = join(ROOT, SPEC_FILE);
const COLLECTION_FILE = "docs/vetmesh.postman_collection.json";
const collectionFile = join(ROOT, COLLECTION_FILE);
const { values } = parseArgs({ options: { check: { type: "boolean" }, breaking: { type: "string" } } });

if (values.breaking) {
  const git = Bun.spawnSync(["git", "show", `${values.breaking}:${SPEC_FILE}`], { cwd: ROOT });
  if (git.exitCode !== 0) {
    console.log(`openapi breaking: ${values.breaking} has no ${SPEC_FILE}, nothing to compare against`);
    process.exit(0);
  }
  const changes = breakingChanges(JSON.parse(git.stdout.toString()), JSON.parse(readFileSync(file, "utf8")));
  if (changes.length > 0) {
    console.log(`FAIL: ${SPEC_FILE} breaks against ${values.breaking} (${changes.length} changes):`);
    for (const change of changes) console.log(`  ${change.where}: ${change.what}`);
    process.exit(1);
  }
  console.log(`ok: ${SPEC_FILE} does not break against ${values.breaking}`);
  process.exit(0);
}

const served = await servedSpecText();
const collection = await postmanCollection(served);
const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};
if (values.check) {
  let stale = false;
  for (const [name, path, text] of [
    [SPEC_FILE, file, served],
    [COLLECTION_FILE, collectionFile, collection],
  ] as const) {
    if (read(path) === text) console.log(`ok: ${name} is what the gateway's code produces`);
    else {
      console.log(
        `FAIL: ${name} differs from what the gateway's code produces; run 'make openapi' and commit it`,
      );
      stale = true;
    }
  }
  if (stale) process.exit(1);
} else {
  writeFileSync(file, served);
  writeFileSync(collectionFile, collection);
  console.log(`wrote ${SPEC_FILE} and ${COLLECTION_FILE}`);
}
