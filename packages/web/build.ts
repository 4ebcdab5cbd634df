/**
 * Bundles the web app into dist/: index.html plus content-hashed assets
 * (so the gateway can cache them forever and index.html never). Run by
 * `make init`, `make run` and `make tests`, so a fresh clone always has it.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { WEB_DIST_DIR } from "./dist-dir.ts";

const src = join(import.meta.dir, "src");
rmSync(WEB_DIST_DIR, { recursive: true, force: true });
mkdirSync(join(WEB_DIST_DIR, "assets"), { recursive: true });

const result = await Bun.build({
  entrypoints: [join(src, "main.tsx")],
  outdir: join(WEB_DIST_DIR, "assets"),
  naming: { entry: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]", chunk: "[name]-[hash].[ext]" },
  target: "browser",
  minify: true,
  define: { "process.env.NODE_ENV": '"production"' },
});
if (!result.success) {
  for (const log of result.logs) process.stderr.write(`${String(log)}\n`);
  process.exit(1);
}
const names = result.outputs.map((output) => basename(output.path));
const script = names.find((name) => name.endsWith(".js"));
const styles = names.filter((name) => name.endsWith(".css"));
if (!script) throw new Error("the build wrote no script");
const links = styles.map((name) => `<link rel="stylesheet" href="/assets/${name}">`).join("\n    ");
const html = readFileSync(join(src, "index.html"), "utf8")
  .replace("<!--styles-->", links)
  .replace("<!--script-->", `<script type="module" src="/assets/${script}"></script>`);
writeFileSync(join(WEB_DIST_DIR, "index.html"), html);
writeFileSync(join(WEB_DIST_DIR, "assets", "favicon.svg"), readFileSync(join(src, "favicon.svg")));
process.stdout.write(`web: built ${names.join(", ")} into ${WEB_DIST_DIR}\n`);
