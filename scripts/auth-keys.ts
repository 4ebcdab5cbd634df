/**
 * Part of `make init`: the local signing key for `make token` and the JWKS
 * every local process verifies with, under <data>/auth/ (gitignored with
 * .data/). Idempotent: an existing key is kept, so issued tokens stay valid.
 */
import { join } from "node:path";
import { ensureLocalKeys } from "../packages/service-kit/src/auth/local-keys.ts";
import { layoutFromEnv } from "./processes.ts";

const keys = await ensureLocalKeys(join(layoutFromEnv().dataDir, "auth"));
console.log(`auth keys: ${keys.jwks} (public), ${keys.privateKey} (private, make token signs with it)`);
