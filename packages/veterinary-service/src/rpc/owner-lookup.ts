import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { ROUTING_KEY_HEADER, routingKeyValue } from "@vetmesh/balancer";
import type { Owner, Pet } from "@vetmesh/contracts/owner/v1/owner";
import { OwnerInternalService } from "@vetmesh/contracts/owner/v1/owner";
import { notFound, unavailable } from "@vetmesh/kit";

/** What the veterinary service needs to know about a pet from its owner. */
export interface PetLookup {
  /** The pet and its owner; NotFound when the owner service does not know it, Unavailable when unreachable. */
  getPet(petId: string): Promise<{ pet: Pet; owner: Owner | undefined }>;
}

/**
 * Asks OwnerInternalService.GetPet through the injected transport (the
 * balancer's in main.ts, an in-memory router in tests), with a deadline so a
 * dead or hung owner service turns into Unavailable instead of a hang.
 */
export function createPetLookup(transport: Transport, options: { timeoutMs: number }): PetLookup {
  const client = createClient(OwnerInternalService, transport);
  return {
    async getPet(petId) {
      let response: Awaited<ReturnType<typeof client.getPet>>;
      try {
        response = await client.getPet(
          { petId },
          // the pet id as routing key keeps a pet's calls on one owner instance
          { timeoutMs: options.timeoutMs, headers: { [ROUTING_KEY_HEADER]: routingKeyValue(petId) } },
        );
      } catch (error) {
        const connectError = ConnectError.from(error);
        if (connectError.code === Code.NotFound || connectError.code === Code.InvalidArgument) {
          throw notFound(`pet ${petId} not found`);
        }
        throw unavailable(`owner service unavailable: ${connectError.rawMessage}`);
      }
      if (!response.pet) throw notFound(`pet ${petId} not found`);
      return { pet: response.pet, owner: response.owner };
    },
  };
}
