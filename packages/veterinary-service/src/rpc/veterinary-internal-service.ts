import type { ServiceImpl } from "@connectrpc/connect";
import type { VeterinaryInternalService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { invalid, type Logger } from "@vetmesh/kit";
import type { VeterinaryRepository } from "../db/repository.ts";
import { requiredText } from "./validate.ts";

/** Upper bound on pet ids per erase call, so one call is one bounded transaction. */
export const MAX_ERASE_PETS = 5000;

/**
 * VeterinaryInternalService: the removal saga's participant step. Deleting
 * rows that are already gone deletes nothing, so a retried or duplicated
 * call (same saga, or unknown pets) succeeds with zero counts. Each pet is
 * tombstoned in the same transaction, so a write racing the erase cannot
 * leave an orphan behind it.
 */
export function createVeterinaryInternalService(deps: {
  repository: VeterinaryRepository;
  clock: () => Date;
  logger?: Logger;
}): ServiceImpl<typeof VeterinaryInternalService> {
  return {
    async erasePets(req) {
      const sagaId = requiredText("saga_id", req.sagaId, 128);
      if (req.petIds.length > MAX_ERASE_PETS) {
        throw invalid("pet_ids", `at most ${MAX_ERASE_PETS} pet ids per call`);
      }
      const petIds = [...new Set(req.petIds.map((id) => id.trim()).filter((id) => id !== ""))];
      // the same bound as every pet_id this service accepts (and the tombstone's column)
      if (petIds.some((id) => id.length > 128))
        throw invalid("pet_ids", "pet ids must be at most 128 characters");
      const counts = await deps.repository.erasePets(petIds, {
        sagaId,
        erasedAt: deps.clock().getTime(),
      });
      deps.logger?.info("pets erased", { sagaId, pets: petIds.length, ...counts });
      return {
        appointmentsErased: counts.appointments,
        recordsErased: counts.records,
        vaccinationsErased: counts.vaccinations,
      };
    },
  };
}
