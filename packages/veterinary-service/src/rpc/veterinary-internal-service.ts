import type { ServiceImpl } from "@connectrpc/connect";
import type { VeterinaryInternalService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { invalid, type Logger } from "@vetmesh/kit";
import type { VeterinaryRepository } from "../db/repository.ts";

/** Upper bound on pet ids per erase call, so one call is one bounded transaction. */
export const MAX_ERASE_PETS = 5000;

/**
 * VeterinaryInternalService: the removal saga's participant step. Deleting
 * rows that are already gone deletes nothing, so a retried or duplicated
 * call (same saga, or unknown pets) succeeds with zero counts.
 */
export function createVeterinaryInternalService(deps: {
  repository: VeterinaryRepository;
  logger?: Logger;
}): ServiceImpl<typeof VeterinaryInternalService> {
  return {
    async erasePets(req) {
      if (req.petIds.length > MAX_ERASE_PETS) {
        throw invalid("pet_ids", `at most ${MAX_ERASE_PETS} pet ids per call`);
      }
      const petIds = [...new Set(req.petIds.map((id) => id.trim()).filter((id) => id !== ""))];
      const counts = await deps.repository.erasePets(petIds);
      deps.logger?.info("pets erased", { sagaId: req.sagaId, pets: petIds.length, ...counts });
      return {
        appointmentsErased: counts.appointments,
        recordsErased: counts.records,
        vaccinationsErased: counts.vaccinations,
      };
    },
  };
}
