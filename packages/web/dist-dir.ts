import { join } from "node:path";

/** Where `bun build.ts` writes the bundle; the gateway serves this folder at `/` unless WEB_DIR says otherwise. */
export const WEB_DIST_DIR = join(import.meta.dir, "dist");
