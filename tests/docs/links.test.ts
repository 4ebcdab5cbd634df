/**
 * Every relative link of every tracked Markdown file points at a file or folder
 * of this repository: a fresh clone has nothing outside it (issue #19 found the
 * README linking ../shared/docs/API.md).
 */
import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..", "..");
const LINK = /\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function trackedMarkdown(): string[] {
  const listed = Bun.spawnSync(["git", "ls-files", "-z", "--", "*.md"], { cwd: ROOT });
  return new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean);
}

test("every relative Markdown link resolves inside the repository", async () => {
  const files = trackedMarkdown();
  expect(files).toContain("docs/API.md");
  const broken: string[] = [];
  for (const file of files) {
    const text = await Bun.file(join(ROOT, file)).text();
    for (const [, target] of text.matchAll(LINK)) {
      if (!target || /^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
      const path = resolve(ROOT, dirname(file), decodeURI(target.split("#")[0]!));
      const inside = !relative(ROOT, path).startsWith("..");
      if (!inside || !existsSync(path)) broken.push(`${file}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

test("nothing in the repository points at the design docs outside it (shared/docs)", () => {
  const grep = Bun.spawnSync(["git", "grep", "-n", "shared/docs", "--", ".", ":!tests/docs/links.test.ts"], {
    cwd: ROOT,
  });
  expect(new TextDecoder().decode(grep.stdout)).toBe("");
});
