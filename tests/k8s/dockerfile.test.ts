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

  test("production sources import nothing .dockerignore leaves out (test kits, contract suites, fixtures)", () => {
    const patterns = readFileSync(join(ROOT, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    // Docker's rule: the last pattern matching a path (or one of its folders) decides; "!" re-includes.
    const ignored = (path: string): boolean => {
      const parts = path.split("/");
      const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
      let out = false;
      for (const raw of patterns) {
        const negated = raw.startsWith("!");
        const glob = new Glob(negated ? raw.slice(1) : raw);
        if (prefixes.some((p) => glob.match(p))) out = !negated;
      }
      return out;
    };
    const transpilers = {
      ts: new Bun.Transpiler({ loader: "ts" }),
      tsx: new Bun.Transpiler({ loader: "tsx" }),
    };
    const shipped = [...new Glob("{packages,mesh}/*/src/**/*.{ts,tsx}").scanSync({ cwd: ROOT })].filter(
      (file) => !ignored(file),
    );
    expect(shipped.length).toBeGreaterThan(50);
    const problems: string[] = [];
    for (const file of shipped) {
      for (const { path: spec } of transpilers[file.endsWith(".tsx") ? "tsx" : "ts"].scanImports(
        readFileSync(join(ROOT, file), "utf8"),
      )) {
        if (spec.startsWith("@vetmesh/kit/") && spec.includes("testing"))
          problems.push(`${file} imports ${spec}`);
        if (!spec.startsWith(".")) continue;
        const target = join(file, "..", spec);
        if (ignored(target)) problems.push(`${file} imports ${target}`);
      }
    }
    expect(problems).toEqual([]);
    expect(ignored("packages/owner-service/src/db/repository.contract.ts")).toBe(true);
    expect(ignored("packages/service-kit/src/testing/index.ts")).toBe(true);
    expect(ignored("packages/owner-service/src/db/repository.ts")).toBe(false);
  });
});
