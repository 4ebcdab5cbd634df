import type { ApiClient } from "./client.ts";
import type { Appointment, ConsultationRecord, Pet, Reminder, Vaccination } from "./types.ts";

const seg = encodeURIComponent;

/** Whether a removal finished at once (200) or goes on by itself (202). */
export type RemovalAnswer = "completed" | "in_progress";

/**
 * Every REST call the screens make, typed, in one place: the paths and
 * bodies of API.md and nothing else (the web app uses the public API only).
 */
export function createEndpoints(api: ApiClient) {
  return {
    async registerOwner(email: string): Promise<string> {
      const res = await api.call<{ ownerId: string }>({
        method: "POST",
        path: "/api/owner/register",
        body: { email },
      });
      return res.body.ownerId;
    },
    async registerPet(pet: { email: string; type: string; race: string; name: string }, key: string) {
      const res = await api.call<{ petId: string }>({
        method: "POST",
        path: "/api/owner/register-pet",
        body: pet,
        headers: { "idempotency-key": key },
      });
      return res.body.petId;
    },
    async listPets(email: string): Promise<Pet[]> {
      return (await api.call<{ pets: Pet[] }>({ path: `/api/owner/${seg(email)}/pets` })).body.pets;
    },
    async removeData(email: string): Promise<RemovalAnswer> {
      const res = await api.call<unknown>({ method: "DELETE", path: `/api/owner/remove-data/${seg(email)}` });
      return res.status === 200 ? "completed" : "in_progress";
    },
    async makeAppointment(input: {
      petId: string;
      dateTime: string;
      durationMinutes?: number;
      reason?: string;
    }) {
      const res = await api.call<{ appointmentId: string }>({
        method: "POST",
        path: "/api/veterinary/make-appointment",
        body: input,
      });
      return res.body.appointmentId;
    },
    async endAppointment(appointmentId: string, details: string) {
      await api.call({
        method: "POST",
        path: "/api/veterinary/end-appointment",
        body: { appointmentId, details },
      });
    },
    async cancelAppointment(appointmentId: string) {
      await api.call({ method: "POST", path: "/api/veterinary/cancel-appointment", body: { appointmentId } });
    },
    /** A pet's appointments, optionally within [from, to). */
    async petAppointments(petId: string, range?: { from: string; to: string }): Promise<Appointment[]> {
      const query = new URLSearchParams({ petId, ...(range ?? {}) });
      const res = await api.call<{ appointments: Appointment[] }>({
        path: `/api/veterinary/appointments?${query}`,
      });
      return res.body.appointments;
    },
    /** The clinic-wide list for a calendar range (the scheduling contract: no petId). */
    async clinicAppointments(range: { from: string; to: string }): Promise<Appointment[]> {
      const query = new URLSearchParams(range);
      const res = await api.call<{ appointments: Appointment[] }>({
        path: `/api/veterinary/appointments?${query}`,
      });
      return res.body.appointments;
    },
    async records(petId: string): Promise<ConsultationRecord[]> {
      const res = await api.call<{ records: ConsultationRecord[] }>({
        path: `/api/veterinary/pets/${seg(petId)}/records?pageSize=100`,
      });
      return res.body.records;
    },
    async recordVaccination(
      input: { petId: string; vaccine: string; administeredAt: string; nextDueAt?: string },
      key: string,
    ) {
      const res = await api.call<{ vaccinationId: string }>({
        method: "POST",
        path: "/api/veterinary/vaccinations",
        body: input,
        headers: { "idempotency-key": key },
      });
      return res.body.vaccinationId;
    },
    async vaccinations(petId: string): Promise<Vaccination[]> {
      const res = await api.call<{ vaccinations: Vaccination[] }>({
        path: `/api/veterinary/pets/${seg(petId)}/vaccinations`,
      });
      return res.body.vaccinations;
    },
    /** Pending reminders by send time, then the sent ones (with sentAt), newest first. */
    async reminders(petId: string): Promise<Reminder[]> {
      const res = await api.call<{ reminders: Reminder[] }>({
        path: `/api/veterinary/pets/${seg(petId)}/reminders`,
      });
      return res.body.reminders;
    },
  };
}

/** The typed endpoints the screens receive. */
export type Endpoints = ReturnType<typeof createEndpoints>;
