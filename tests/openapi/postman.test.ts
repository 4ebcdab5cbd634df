/**
 * The first version's clients used a Postman collection. This runs the one
 * exported from the spec (docs/vetmesh.postman_collection.json, written by
 * `make openapi`) with newman against a private run of the whole system: every
 * request, in the collection's order, must pass its test (a documented 2xx,
 * or the demonstration routes' 408 and 500), and every operation of the spec
 * must be in it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import newman, { type NewmanRunSummary } from "newman";
import { ROOT } from "../support/process.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

let system: RunningSystem;
beforeAll(async () => {
  // Own rate-limit buckets come with the system: each copy has its own Redis namespace (scripts/processes.ts).
  system = await startSystem();
}, 60_000);
afterAll(async () => {
  await system?.stop();
}, STOP_BOUND_MS);

function run(collection: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      { collection, envVar: [{ key: "baseUrl", value: system.gateway }], reporters: [] },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

test("newman runs the exported collection against a private system: every request passes, every operation is in it", async () => {
  const file = join(ROOT, "docs", "vetmesh.postman_collection.json");
  const spec = JSON.parse(readFileSync(join(ROOT, "docs", "openapi.json"), "utf8")) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const summary = await run(file);
  // An item's own request is the execution its tests ran on (end/cancel also make an appointment first).
  const lines = summary.run.executions
    .filter((e) => (e.assertions?.length ?? 0) > 0)
    .map((e) => `${e.request.method} ${e.request.url.getPath()} → ${e.response?.code ?? "no answer"}`);
  console.log(
    `newman: ${summary.run.stats.items.total} items, ${summary.run.stats.requests.total} requests\n  ${lines.join("\n  ")}`,
  );
  const failures = summary.run.failures.map((f) => `${f.source?.name ?? "?"}: ${f.error.message}`);
  expect(failures).toEqual([]);
  const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  expect(summary.run.stats.items.total).toBe(operations);
  expect(summary.run.stats.assertions.total).toBe(operations);
  expect(summary.run.stats.assertions.failed).toBe(0);
}, 120_000);
