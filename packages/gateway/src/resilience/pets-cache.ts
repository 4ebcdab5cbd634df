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

// One round trip per read: resolve the alias (email refs), then the data and the version of that id,
// and the cache-wide invalidation epoch. An email without an alias answers id '' (nothing cached).
const READ = `
local id = ARGV[1]
local epoch = redis.call('GET', KEYS[2]) or '0'
if KEYS[1] ~= '' then
  id = redis.call('GET', KEYS[1])
  if not id then return {'', '', '0', epoch} end
end
local data = redis.call('GET', ARGV[2] .. 'pets:id:' .. id) or ''
local ver = redis.call('GET', ARGV[2] .. 'pets:ver:' .. id) or '0'
return {id, data, ver, epoch}`;

// Stores only if no invalidation happened since the load started. When the load knew the owner's id
// (ARGV[1] is the version it read), that id's version must be unchanged; when it did not (an email
// never cached), no invalidation at all may have happened since (the epoch KEYS[4] is unchanged), so a
// ListPets that started before remove-data cannot put the removed owner's pets back. The stored text
// is exactly JSON.stringify({ ver, value }).
const STORE_IF_CURRENT = `
local current = redis.call('GET', KEYS[1]) or '0'
if ARGV[1] ~= '' then
  if current ~= ARGV[1] then return 0 end
elseif (redis.call('GET', KEYS[4]) or '0') ~= ARGV[6] then
  return 0
end
redis.call('SET', KEYS[2], '{"ver":' .. cjson.encode(current) .. ',"value":' .. ARGV[2] .. '}', 'PX', ARGV[4])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4]) end
return 1`;

type Scripted = Redis & {
  vetmeshPetsRead(
    alias: string,
    epoch: string,
    id: string,
    prefix: string,
  ): Promise<[string, string, string, string]>;
  vetmeshPetsStore(...args: string[]): Promise<number>;
};

/** Registers the scripts once per client: ioredis then sends EVALSHA (the script body only on NOSCRIPT). */
function scripted(client: Redis): Scripted {
  if (!("vetmeshPetsRead" in client)) {
    client.defineCommand("vetmeshPetsRead", { numberOfKeys: 2, lua: READ });
    client.defineCommand("vetmeshPetsStore", { numberOfKeys: 4, lua: STORE_IF_CURRENT });
  }
  return client as Scripted;
}

const VERSION_TTL_MS = 86_400_000;

/**
 * Layout: data under the canonical owner id (`pets:id:<id>` = {ver, value}),
 * an alias `pets:alias:<email>` → id, a version counter per id that every
 * invalidation bumps, and one cache-wide epoch that every invalidation bumps too.
 * A load that started before an invalidation cannot store its (stale) result:
 * the store is a Lua check-and-set on the id's version, or on the epoch when
 * the load did not know the id yet (an email never cached).
 * A read is one script (alias → data + version) and a store another, so a
 * miss costs two Redis round trips and a hit one (bench/README.md).
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
  const epochKey = `${keyPrefix}pets:epoch`;
  const inFlight = new Map<string, Promise<{ value: OwnerPets; hit: boolean }>>();

  const soft = async <T>(what: string, fn: (client: Redis) => Promise<T>): Promise<T | undefined> => {
    if (!redis) return undefined;
    try {
      return await fn(redis);
    } catch (error) {
      logger.debug(`cache ${what} failed; serving from upstream`, { error });
      return undefined;
    }
  };

  const resolveId = async (ref: string): Promise<string | undefined> =>
    ref.includes("@") ? ((await soft("alias", (client) => client.get(aliasKey(ref)))) ?? undefined) : ref;

  const lookup = async (ref: string, load: () => Promise<OwnerPets>) => {
    const byEmail = ref.includes("@");
    const found = await soft("read", (client) =>
      scripted(client).vetmeshPetsRead(byEmail ? aliasKey(ref) : "", epochKey, byEmail ? "" : ref, keyPrefix),
    );
    if (found) {
      const [, data, ver] = found;
      if (data) {
        const parsed = JSON.parse(data) as { ver: string; value: OwnerPets };
        if (parsed.ver === ver) {
          options.onResult?.(true);
          return { value: parsed.value, hit: true };
        }
      }
    }
    options.onResult?.(false);
    const value = await load();
    // A read that failed knows no version to check against: do not store at all.
    if (!found) return { value, hit: false };
    const [readId, , readVersion, readEpoch] = found;
    await soft("store", (client) =>
      scripted(client).vetmeshPetsStore(
        versionKey(value.ownerId),
        dataKey(value.ownerId),
        aliasKey(normaliseRef(value.ownerEmail)),
        epochKey,
        readId !== "" && readId === value.ownerId ? readVersion : "",
        JSON.stringify(value),
        value.ownerEmail ? "1" : "",
        String(options.ttlMs),
        value.ownerId,
        readEpoch,
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
          tx.incr(epochKey);
          if (ref.includes("@")) tx.del(aliasKey(ref));
          if (id) tx.incr(versionKey(id)).pexpire(versionKey(id), VERSION_TTL_MS).del(dataKey(id));
          await tx.exec();
        });
      }
    },
  };
}
