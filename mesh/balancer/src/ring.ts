import HashRing from "hashring";

/**
 * Virtual nodes per instance. hashring places 4 points per vnode (ketama), so
 * 400 gives 1600 points per instance; measured max/mean load ≤ 1.05 for 3–10
 * instances over 100k keys (40, the default, gives up to 1.35).
 */
export const DEFAULT_VNODES = 400;

/** A consistent-hash ring over instance ids. */
export interface Ring {
  readonly members: readonly string[];
  /** The instance that owns the key. */
  owner(key: string): string | undefined;
  /** Every member in ring order starting at the key's owner: the owner, then the next instance clockwise... */
  order(key: string): string[];
}

/**
 * Builds a ring with the `hashring` package. The option is spelled
 * "vnode count" (with a space); an underscore is silently ignored.
 */
export function createRing(members: readonly string[], vnodes: number = DEFAULT_VNODES): Ring {
  const sorted = [...new Set(members)].sort();
  const ring = sorted.length
    ? new HashRing(sorted, "md5", { "vnode count": vnodes, "max cache size": 10_000 })
    : undefined;
  return {
    members: sorted,
    owner: (key) => ring?.get(key),
    order: (key) => (ring ? ring.range(key, sorted.length, true) : []),
  };
}
