/**
 * `make openapi`: writes docs/openapi.json from the gateway's code (the spec
 * exactly as GET /openapi.json serves it).
 *   --check          fail when docs/openapi.json differs from the served spec
 *   --breaking REF   fail when docs/openapi.json breaks against REF's copy (git show REF:docs/openapi.json)
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SPEC_FILE, servedSpecText } from "../packages/gateway/src/openapi/spec-file.ts";
import { breakingChanges } from "./openapi-breaking.ts";

const ROOT = join(import.meta.dir, "..");
const file = join(ROOT, SPEC_FILE);
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
if (values.check) {
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {}
  if (current !== served) {
    console.log(
      `FAIL: ${SPEC_FILE} differs from the spec the gateway serves; run 'make openapi' and commit it`,
    );
    process.exit(1);
  }
  console.log(`ok: ${SPEC_FILE} is the spec the gateway serves`);
} else {
  writeFileSync(file, served);
  console.log(`wrote ${SPEC_FILE}`);
}
