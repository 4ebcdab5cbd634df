import { z } from "@hono/zod-openapi";
import { RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { sameEmail } from "@vetmesh/kit/auth";
import { HttpError, MESSAGES } from "../http/errors.ts";
import { emailAddress, ownerRef as ownerRefField } from "../http/fields.ts";
import { idempotencyKey, idempotencyKeyHeaderSchema } from "../http/idempotency-key.ts";
import { check } from "../http/validate.ts";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { errorResponses, jsonResponse, X_CACHE_HEADER_DOC } from "../openapi/responses.ts";
import { deadlineMs, OWNER_OPERATIONS, routingKeyOf, withInvalidations } from "../policy/operations.ts";
import { normaliseRef, type OwnerPets } from "../resilience/pets-cache.ts";
import { clientSignal, type RouteDeps } from "./context.ts";

const EMAIL = "email@asd.com";
const UUID = "0190c6f6-8f0e-7a51-9c43-2b1b6c1d5e4f";

const registerBody = z
  .object({ email: emailAddress() })
  .openapi("RegisterOwner", { example: { email: EMAIL } });
const registerPetBody = z
  .object({ email: ownerRefField(), type: z.string(), race: z.string(), name: z.string() })
  .openapi("RegisterPet", {
    description: "`email` is the owner's email or ownerId",
    example: { email: EMAIL, type: "Dog", race: "Chihuaua", name: "Devil incarnate" },
  });
const pathRef = ownerRefField();
const ownerRef = z.object({
  ref: z.string().openapi({
    description: "The owner's email, or the ownerId that register returned",
    example: EMAIL,
  }),
});
const pet = z
  .object({ Id: z.string(), Type: z.string(), Race: z.string(), Name: z.string() })
  .openapi("Pet", { description: "Keys stay PascalCase (the first version's shape)" });

/**
 * The owner routes of API.md. The routing key is the owner's email (or id, as
 * given), so one owner's calls land on one instance. The pets list is cached;
 * register-pet and remove-data invalidate it by email and by id. Emails (in
 * bodies and paths) are checked at the edge by the kit's address rule. An
 * `Idempotency-Key` header on register-pet makes a repeat return the first pet.
 */
export function registerOwnerRoutes(app: RestApp, deps: RouteDeps): void {
  const { upstreams, cache, config } = deps;
  const tags = ["owners"];

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/owner/register",
      guarded: true,
      tags,
      summary: "Register an owner",
      request: { body: { required: true, content: { "application/json": { schema: registerBody } } } },
      responses: {
        201: jsonResponse(
          "Registered",
          z.object({ message: z.literal("Register successful"), ownerId: z.string() }),
          { message: "Register successful", ownerId: UUID },
        ),
        ...errorResponses(400, 409),
      },
    },
    async (c, { body }) => {
      const routingKey = normaliseRef(body.email);
      const res = await upstreams.guard(
        "owner",
        {
          timeoutMs: deadlineMs(config, OWNER_OPERATIONS.registerOwner),
          routingKey,
          signal: clientSignal(c),
        },
        (options) => upstreams.owner.registerOwner({ email: body.email }, options),
      );
      return c.json({ message: "Register successful", ownerId: res.owner?.id ?? "" }, 201);
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/owner/register-pet",
      guarded: true,
      tags,
      summary: "Register a pet of an owner",
      description:
        "With an `Idempotency-Key`, a repeat (after a lost answer) returns the first pet's `petId` instead of a second pet.",
      request: {
        headers: idempotencyKeyHeaderSchema,
        body: { required: true, content: { "application/json": { schema: registerPetBody } } },
      },
      responses: {
        201: jsonResponse(
          "Registered (or, for a repeated Idempotency-Key, the first pet)",
          z.object({ message: z.literal("Pet Register successful"), petId: z.string() }),
          { message: "Pet Register successful", petId: UUID },
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { body }) => {
      const operation = OWNER_OPERATIONS.registerPet;
      const req = {
        ownerRef: body.email,
        type: body.type,
        race: body.race,
        name: body.name,
        requestId: idempotencyKey(c),
      };
      const routingKey = routingKeyOf(operation, req);
      const res = await withInvalidations(cache, operation, req, () =>
        upstreams.guard(
          "owner",
          { timeoutMs: deadlineMs(config, operation), routingKey, signal: clientSignal(c) },
          (options) => upstreams.owner.registerPet(req, options),
        ),
      );
      return c.json({ message: "Pet Register successful", petId: res.pet?.id ?? "" }, 201);
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/owner/{ref}/pets",
      guarded: true,
      // The charge rides on the cache read: a hit is one Redis round trip, a miss two.
      foldCharge: async (c, charge) => {
        const ref = pathRef.safeParse(c.req.param("ref"));
        if (!ref.success) return undefined;
        const read = await cache.readCharged(ref.data, charge);
        c.set("chargedPetsRead", read);
        return read ? [read.consumed, read.ttlMs] : null;
      },
      tags,
      summary: "List an owner's pets",
      request: { params: ownerRef },
      responses: {
        200: {
          ...jsonResponse(
            "The owner's pets, in registration order",
            z.object({ message: z.literal("ok"), pets: z.array(pet) }),
            {
              message: "ok",
              pets: [{ Id: UUID, Type: "Dog", Race: "Chihuaua", Name: "Devil incarnate" }],
            },
          ),
          headers: X_CACHE_HEADER_DOC,
        },
        ...errorResponses(400, 404),
      },
    },
    async (c, { params }) => {
      const ref = check(pathRef, params.ref, "email");
      const { value, hit } = await cache.get(
        ref,
        async (): Promise<OwnerPets> => {
          const res = await upstreams.guard(
            "owner",
            {
              timeoutMs: deadlineMs(config, OWNER_OPERATIONS.listPets),
              routingKey: normaliseRef(ref),
              signal: clientSignal(c),
            },
            (options) => upstreams.owner.listPets({ ownerRef: ref }, options),
          );
          return {
            ownerId: res.owner?.id ?? "",
            ownerEmail: res.owner?.email ?? "",
            pets: res.pets.map((p) => ({ Id: p.id, Type: p.type, Race: p.race, Name: p.name })),
          };
        },
        c.get("chargedPetsRead"),
      );
      // A hit never reached the owner service's ownership check: make it here, on the cached owner.
      const caller = c.get("caller");
      if (caller?.role === "owner" && !sameEmail(caller.email, value.ownerEmail)) {
        throw new HttpError(403, MESSAGES.forbidden);
      }
      c.header("X-Cache", hit ? "hit" : "miss");
      return c.json({ message: "ok", pets: value.pets });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "delete",
      path: "/api/owner/remove-data/{ref}",
      guarded: true,
      tags,
      summary: "Remove an owner and everything held about their pets",
      description:
        "A saga: the owner is hidden at once; 200 when every participant finished within the deadline, else 202 and it completes by itself.",
      request: { params: ownerRef },
      responses: {
        200: jsonResponse(
          "Deleted everywhere",
          z.object({ message: z.literal("Owner deleted successfully") }),
          { message: "Owner deleted successfully" },
        ),
        202: jsonResponse(
          "Hidden now; the rest completes by itself",
          z.object({ message: z.literal("Owner deletion in progress") }),
          { message: "Owner deletion in progress" },
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { params }) => {
      const operation = OWNER_OPERATIONS.removeOwnerData;
      const req = { ownerRef: check(pathRef, params.ref, "email") };
      const guard = {
        timeoutMs: deadlineMs(config, operation),
        routingKey: routingKeyOf(operation, req),
        signal: clientSignal(c),
      };
      // The row invalidates at saga start too: the owner is hidden from this moment on.
      const res = await withInvalidations(cache, operation, req, () =>
        upstreams.guard("owner", guard, (options) => upstreams.owner.removeOwnerData(req, options)),
      );
      if (res.state === RemovalState.COMPLETED) return c.json({ message: "Owner deleted successfully" }, 200);
      return c.json({ message: "Owner deletion in progress" }, 202);
    },
  );
}
