import { join } from "node:path";
import type { ZodType } from "zod";
import { DEPLOYABLES, type DeployableEntry } from "../../scripts/deployables.ts";

/** Repository root, for reading manifests and packages from tests. */
export const ROOT = join(import.meta.dir, "..", "..");

/** What the manifests must agree with, per deployable: its folder, image, ports and config schema. */
export interface Deployable extends DeployableEntry {
  configShape: Record<string, ZodType>;
}

/** The deployables without their config (the one list, scripts/deployables.ts), for checks that need no code. */
export const DEPLOYABLE_TABLE: readonly DeployableEntry[] = DEPLOYABLES;

/** Names of every deployable, for per-deployable tests. */
export const DEPLOYABLE_NAMES = DEPLOYABLE_TABLE.map((entry) => entry.name);

/**
 * One deployable with the `configShape` its src/config.ts exports: the
 * manifests are checked against the code, not against a copy of it.
 */
export async function loadDeployable(name: string): Promise<Deployable> {
  const entry = DEPLOYABLE_TABLE.find((e) => e.name === name);
  if (!entry) throw new Error(`unknown deployable ${name}`);
  const file = join(ROOT, entry.dir, "src", "config.ts");
  const mod = (await import(file)) as { configShape?: Record<string, ZodType> };
  if (!mod.configShape) throw new Error(`${file} does not export configShape`);
  return { ...entry, configShape: mod.configShape };
}

/** Every deployable whose config loads; the others are reported by name. */
export async function loadDeployables(): Promise<{ loaded: Deployable[]; failed: Map<string, string> }> {
  const loaded: Deployable[] = [];
  const failed = new Map<string, string>();
  for (const { name } of DEPLOYABLE_TABLE) {
    try {
      loaded.push(await loadDeployable(name));
    } catch (error) {
      failed.set(name, (error as Error).message);
    }
  }
  return { loaded, failed };
}
