import { RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import type { Hono } from "hono";
import { z } from "zod";
import { idempotencyKey } from "../http/idempotency-key.ts";
import { readJson } from "../http/validate.ts";
import { normaliseRef, type OwnerPets } from "../resilience/pets-cache.ts";
import { clientSignal, type RouteDeps } from "./context.ts";

const registerBody = z.object({ email: z.string() });
const registerPetBody = z.object({
  email: z.string(),
  type: z.string(),
  race: z.string(),
  name: z.string(),
});

/**
 * The owner routes of API.md. The routing key is the owner's email (or id, as
 * given), so one owner's calls land on one instance. The pets list is cached;
 * register-pet and remove-data invalidate it by email and by id. An
 * `Idempotency-Key` header on register-pet makes a repeat return the first pet.
 */
export function registerOwnerRoutes(app: Hono, deps: RouteDeps): void {
  const { upstreams, cache, config } = deps;
  const timeoutMs = config.TIMEOUT_DEFAULT_MS;

  app.post("/api/owner/register", deps.route("/api/owner/register", "write"), async (c) => {
    const body = await readJson(c, registerBody);
    const routingKey = normaliseRef(body.email);
    const res = await upstreams.guard(
      "owner",
      { timeoutMs, routingKey, signal: clientSignal(c) },
      (options) => upstreams.owner.registerOwner({ email: body.email }, options),
    );
    return c.json({ message: "Register successful", ownerId: res.owner?.id ?? "" }, 201);
  });

  app.post("/api/owner/register-pet", deps.route("/api/owner/register-pet", "write"), async (c) => {
    const body = await readJson(c, registerPetBody);
    const requestId = idempotencyKey(c);
    const routingKey = normaliseRef(body.email);
    try {
      const res = await upstreams.guard(
        "owner",
        { timeoutMs, routingKey, signal: clientSignal(c) },
        (options) =>
          upstreams.owner.registerPet(
            { ownerRef: body.email, type: body.type, race: body.race, name: body.name, requestId },
            options,
          ),
      );
      await cache.invalidate([body.email, res.pet?.ownerId ?? ""]);
      return c.json({ message: "Pet Register successful", petId: res.pet?.id ?? "" }, 201);
    } catch (error) {
      // The write may have happened even if the answer was lost: never leave a stale list behind.
      await cache.invalidate([body.email]);
      throw error;
    }
  });

  app.get("/api/owner/:ref/pets", deps.route("/api/owner/:ref/pets", "read"), async (c) => {
    const ref = c.req.param("ref");
    const { value, hit } = await cache.get(ref, async (): Promise<OwnerPets> => {
      const res = await upstreams.guard(
        "owner",
        { timeoutMs, routingKey: normaliseRef(ref), signal: clientSignal(c) },
        (options) => upstreams.owner.listPets({ ownerRef: ref }, options),
      );
      return {
        ownerId: res.owner?.id ?? "",
        ownerEmail: res.owner?.email ?? "",
        pets: res.pets.map((pet) => ({ Id: pet.id, Type: pet.type, Race: pet.race, Name: pet.name })),
      };
    });
    c.header("X-Cache", hit ? "hit" : "miss");
    return c.json({ message: "ok", pets: value.pets });
  });

  app.delete("/api/owner/remove-data/:ref", deps.route("/api/owner/remove-data/:ref", "write"), async (c) => {
    const ref = c.req.param("ref");
    // Invalidate at saga start: the owner is hidden from this moment on.
    await cache.invalidate([ref]);
    try {
      const res = await upstreams.guard(
        "owner",
        { timeoutMs: config.TIMEOUT_REMOVE_DATA_MS, routingKey: normaliseRef(ref), signal: clientSignal(c) },
        (options) => upstreams.owner.removeOwnerData({ ownerRef: ref }, options),
      );
      await cache.invalidate([ref, res.ownerId, res.ownerEmail]);
      if (res.state === RemovalState.COMPLETED) return c.json({ message: "Owner deleted successfully" }, 200);
      return c.json({ message: "Owner deletion in progress" }, 202);
    } catch (error) {
      await cache.invalidate([ref]);
      throw error;
    }
  });
}
