import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { conflict, invalid, notFound } from "@vetmesh/kit";
import { assertOwnerAccess, forbidden, isOwnerCaller } from "@vetmesh/kit/auth";
import { type AppointmentRow, petErased, type VeterinaryRepository } from "../db/repository.ts";
import type { AppointmentTypes } from "../domain/appointment-types.ts";
import { type DueWindows, dueState } from "../domain/due-state.ts";
import { DAY_MS, parseInstant, parseOptionalInstant } from "../domain/instants.ts";
import { decodePageToken, encodePageToken, pageSize } from "../domain/page-token.ts";
import { planReminders, type StageOffset } from "../domain/reminder-stages.ts";
import { type VaccineIntervals, vaccineKey } from "../domain/vaccine-intervals.ts";
import { resolveDuration, vetCandidates } from "./booking.ts";
import { clinicRange, listRange } from "./list-range.ts";
import { toAppointment, toRecord, toReminder, toVaccination } from "./mapping.ts";
import type { PetLookup } from "./owner-lookup.ts";
import type { ScheduleMethod } from "./schedule-service.ts";
import { optionalRequestId, optionalText, requiredLine, requiredText } from "./validate.ts";

/** What the public veterinary RPCs depend on, all injected. */
export interface VeterinaryDeps {
  repository: VeterinaryRepository;
  pets: PetLookup;
  clock: () => Date;
  newId: () => string;
  intervals: VaccineIntervals;
  defaultIntervalDays?: number;
  windows: DueWindows;
  defaultDurationMinutes: number;
  /** IANA zone of the clinic: local days and working hours are read in it. */
  clinicTimeZone: string;
  /** Appointment types and their default lengths (APPOINTMENT_TYPES). */
  appointmentTypes: AppointmentTypes;
  /** Reminder stages planned for each vaccination with a due date. */
  reminderOffsets: readonly StageOffset[];
}

function describe(row: AppointmentRow): string {
  return row.status === "ended" ? "already ended" : "cancelled";
}

/**
 * VeterinaryService: validation first (InvalidArgument names the field), then
 * pet existence (NotFound for a tombstoned pet, else asked of the owner
 * service, which hides an owner at once when its removal starts, and whose
 * answer names the owner an owner-role caller must be), then one
 * repository call whose transaction enforces the invariant (no overlap,
 * end+record together, no insert for a pet erased meanwhile). Every method
 * but the scheduling ones (rpc/schedule-service.ts), so app.ts composes the
 * full ServiceImpl and the compiler rejects a missing method.
 */
export function createVeterinaryService(
  deps: VeterinaryDeps,
): Omit<ServiceImpl<typeof VeterinaryService>, ScheduleMethod> {
  const now = () => deps.clock().getTime();
  /**
   * An erased pet is gone without asking the owner service; any other must be
   * known there, and an owner-role caller must be its owner (resolved by the
   * owner service, never taken from the client).
   */
  const knownPet = async (petId: string, ctx: HandlerContext) => {
    if (await deps.repository.getErasedPet(petId)) throw petErased(petId);
    const { owner } = await deps.pets.getPet(petId);
    assertOwnerAccess(ctx, owner?.email);
  };
  return {
    async makeAppointment(req, ctx) {
      const petId = requiredText("pet_id", req.petId, 128);
      const startsAt = parseInstant("starts_at", req.startsAt);
      const type = optionalText("type", req.type, 64)?.toLowerCase() ?? null;
      const duration = resolveDuration(
        deps.appointmentTypes,
        deps.defaultDurationMinutes,
        type,
        req.durationMinutes,
      );
      const reason = optionalText("reason", req.reason, 1000) ?? "";
      const vetId = optionalText("vet_id", req.vetId, 64);
      const requestId = optionalRequestId("request_id", req.requestId);
      await knownPet(petId, ctx);
      const endsAt = startsAt + duration * 60_000;
      const candidates = await vetCandidates(deps.repository, deps.clinicTimeZone, {
        vetId,
        startsAt,
        endsAt,
      });
      const row: AppointmentRow = {
        id: deps.newId(),
        petId,
        startsAt,
        endsAt,
        durationMinutes: duration,
        reason,
        status: "scheduled",
        createdAt: now(),
        endedAt: null,
        cancelledAt: null,
        vetId: null,
        type,
      };
      const outcome = await deps.repository.insertAppointment(row, candidates, requestId);
      // A repeat of the same request_id (a client retrying after a lost answer) gets the first appointment.
      if (outcome.kind === "repeat") return { appointment: toAppointment(outcome.appointment) };
      if (outcome.kind === "overlap") {
        throw conflict(`pet ${petId} already has an appointment at that time (${outcome.existing.id})`);
      }
      if (outcome.kind === "vet_busy") {
        throw conflict(vetId === null ? "no vet is free at that time" : `vet ${vetId} is busy at that time`);
      }
      return { appointment: toAppointment({ ...row, vetId: outcome.vetId ?? null }) };
    },

    async endAppointment(req) {
      const appointmentId = requiredText("appointment_id", req.appointmentId, 64);
      const details = requiredText("details", req.details, 20_000);
      const outcome = await deps.repository.endAppointment({
        appointmentId,
        endedAt: now(),
        recordId: deps.newId(),
        details,
        endedBy: optionalText("ended_by", req.endedBy, 256),
      });
      if (outcome.kind === "not_found") throw notFound(`appointment ${appointmentId} not found`);
      if (outcome.kind === "not_scheduled") {
        throw conflict(`appointment ${appointmentId} is ${describe(outcome.appointment)}`);
      }
      return { appointment: toAppointment(outcome.appointment), record: toRecord(outcome.record) };
    },

    async cancelAppointment(req, ctx) {
      const appointmentId = requiredText("appointment_id", req.appointmentId, 64);
      if (isOwnerCaller(ctx)) {
        // An owner cancels only their own pet's appointment; an unknown id stays NotFound below.
        const existing = await deps.repository.getAppointment(appointmentId);
        if (existing) await knownPet(existing.petId, ctx);
      }
      const outcome = await deps.repository.cancelAppointment(appointmentId, now());
      if (outcome.kind === "not_found") throw notFound(`appointment ${appointmentId} not found`);
      if (outcome.kind === "not_scheduled") {
        throw conflict(`appointment ${appointmentId} is ${describe(outcome.appointment)}`);
      }
      return { appointment: toAppointment(outcome.appointment) };
    },

    async listAppointments(req, ctx) {
      const petId = optionalText("pet_id", req.petId, 128);
      const range = listRange(req, deps.clinicTimeZone);
      const vetId = optionalText("vet_id", req.vetId, 64) ?? undefined;
      if (petId === null) {
        // The clinic-wide list is for staff: an owner asks about their own pet.
        if (isOwnerCaller(ctx)) throw forbidden();
        const rows = await deps.repository.listClinicAppointments({ ...clinicRange(range), vetId });
        return { appointments: rows.map(toAppointment) };
      }
      await knownPet(petId, ctx);
      const rows = await deps.repository.listAppointments(petId, range);
      const ofVet = rows.filter((row) => vetId === undefined || row.vetId === vetId);
      return { appointments: ofVet.map(toAppointment) };
    },

    async listRecords(req, ctx) {
      const petId = requiredText("pet_id", req.petId, 128);
      const size = pageSize(req.pageSize);
      const after = decodePageToken(req.pageToken);
      await knownPet(petId, ctx);
      const rows = await deps.repository.listRecords(petId, size + 1, after);
      const page = rows.slice(0, size);
      const last = page.at(-1);
      const nextPageToken = rows.length > size && last ? encodePageToken(last) : "";
      return { records: page.map(toRecord), nextPageToken };
    },

    async recordVaccination(req, ctx) {
      const petId = requiredText("pet_id", req.petId, 128);
      const vaccine = requiredLine("vaccine", req.vaccine, 200);
      const administeredAt = parseInstant("administered_at", req.administeredAt, { allowDate: true });
      let nextDueAt = parseOptionalInstant("next_due_at", req.nextDueAt, { allowDate: true }) ?? null;
      if (nextDueAt !== null && nextDueAt <= administeredAt) {
        throw invalid("next_due_at", "next_due_at must be after administered_at");
      }
      const key = vaccineKey(vaccine);
      const intervalDays = deps.intervals.get(key) ?? deps.defaultIntervalDays;
      if (nextDueAt === null && intervalDays !== undefined)
        nextDueAt = administeredAt + intervalDays * DAY_MS;
      const batch = optionalText("batch", req.batch, 200);
      const notes = optionalText("notes", req.notes, 2000);
      const requestId = optionalRequestId("request_id", req.requestId);
      await knownPet(petId, ctx);
      const row = {
        id: deps.newId(),
        petId,
        vaccine,
        vaccineKey: key,
        administeredAt,
        nextDueAt,
        batch,
        notes,
        supersededBy: null,
        recordedAt: now(),
        requestId,
      };
      // A repeated request_id gets the first vaccination back; the planned reminders are then not written.
      const stored = await deps.repository.recordVaccination(
        row,
        planReminders(row, deps.reminderOffsets, row.recordedAt),
      );
      return { vaccination: toVaccination(stored, dueState(stored, now(), deps.windows)) };
    },

    async listVaccinations(req, ctx) {
      const petId = requiredText("pet_id", req.petId, 128);
      await knownPet(petId, ctx);
      const rows = await deps.repository.listVaccinations(petId);
      const at = now();
      return { vaccinations: rows.map((row) => toVaccination(row, dueState(row, at, deps.windows))) };
    },

    async listReminders(req, ctx) {
      const petId = requiredText("pet_id", req.petId, 128);
      await knownPet(petId, ctx);
      const rows = await deps.repository.listPendingReminders(petId);
      const sent = req.includeSent ? await deps.repository.listSentReminders(petId) : [];
      return { reminders: [...rows, ...sent].map(toReminder) };
    },
  };
}
