import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";
import { OwnerInternalService } from "@vetmesh/contracts/owner/v1/owner";
import type { Owners } from "../domain/owners.ts";
import { ownerMessage, petMessage } from "./mappers.ts";

/** Lookups other services make (the veterinary side needs a pet's owner id and email). */
export function registerOwnerInternalService(router: ConnectRouter, deps: { owners: Owners }) {
  const { owners } = deps;
  // Typed as the full ServiceImpl (router.service alone accepts a partial one): no method can be missing.
  const impl: ServiceImpl<typeof OwnerInternalService> = {
    async getPet(req) {
      const { pet, owner } = await owners.getPet(req.petId);
      return { pet: petMessage(pet), owner: ownerMessage(owner) };
    },
    async getOwner(req) {
      return { owner: ownerMessage(await owners.findVisible(req.ownerRef)) };
    },
  };
  router.service(OwnerInternalService, impl);
}
