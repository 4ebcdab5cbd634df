/**
 * Every deployable's `.env.example` names every variable its config schema
 * reads (set or commented out), and nothing it doesn't: the file is how an
 * operator learns the knobs, so it must not drift from src/config.ts.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEPLOYABLES } from "./deployables.ts";

const ROOT = join(import.meta.dir, "..");
const deployables = DEPLOYABLES.map((d) => d.dir);

/** Variable names an .env.example mentions as `NAME=` or `# NAME=`. */
export function namesIn(text: string): Set<string> {
  return new Set([...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? ""));
}

describe(".env.example matches each config schema", () => {
  for (const dir of deployables) {
    test(dir, async () => {
      const { configShape } = (await import(join(ROOT, dir, "src/config.ts"))) as { configShape: object };
      const names = namesIn(readFileSync(join(ROOT, dir, ".env.example"), "utf8"));
      const keys = Object.keys(configShape).sort();
      expect(keys.filter((key) => !names.has(key))).toEqual([]);
      expect([...names].filter((name) => !keys.includes(name)).sort()).toEqual([]);
    });
  }

  test("the parser sees set and commented variables only", () => {
    expect([...namesIn("A=1\n# B=2\n# not one\nlower=3\n")]).toEqual(["A", "B"]);
  });
});
