import type { ConnectRouter, HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { assertOwnerAccess } from "@vetmesh/kit/auth";
import type { Owners } from "../domain/owners.ts";
import type { RemovalSaga } from "../domain/removal-saga.ts";
import { ownerMessage, petMessage } from "./mappers.ts";
import { assertOwnsRef } from "./owner-access.ts";

/**
 * How long RemoveOwnerData may wait for its saga: the configured bound, or
 * less when the caller's deadline is nearer, keeping a margin so the answer
 * (IN_PROGRESS) arrives before the caller gives up.
 */
export function removalWaitMs(ctx: Pick<HandlerContext, "timeoutMs">, boundMs: number): number {
  const timeout = ctx.timeoutMs();
  if (timeout === undefined) return boundMs;
  const margin = Math.min(250, Math.floor(timeout * 0.2));
  return Math.max(0, Math.min(boundMs, timeout - margin));
}

/**
 * The public OwnerService: validation and errors come from the domain, this
 * maps shapes and applies the ownership rule (an owner-role caller touches
 * only their own owner record; roles were checked by the auth interceptor).
 */
export function registerOwnerService(
  router: ConnectRouter,
  deps: { owners: Owners; saga: RemovalSaga; removalWaitBoundMs: number },
) {
  const { owners, saga } = deps;
  // Typed as the full ServiceImpl (router.service alone accepts a partial one): no method can be missing.
  const impl: ServiceImpl<typeof OwnerService> = {
    async registerOwner(req, ctx) {
      assertOwnerAccess(ctx, req.email);
      return { owner: ownerMessage(await owners.registerOwner(req.email)) };
    },
    async registerPet(req, ctx) {
      await assertOwnsRef(ctx, owners, req.ownerRef);
      const pet = await owners.registerPet(
        req.ownerRef,
        { type: req.type, race: req.race, name: req.name },
        req.requestId,
      );
      return { pet: petMessage(pet) };
    },
    async listPets(req, ctx) {
      await assertOwnsRef(ctx, owners, req.ownerRef);
      const { owner, pets } = await owners.listPets(req.ownerRef);
      return { owner: ownerMessage(owner), pets: pets.map(petMessage) };
    },
    async removeOwnerData(req, ctx) {
      await assertOwnsRef(ctx, owners, req.ownerRef);
      const outcome = await saga.remove(req.ownerRef, removalWaitMs(ctx, deps.removalWaitBoundMs));
      return {
        sagaId: outcome.saga.id,
        state: outcome.completed ? RemovalState.COMPLETED : RemovalState.IN_PROGRESS,
        ownerId: outcome.saga.ownerId,
        ownerEmail: outcome.saga.ownerEmail,
      };
    },
  };
  router.service(OwnerService, impl);
}
