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

// One round trip per read: resolve the alias (email refs), then the data and the version of that id.
// Returns nil when an email has no alias (nothing cached; the version is taken at store time).
const READ = `
local id = ARGV[1]
if KEYS[1] ~= '' then
  id = redis.call('GET', KEYS[1])
  if not id then return nil end
end
local data = redis.call('GET', ARGV[2] .. 'pets:id:' .. id) or ''
local ver = redis.call('GET', ARGV[2] .. 'pets:ver:' .. id) or '0'
return {id, data, ver}`;

// Stores only if no invalidation happened since the load started (the version is unchanged). An empty
// expected version (the load started without knowing the id) stores under the current one. The stored
// text is exactly JSON.stringify({ ver, value }).
const STORE_IF_CURRENT = `
local current = redis.call('GET', KEYS[1]) or '0'
if ARGV[1] ~= '' and current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], '{"ver":' .. cjson.encode(current) .. ',"value":' .. ARGV[2] .. '}', 'PX', ARGV[4])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[5], 'PX', ARGV[4]) end
return 1`;

type Scripted = Redis & {
  vetmeshPetsRead(alias: string, id: string, prefix: string): Promise<[string, string, string] | null>;
  vetmeshPetsStore(...args: string[]): Promise<number>;
};

/** Registers the scripts once per client: ioredis then sends EVALSHA (the script body only on NOSCRIPT). */
function scripted(client: Redis): Scripted {
  if (!("vetmeshPetsRead" in client)) {
    client.defineCommand("vetmeshPetsRead", { numberOfKeys: 1, lua: READ });
    client.defineCommand("vetmeshPetsStore", { numberOfKeys: 3, lua: STORE_IF_CURRENT });
  }
  return client as Scripted;
}

const VERSION_TTL_MS = 86_400_000;

/**
 * Layout: data under the canonical owner id (`pets:id:<id>` = {ver, value}),
 * an alias `pets:alias:<email>` → id, and a version counter per id that every
 * invalidation bumps. A load that started before an invalidation cannot store
 * its (stale) result: the store is a Lua check-and-set on the version.
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
      scripted(client).vetmeshPetsRead(byEmail ? aliasKey(ref) : "", byEmail ? "" : ref, keyPrefix),
    );
    // The version the load is checked against; "" = unknown (Redis failed, or no alias yet).
    let version = "";
    if (found) {
      const [, data, ver] = found;
      version = ver;
      if (data) {
        const parsed = JSON.parse(data) as { ver: string; value: OwnerPets };
        if (parsed.ver === version) {
          options.onResult?.(true);
          return { value: parsed.value, hit: true };
        }
      }
    }
    options.onResult?.(false);
    const value = await load();
    await soft("store", (client) =>
      scripted(client).vetmeshPetsStore(
        versionKey(value.ownerId),
        dataKey(value.ownerId),
        aliasKey(normaliseRef(value.ownerEmail)),
        version,
        JSON.stringify(value),
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
