import { ApiError } from "../api/client.ts";
import type { Appointment } from "../api/types.ts";
import { useServices } from "../context.ts";
import { rangeOf } from "../dates.ts";
import { useAsync } from "../ui/async.ts";

/** Said when the gateway predates the clinic-wide list (it still requires petId). */
export const NO_CLINIC_LIST =
  "This gateway cannot list the whole clinic's appointments yet; open a pet to see and book its appointments.";

/** The clinic-wide appointments of some local days, sorted by start. */
export function useClinicAppointments(days: string[]) {
  const { api } = useServices();
  const range = rangeOf(days);
  return useAsync(async (): Promise<Appointment[]> => {
    try {
      const list = await api.clinicAppointments(range);
      return [...list].sort((a, b) => a.dateTime.localeCompare(b.dateTime));
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.field === "petId") {
        throw new ApiError(400, NO_CLINIC_LIST);
      }
      throw error;
    }
  }, [range.from, range.to]);
}
