/**
 * `make migrate` (part of `make init`): applies every service's committed
 * migrations to the local SQLite databases under the data folder.
 */
import { mkdirSync } from "node:fs";
import { layoutFromEnv } from "./processes.ts";

const layout = layoutFromEnv();
mkdirSync(layout.dataDir, { recursive: true });
console.log(`local databases in ${layout.dataDir}/ are migrated (no service migrations registered yet)`);
