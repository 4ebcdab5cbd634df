import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..", "..");

/**
 * Where `make bench` writes every run: `.bench/` at the repository root,
 * git-ignored, so running the bench never dirties a checkout.
 */
export const BENCH_OUTPUT_DIR = join(ROOT, ".bench");

/** The result committed on purpose (`make bench-save`), which bench/README.md discusses. */
export const BENCH_REFERENCE_DIR = join(ROOT, "bench", "reference");

/** The files of the newest run, and the committed reference they are saved as. */
export const BENCH_FILES = [
  { latest: "latest.json", reference: "reference.json" },
  { latest: "latest.svg", reference: "reference.svg" },
] as const;

/**
 * Copies the newest run over the committed reference (`make bench-save`): the
 * only way a bench result enters the repository, so it happens on purpose.
 */
export function saveReference(from = BENCH_OUTPUT_DIR, to = BENCH_REFERENCE_DIR): string[] {
  mkdirSync(to, { recursive: true });
  return BENCH_FILES.map(({ latest, reference }) => {
    const source = join(from, latest);
    if (!existsSync(source)) throw new Error(`${source} does not exist: run make bench first`);
    copyFileSync(source, join(to, reference));
    return join(to, reference);
  });
}
