import type { Logger } from "@vetmesh/kit";
import type Redis from "ioredis";
import { CHARGE_LUA, type SharedCharge } from "./limiter.ts";

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

/** What one read script answered for a ref: [owner id, cached text, version, epoch]. */
export type CacheRead = [string, string, string, string];

/** A read made together with the rate-limit charge (one round trip), for the handler to use. */
export interface ChargedRead {
  ref: string;
  read: CacheRead;
  /** The charge's reply: points consumed in the window and milliseconds until it resets. */
  consumed: number;
  ttlMs: number;
}

/** Cache of `GET /api/owner/{ref}/pets`; every method degrades to the upstream when Redis fails. */
export interface PetsCache {
  /**
   * Answers from Redis or loads once per key (single-flight) and stores with the TTL. `prefetched` is a
   * read the route guard already made for this ref with the rate-limit charge ({@link readCharged}).
   */
  get(
    ref: string,
    load: () => Promise<OwnerPets>,
    prefetched?: ChargedRead,
  ): Promise<{ value: OwnerPets; hit: boolean }>;
  /** Charges the rate limit and reads the ref in one script; undefined when Redis failed. */
  readCharged(ref: string, charge: SharedCharge): Promise<ChargedRead | undefined>;
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
const READ_LUA = `
local function vetmeshPetsRead(aliasKey, epochKey, id, prefix)
  local epoch = redis.call('GET', epochKey) or '0'
  if aliasKey ~= '' then
    id = redis.call('GET', aliasKey)
    if not id then return {'', '', '0', epoch} end
  end
  local data = redis.call('GET', prefix .. 'pets:id:' .. id) or ''
  local ver = redis.call('GET', prefix .. 'pets:ver:' .. id) or '0'
  return {id, data, ver, epoch}
end`;
const READ = `${READ_LUA}
return vetmeshPetsRead(KEYS[1], KEYS[2], ARGV[1], ARGV[2])`;
// The same read carrying the route's rate-limit charge (the limiter's own Lua), so a hit is one round trip
// and a miss two (read, store). KEYS[3] is the bucket, ARGV[3] its window in seconds.
const READ_CHARGED = `${CHARGE_LUA}
${READ_LUA}
local charged = vetmeshCharge(KEYS[3], 1, ARGV[3])
local read = vetmeshPetsRead(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return {read[1], read[2], read[3], read[4], charged[1], charged[2]}`;

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
  vetmeshPetsRead(alias: string, epoch: string, id: string, prefix: string): Promise<CacheRead>;
  vetmeshPetsReadCharged(
    alias: string,
    epoch: string,
    bucket: string,
    id: string,
    prefix: string,
    seconds: string,
  ): Promise<[string, string, string, string, number, number]>;
  vetmeshPetsStore(...args: string[]): Promise<number>;
};

/** Registers the scripts once per client: ioredis then sends EVALSHA (the script body only on NOSCRIPT). */
function scripted(client: Redis): Scripted {
  if (!("vetmeshPetsRead" in client)) {
    client.defineCommand("vetmeshPetsRead", { numberOfKeys: 2, lua: READ });
    client.defineCommand("vetmeshPetsReadCharged", { numberOfKeys: 3, lua: READ_CHARGED });
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
 * A read is one script (alias → data + version) and a store another; the
 * route guard folds the rate-limit charge into the read (`readCharged`), so
 * a hit costs one Redis round trip and a miss two (bench/README.md).
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

  const lookup = async (ref: string, load: () => Promise<OwnerPets>, prefetched?: ChargedRead) => {
    const byEmail = ref.includes("@");
    const found =
      prefetched?.ref === ref
        ? prefetched.read
        : await soft("read", (client) =>
            scripted(client).vetmeshPetsRead(
              byEmail ? aliasKey(ref) : "",
              epochKey,
              byEmail ? "" : ref,
              keyPrefix,
            ),
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
    async readCharged(rawRef, charge) {
      const ref = normaliseRef(rawRef);
      const byEmail = ref.includes("@");
      const reply = await soft("read", (client) =>
        scripted(client).vetmeshPetsReadCharged(
          byEmail ? aliasKey(ref) : "",
          epochKey,
          charge.key,
          byEmail ? "" : ref,
          keyPrefix,
          String(charge.seconds),
        ),
      );
      if (!reply) return undefined;
      const [id, data, ver, epoch, consumed, ttlMs] = reply;
      return { ref, read: [id, data, ver, epoch], consumed: Number(consumed), ttlMs: Number(ttlMs) };
    },
    async get(rawRef, load, prefetched) {
      const ref = normaliseRef(rawRef);
      const pending = inFlight.get(ref);
      if (pending) return pending;
      const started = lookup(ref, load, prefetched).finally(() => inFlight.delete(ref));
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
