import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Glob } from "bun";
import { DEPLOYABLE_TABLE, loadDeployable, ROOT } from "./deployables.ts";

/** One build stage of the Dockerfile: its FROM line and instructions (continuations joined). */
interface Stage {
  name: string;
  from: string;
  lines: string[];
}

function stages(text: string): Stage[] {
  const out: Stage[] = [];
  const joined = text.replace(/\\\n\s*/g, " ");
  for (const line of joined.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) out.push({ name: from[2] ?? "", from: from[1] ?? "", lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const all = stages(dockerfile);
const stage = (name: string) => {
  const s = all.find((x) => x.name === name);
  if (!s) throw new Error(`Dockerfile has no stage ${name}`);
  return s;
};
const instr = (s: Stage, word: string) => s.lines.filter((l) => l.startsWith(`${word} `));

describe("Dockerfile", () => {
  test("base image is oven/bun pinned to the workspace's Bun version (slim)", () => {
    const bun = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { packageManager: string }
    ).packageManager.replace("bun@", "");
    expect(dockerfile).toContain(`ARG BUN_IMAGE=oven/bun:${bun}-slim`);
    for (const s of all.filter((x) => !x.from.startsWith("$" + "{BUN_IMAGE}")))
      expect(all.some((x) => x.name === s.from)).toBe(true);
  });

  test("copies every workspace package.json before the install (isolated linker, frozen lockfile)", () => {
    const copies = instr(stage("manifests"), "COPY").join("\n");
    const globs = ["packages/*/package.json", "mesh/*/package.json", "tests/package.json"];
    const files = globs.flatMap((g) => [...new Glob(g).scanSync({ cwd: ROOT })]);
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) expect(copies).toContain(`COPY ${f} ${f.replace("package.json", "")}`);
    expect(copies).toContain("COPY package.json bun.lock bunfig.toml ./");
  });

  test("runtime installs production dependencies of the deployables only, and runs as a non-root user", () => {
    const [install] = instr(stage("deps"), "RUN");
    expect(install).toBe(
      "RUN bun install --frozen-lockfile --production --ignore-scripts --filter './packages/*' --filter './mesh/*'",
    );
    expect(instr(stage("runtime"), "COPY")[0]).toBe("COPY --from=deps /app /app");
    expect(instr(stage("runtime"), "USER")).toEqual(["USER 1000:1000"]);
  });

  test.each(DEPLOYABLE_TABLE.map((d) => d.name))(
    "%s: target, folder, ports and HEALTHCHECK on /status",
    async (name) => {
      const d = await loadDeployable(name);
      const s = stage(name);
      expect(s.from).toBe("runtime");
      expect(instr(s, "WORKDIR")).toEqual([`WORKDIR /app/${d.dir}`]);
      expect(instr(s, "CMD")).toEqual(['CMD ["bun", "src/main.ts"]']);
      expect(existsSync(join(ROOT, d.dir, "src/main.ts"))).toBe(true);
      const http = d.configShape.HTTP_PORT?.parse(undefined);
      const grpc = d.configShape.GRPC_PORT?.parse(undefined);
      expect(instr(s, "EXPOSE")).toEqual([`EXPOSE ${d.grpc ? `${grpc} ` : ""}${http}`]);
      const [health] = instr(s, "HEALTHCHECK");
      expect(health).toContain(`fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||${http})+'/status')`);
      expect(health).toContain('CMD ["bun", "-e"');
    },
  );

  test(".dockerignore keeps node_modules, secrets and tests out of the build context", () => {
    const lines = readFileSync(join(ROOT, ".dockerignore"), "utf8").split("\n");
    for (const must of [
      "**/node_modules",
      ".git",
      ".data",
      "**/.env",
      "**/*.test.ts",
      "tests/*",
      "!tests/package.json",
    ])
      expect(lines).toContain(must);
  });
});
