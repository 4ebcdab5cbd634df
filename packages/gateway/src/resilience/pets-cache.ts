import type { Logger } from "@vetmesh/kit";
import type Redis from "ioredis";

/** A pet as API.md shows it: PascalCase keys, kept for the first version's clients. */
export interface RestPet {
  Id: string;
  Type: string;
  Race: string;
  Name: string;
}

/** What is cached for one owner: enough to answer by email or by id. */
export interface OwnerPets {
  ownerId: string;
  ownerEmail: string;
  pets: RestPet[];
}

/** Cache of `GET /api/owner/{ref}/pets`; every method degrades to the upstream when Redis fails. */
export interface PetsCache {
  /** Answers from Redis or loads once per key (single-flight) and stores with the TTL. */
  get(ref: string, load: () => Promise<OwnerPets>): Promise<{ value: OwnerPets; hit: boolean }>;
  /** Forgets everything cached for the owners named (by email or id). */
  invalidate(refs: string[]): Promise<void>;
}

/** Emails are compared case-insensitively by the owner service; ids are UUIDs. */
export function normaliseRef(ref: string): string {
  const trimmed = ref.trim();
  return trimmed.includes("@") ? trimmed.toLowerCase() : trimmed;
}

// Stores only if no invalidation happened since the load started (the version is unchanged).
const STORE_IF_CURRENT = `
local current = redis.call('GET', KEYS[1]) or '0'
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4]) end
return 1`;

const VERSION_TTL_MS = 86_400_000;

/**
 * Layout: data under the canonical owner id (`pets:id:<id>` = {ver, value}),
 * an alias `pets:alias:<email>` → id, and a version counter per id that every
 * invalidation bumps. A load that started before an invalidation cannot store
 * its (stale) result: the store is a Lua check-and-set on the version.
 * Concurrent misses for one ref share one upstream call inside a replica.
 */
export function createPetsCache(options: {
  redis?: Redis;
  keyPrefix: string;
  ttlMs: number;
  logger: Logger;
  onResult?: (hit: boolean) => void;
}): PetsCache {
  const { redis, keyPrefix, logger } = options;
  const dataKey = (id: string) => `${keyPrefix}pets:id:${id}`;
  const aliasKey = (email: string) => `${keyPrefix}pets:alias:${email}`;
  const versionKey = (id: string) => `${keyPrefix}pets:ver:${id}`;
  const inFlight = new Map<string, Promise<{ value: OwnerPets; hit: boolean }>>();

  const soft = async <T>(what: string, fn: (client: Redis) => Promise<T>): Promise<T | undefined> => {
    if (!redis) return undefined;
    try {
      return await fn(redis);
    } catch (error) {
      logger.warn(`cache ${what} failed; serving from upstream`, { error });
      return undefined;
    }
  };

  const resolveId = async (ref: string): Promise<string | undefined> =>
    ref.includes("@") ? ((await soft("alias", (client) => client.get(aliasKey(ref)))) ?? undefined) : ref;

  const lookup = async (ref: string, load: () => Promise<OwnerPets>) => {
    const id = await resolveId(ref);
    let version: string | undefined;
    if (id) {
      const found = await soft("read", (client) => client.mget(dataKey(id), versionKey(id)));
      if (found) {
        const [data, ver] = found;
        version = ver ?? "0";
        if (data) {
          const parsed = JSON.parse(data) as { ver: string; value: OwnerPets };
          if (parsed.ver === version) {
            options.onResult?.(true);
            return { value: parsed.value, hit: true };
          }
        }
      }
    }
    options.onResult?.(false);
    const value = await load();
    version ??= (await soft("version", (client) => client.get(versionKey(value.ownerId)))) ?? "0";
    const stored = JSON.stringify({ ver: version, value });
    await soft("store", (client) =>
      client.eval(
        STORE_IF_CURRENT,
        3,
        versionKey(value.ownerId),
        dataKey(value.ownerId),
        aliasKey(normaliseRef(value.ownerEmail)),
        version ?? "0",
        stored,
        value.ownerEmail ? "1" : "",
        String(options.ttlMs),
        value.ownerId,
      ),
    );
    return { value, hit: false };
  };

  return {
    async get(rawRef, load) {
      const ref = normaliseRef(rawRef);
      const pending = inFlight.get(ref);
      if (pending) return pending;
      const started = lookup(ref, load).finally(() => inFlight.delete(ref));
      inFlight.set(ref, started);
      return started;
    },
    async invalidate(rawRefs) {
      const refs = [...new Set(rawRefs.filter((ref) => ref.trim() !== "").map(normaliseRef))];
      for (const ref of refs) {
        const id = await resolveId(ref);
        await soft("invalidate", async (client) => {
          const tx = client.multi();
          if (ref.includes("@")) tx.del(aliasKey(ref));
          if (id) tx.incr(versionKey(id)).pexpire(versionKey(id), VERSION_TTL_MS).del(dataKey(id));
          await tx.exec();
        });
      }
    },
  };
}
