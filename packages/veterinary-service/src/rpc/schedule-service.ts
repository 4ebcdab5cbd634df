import type { ServiceImpl } from "@connectrpc/connect";
import type { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { invalid, notFound } from "@vetmesh/kit";
import type { VeterinaryRepository } from "../db/repository.ts";
import type { AppointmentTypes } from "../domain/appointment-types.ts";
import { dayIntervals, freeStarts, type Interval } from "../domain/availability.ts";
import { localDayRange, nextDay, parseLocalDate } from "../domain/clinic-time.ts";
import { DAY_MS, formatInstant, parseInstant } from "../domain/instants.ts";
import { parseWorkingHours } from "../domain/working-hours.ts";
import { blockedFor, MAX_DURATION_MINUTES, resolveDuration } from "./booking.ts";
import { clinicRange, listRange } from "./list-range.ts";
import { toException, toVet } from "./schedule-mapping.ts";
import { optionalText, requiredText } from "./validate.ts";

/** What the scheduling RPCs depend on. */
export interface ScheduleDeps {
  repository: VeterinaryRepository;
  clock: () => Date;
  /** Ids of vets and exceptions; time-ordered (UUIDv7), so vets created in one millisecond list in creation order. */
  newId: () => string;
  clinicTimeZone: string;
  appointmentTypes: AppointmentTypes;
  defaultDurationMinutes: number;
  /** Free starts are offered every this many minutes from the start of each working span. */
  slotStepMinutes: number;
}

/** The VeterinaryService methods this file serves (the rest are rpc/veterinary-service.ts's). */
export type ScheduleMethod =
  | "createVet"
  | "listVets"
  | "setWorkingHours"
  | "addScheduleException"
  | "removeScheduleException"
  | "listScheduleExceptions"
  | "listAppointmentTypes"
  | "findFreeSlots";

/** The scheduling half of VeterinaryService: every one of its methods, none missing (no Partial). */
export type ScheduleImpl = Pick<ServiceImpl<typeof VeterinaryService>, ScheduleMethod>;

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * VeterinaryService's scheduling RPCs: vets and their weekly hours, leave and
 * holidays, appointment types, and the free-slot search. Hours are local
 * wall-clock times of CLINIC_TIME_ZONE; every instant on the wire is UTC.
 */
export function createScheduleService(deps: ScheduleDeps): ScheduleImpl {
  const zone = deps.clinicTimeZone;
  const knownVet = async (vetId: string) => {
    const vet = (await deps.repository.listVets()).find((one) => one.id === vetId);
    if (!vet) throw notFound(`vet ${vetId} not found`);
    return vet;
  };
  /** An instant, or a local date: its first instant (`to`: the next day's, so the date is included). */
  const bound = (field: string, text: string, end: boolean) => {
    if (!LOCAL_DATE.test(text.trim())) return parseInstant(field, text);
    const date = parseLocalDate(field, text);
    return localDayRange(end ? nextDay(date) : date, zone).from;
  };
  return {
    async createVet(req) {
      const name = requiredText("name", req.name, 200);
      const hours = parseWorkingHours("working_hours", req.workingHours);
      const vet = { id: deps.newId(), name, createdAt: deps.clock().getTime() };
      await deps.repository.createVet(vet, hours);
      return { vet: toVet({ ...vet, hours }) };
    },

    async listVets() {
      return { vets: (await deps.repository.listVets()).map(toVet) };
    },

    async setWorkingHours(req) {
      const vetId = requiredText("vet_id", req.vetId, 64);
      const hours = parseWorkingHours("working_hours", req.workingHours);
      const vet = await deps.repository.replaceVetHours(vetId, hours);
      if (!vet) throw notFound(`vet ${vetId} not found`);
      return { vet: toVet(vet) };
    },

    async addScheduleException(req) {
      const vetId = optionalText("vet_id", req.vetId, 64);
      const startsAt = bound("from", req.from, false);
      const endsAt = bound("to", req.to, true);
      if (endsAt <= startsAt) throw invalid("to", "to must be after from");
      if (endsAt - startsAt > 366 * DAY_MS) throw invalid("to", "an exception may span at most 366 days");
      const reason = optionalText("reason", req.reason, 500) ?? "";
      if (vetId !== null) await knownVet(vetId);
      const row = { id: deps.newId(), vetId, startsAt, endsAt, reason, createdAt: deps.clock().getTime() };
      await deps.repository.addException(row);
      return { exception: toException(row) };
    },

    async removeScheduleException(req) {
      const id = requiredText("exception_id", req.exceptionId, 64);
      if (!(await deps.repository.removeException(id))) throw notFound(`schedule exception ${id} not found`);
      return {};
    },

    async listScheduleExceptions(req) {
      const range = clinicRange(listRange({ ...req }, zone), "from");
      return { exceptions: (await deps.repository.listExceptions(range)).map(toException) };
    },

    async listAppointmentTypes() {
      const types = [...deps.appointmentTypes].map(([name, durationMinutes]) => ({ name, durationMinutes }));
      return { types };
    },

    async findFreeSlots(req) {
      const date = parseLocalDate("date", req.date);
      const vetId = optionalText("vet_id", req.vetId, 64);
      const type = optionalText("type", req.type, 64)?.toLowerCase() ?? null;
      const durationMs =
        resolveDuration(deps.appointmentTypes, deps.defaultDurationMinutes, type, req.durationMinutes) *
        60_000;
      const day = localDayRange(date, zone);
      const all = await deps.repository.listVets();
      const vets = vetId === null ? all : all.filter((vet) => vet.id === vetId);
      if (vetId !== null && vets.length === 0) throw notFound(`vet ${vetId} not found`);
      // An appointment that started the day before may still run into this day.
      const [busySpans, exceptions] = await Promise.all([
        deps.repository.listBusySpans({
          ...day,
          longestMs: MAX_DURATION_MINUTES * 60_000,
          vetId: vetId ?? undefined,
        }),
        deps.repository.listExceptions(day),
      ]);
      const busyByVet = new Map<string, Interval[]>();
      for (const a of busySpans) {
        const list = busyByVet.get(a.vetId) ?? [];
        list.push([a.startsAt, a.endsAt]);
        busyByVet.set(a.vetId, list);
      }
      const now = deps.clock().getTime();
      const slots = vets.flatMap((vet) => {
        const busy = [...(busyByVet.get(vet.id) ?? []), ...blockedFor(vet.id, exceptions)];
        const working = dayIntervals(vet.hours, date, zone);
        return freeStarts(working, busy, durationMs, deps.slotStepMinutes * 60_000)
          .filter(([start]) => start >= now)
          .map(([start, end]) => ({ vetId: vet.id, start, end }));
      });
      slots.sort((a, b) => a.start - b.start);
      return {
        slots: slots.map((slot) => ({
          vetId: slot.vetId,
          startsAt: formatInstant(slot.start),
          endsAt: formatInstant(slot.end),
        })),
      };
    },
  };
}
