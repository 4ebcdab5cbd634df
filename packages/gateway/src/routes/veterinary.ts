import type {
  Appointment,
  ConsultationRecord,
  Reminder,
  Vaccination,
} from "@vetmesh/contracts/veterinary/v1/veterinary";
import { AppointmentStatus, DueState, ReminderStage } from "@vetmesh/contracts/veterinary/v1/veterinary";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { idempotencyKey } from "../http/idempotency-key.ts";
import { check, readJson } from "../http/validate.ts";
import { clientSignal, type RouteDeps } from "./context.ts";

// Pet ids are strings; the first version's clients may send a number, which is read as its text.
const petId = z.union([z.string(), z.number().int()]).transform(String);
const optionalText = z.string().optional();

const makeBody = z.object({
  petId,
  dateTime: z.string(),
  durationMinutes: z.number().int().optional(),
  reason: optionalText,
});
const endBody = z.object({ appointmentId: z.string(), details: z.string(), endedBy: optionalText });
const cancelBody = z.object({ appointmentId: z.string() });
const vaccinationBody = z.object({
  petId,
  vaccine: z.string(),
  administeredAt: z.string(),
  nextDueAt: optionalText,
  batch: optionalText,
  notes: optionalText,
});
const appointmentsQuery = z.object({ petId: z.string().min(1), from: optionalText, to: optionalText });
const recordsQuery = z.object({
  pageSize: z.coerce.number().int().min(0).max(1000).optional(),
  pageToken: optionalText,
});

const label = (name: string | undefined) => (name ?? "unspecified").toLowerCase();
const orUndefined = (text: string) => (text === "" ? undefined : text);

/** REST shape of an appointment (camelCase, enum as lower-case word, empty instants omitted). */
export function restAppointment(a: Appointment) {
  return {
    appointmentId: a.id,
    petId: a.petId,
    dateTime: a.startsAt,
    durationMinutes: a.durationMinutes,
    reason: a.reason,
    status: label(AppointmentStatus[a.status]),
    endedAt: orUndefined(a.endedAt),
    cancelledAt: orUndefined(a.cancelledAt),
  };
}

function restRecord(r: ConsultationRecord) {
  return {
    recordId: r.id,
    petId: r.petId,
    appointmentId: r.appointmentId,
    details: r.details,
    recordedAt: r.recordedAt,
    endedBy: orUndefined(r.endedBy),
  };
}

function restVaccination(v: Vaccination) {
  return {
    vaccinationId: v.id,
    petId: v.petId,
    vaccine: v.vaccine,
    administeredAt: v.administeredAt,
    nextDueAt: orUndefined(v.nextDueAt),
    batch: orUndefined(v.batch),
    notes: orUndefined(v.notes),
    dueState: label(DueState[v.dueState]),
    supersededBy: orUndefined(v.supersededBy),
  };
}

function restReminder(r: Reminder) {
  return {
    vaccinationId: r.vaccinationId,
    petId: r.petId,
    vaccine: r.vaccine,
    stage: label(ReminderStage[r.stage]),
    sendAt: r.sendAt,
    dueAt: r.dueAt,
  };
}

/**
 * The veterinary routes of API.md, including the first version's
 * `POST /end-appointment`. The routing key is the pet id (the appointment id
 * where the request names no pet).
 */
export function registerVeterinaryRoutes(app: Hono, deps: RouteDeps): void {
  const { upstreams, config } = deps;
  const timeoutMs = config.TIMEOUT_DEFAULT_MS;
  const vet = <T>(c: Context, routingKey: string, call: Parameters<typeof upstreams.guard<T>>[2]) =>
    upstreams.guard("veterinary", { timeoutMs, routingKey, signal: clientSignal(c) }, call);

  app.post(
    "/api/veterinary/make-appointment",
    deps.route("/api/veterinary/make-appointment", "write"),
    async (c) => {
      const body = await readJson(c, makeBody);
      const res = await vet(c, body.petId, (options) =>
        upstreams.veterinary.makeAppointment(
          {
            petId: body.petId,
            startsAt: body.dateTime,
            durationMinutes: body.durationMinutes,
            reason: body.reason,
          },
          options,
        ),
      );
      return c.json({ message: "Appointment made", appointmentId: res.appointment?.id ?? "" }, 201);
    },
  );

  const endAppointment = async (c: Context) => {
    const body = await readJson(c, endBody);
    await vet(c, body.appointmentId, (options) =>
      upstreams.veterinary.endAppointment(
        { appointmentId: body.appointmentId, details: body.details, endedBy: body.endedBy },
        options,
      ),
    );
    return c.json({ message: "Appointment ended" }, 200);
  };
  app.post(
    "/api/veterinary/end-appointment",
    deps.route("/api/veterinary/end-appointment", "write"),
    endAppointment,
  );
  app.post("/end-appointment", deps.route("/end-appointment", "write"), endAppointment);

  app.post(
    "/api/veterinary/cancel-appointment",
    deps.route("/api/veterinary/cancel-appointment", "write"),
    async (c) => {
      const body = await readJson(c, cancelBody);
      await vet(c, body.appointmentId, (options) =>
        upstreams.veterinary.cancelAppointment({ appointmentId: body.appointmentId }, options),
      );
      return c.json({ message: "Appointment cancelled" }, 200);
    },
  );

  app.get("/api/veterinary/appointments", deps.route("/api/veterinary/appointments", "read"), async (c) => {
    const query = check(appointmentsQuery, c.req.query(), "query");
    const res = await vet(c, query.petId, (options) =>
      upstreams.veterinary.listAppointments(
        { petId: query.petId, from: query.from ?? "", to: query.to ?? "" },
        options,
      ),
    );
    return c.json({ message: "ok", appointments: res.appointments.map(restAppointment) });
  });

  app.get(
    "/api/veterinary/pets/:petId/records",
    deps.route("/api/veterinary/pets/:petId/records", "read"),
    async (c) => {
      const pet = c.req.param("petId");
      const query = check(recordsQuery, c.req.query(), "query");
      const res = await vet(c, pet, (options) =>
        upstreams.veterinary.listRecords(
          { petId: pet, pageSize: query.pageSize ?? 0, pageToken: query.pageToken ?? "" },
          options,
        ),
      );
      return c.json({
        message: "ok",
        records: res.records.map(restRecord),
        nextPageToken: orUndefined(res.nextPageToken),
      });
    },
  );

  app.post("/api/veterinary/vaccinations", deps.route("/api/veterinary/vaccinations", "write"), async (c) => {
    const body = await readJson(c, vaccinationBody);
    // A repeat with the same Idempotency-Key answers the first vaccination's id.
    const requestId = idempotencyKey(c);
    const res = await vet(c, body.petId, (options) =>
      upstreams.veterinary.recordVaccination(
        {
          petId: body.petId,
          vaccine: body.vaccine,
          administeredAt: body.administeredAt,
          nextDueAt: body.nextDueAt,
          batch: body.batch,
          notes: body.notes,
          requestId,
        },
        options,
      ),
    );
    return c.json({ message: "Vaccination recorded", vaccinationId: res.vaccination?.id ?? "" }, 201);
  });

  app.get(
    "/api/veterinary/pets/:petId/vaccinations",
    deps.route("/api/veterinary/pets/:petId/vaccinations", "read"),
    async (c) => {
      const pet = c.req.param("petId");
      const res = await vet(c, pet, (options) =>
        upstreams.veterinary.listVaccinations({ petId: pet }, options),
      );
      return c.json({ message: "ok", vaccinations: res.vaccinations.map(restVaccination) });
    },
  );

  app.get(
    "/api/veterinary/pets/:petId/reminders",
    deps.route("/api/veterinary/pets/:petId/reminders", "read"),
    async (c) => {
      const pet = c.req.param("petId");
      const res = await vet(c, pet, (options) => upstreams.veterinary.listReminders({ petId: pet }, options));
      return c.json({ message: "ok", reminders: res.reminders.map(restReminder) });
    },
  );
}
