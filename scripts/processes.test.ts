import { describe, expect, test } from "bun:test";
import { DEPLOYABLES } from "./deployables.ts";
import { buildProcesses, defaultLayout } from "./processes.ts";

/** `make run` starts what is deployed: every deployable at least once, and nothing that is not one. */
describe("make run's processes match the one list of deployables", () => {
  const processes = buildProcesses({ ...defaultLayout, redisNamespace: "vetmesh:test:" });
  const entries = new Set(processes.map((p) => p.entry));
  const known = new Set(DEPLOYABLES.map((d) => `${d.dir}/src/main.ts`));

  test("every deployable has a process", () => {
    expect(DEPLOYABLES.filter((d) => !entries.has(`${d.dir}/src/main.ts`)).map((d) => d.name)).toEqual([]);
  });

  test("every process runs a listed deployable", () => {
    expect([...entries].filter((entry) => !known.has(entry))).toEqual([]);
  });
});
