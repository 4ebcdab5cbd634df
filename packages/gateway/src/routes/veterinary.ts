import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { idempotencyKey, idempotencyKeyHeaderSchema } from "../http/idempotency-key.ts";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { errorResponse, errorResponses, jsonResponse } from "../openapi/responses.ts";
import { deadlineMs, type OperationPolicy, VETERINARY_OPERATIONS } from "../policy/operations.ts";
import { clientSignal, type RouteDeps } from "./context.ts";
import { VET } from "./scheduling-shapes.ts";
import {
  appointmentSchema,
  appointmentsQuery,
  cancelBody,
  endBody,
  makeBody,
  petParams,
  recordSchema,
  recordsQuery,
  reminderSchema,
  remindersQuery,
  restAppointment,
  restRecord,
  restReminder,
  restVaccination,
  vaccinationBody,
  vaccinationSchema,
} from "./veterinary-shapes.ts";

export { restAppointment } from "./veterinary-shapes.ts";

const ID = "0190c6f7-1b2c-7d3e-9f40-6a7b8c9d0e1f";
const json = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});
const orUndefined = (text: string) => (text === "" ? undefined : text);

/**
 * The veterinary routes of API.md, including the first version's
 * `POST /end-appointment`. The routing key is the pet id (the appointment id
 * where the request names no pet).
 */
export function registerVeterinaryRoutes(app: RestApp, deps: RouteDeps): void {
  const { upstreams, config } = deps;
  const tags = ["veterinary"];
  /** One call under its operation's deadline (policy/operations.ts). */
  const vet = <T>(
    c: Context,
    operation: OperationPolicy,
    routingKey: string,
    call: Parameters<typeof upstreams.guard<T>>[2],
  ) =>
    upstreams.guard(
      "veterinary",
      { timeoutMs: deadlineMs(config, operation), routingKey, signal: clientSignal(c) },
      call,
    );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/make-appointment",
      guarded: true,
      tags,
      summary: "Make an appointment for a pet",
      description:
        "With an `Idempotency-Key`, a repeat returns the first appointment's id and books nothing again.",
      request: { headers: idempotencyKeyHeaderSchema, body: json(makeBody) },
      responses: {
        201: jsonResponse(
          "Made",
          z.object({
            message: z.literal("Appointment made"),
            appointmentId: z.string(),
            vetId: z
              .string()
              .optional()
              .openapi({ description: "The vet booked; absent when the clinic has no vets configured" }),
          }),
          { message: "Appointment made", appointmentId: ID },
        ),
        ...errorResponses(400, 404),
        409: errorResponse(
          "The pet already has an appointment then, or the vet is busy, not working then or on leave",
          { error: `vet ${VET} is busy at that time` },
        ),
      },
    },
    async (c, { body }) => {
      // A repeat with the same Idempotency-Key answers the first appointment's id.
      const requestId = idempotencyKey(c);
      const res = await vet(c, VETERINARY_OPERATIONS.makeAppointment, body.petId, (options) =>
        upstreams.veterinary.makeAppointment(
          {
            petId: body.petId,
            startsAt: body.dateTime,
            durationMinutes: body.durationMinutes,
            reason: body.reason,
            requestId,
            vetId: body.vetId,
            type: body.type,
          },
          options,
        ),
      );
      // The first version's answer, plus the vet booked where the clinic has vets (additive).
      const vetId = orUndefined(res.appointment?.vetId ?? "");
      return c.json({ message: "Appointment made", appointmentId: res.appointment?.id ?? "", vetId }, 201);
    },
  );

  for (const path of ["/api/veterinary/end-appointment", "/end-appointment"]) {
    defineRoute(
      app,
      deps.route,
      {
        method: "post",
        path,
        guarded: true,
        tags,
        summary:
          path === "/end-appointment"
            ? "End an appointment (the first version's path)"
            : "End an appointment",
        description: "Writes a consultation record into the pet's medical history.",
        request: { body: json(endBody) },
        responses: {
          200: jsonResponse("Ended", z.object({ message: z.literal("Appointment ended") }), {
            message: "Appointment ended",
          }),
          ...errorResponses(400, 404, 409),
        },
      },
      async (c, { body }) => {
        await vet(c, VETERINARY_OPERATIONS.endAppointment, body.appointmentId, (options) =>
          upstreams.veterinary.endAppointment(
            { appointmentId: body.appointmentId, details: body.details, endedBy: body.endedBy },
            options,
          ),
        );
        return c.json({ message: "Appointment ended" }, 200);
      },
    );
  }

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/cancel-appointment",
      guarded: true,
      tags,
      summary: "Cancel an appointment",
      request: { body: json(cancelBody) },
      responses: {
        200: jsonResponse("Cancelled", z.object({ message: z.literal("Appointment cancelled") }), {
          message: "Appointment cancelled",
        }),
        ...errorResponses(400, 404, 409),
      },
    },
    async (c, { body }) => {
      await vet(c, VETERINARY_OPERATIONS.cancelAppointment, body.appointmentId, (options) =>
        upstreams.veterinary.cancelAppointment({ appointmentId: body.appointmentId }, options),
      );
      return c.json({ message: "Appointment cancelled" }, 200);
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/appointments",
      guarded: true,
      tags,
      summary: "List a pet's appointments, or the whole clinic's for a day or range",
      request: { query: appointmentsQuery },
      responses: {
        200: jsonResponse(
          "The appointments, in start order",
          z.object({ message: z.literal("ok"), appointments: z.array(appointmentSchema) }),
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { query }) => {
      // Without a pet the call has no routing key: any instance answers the clinic-wide list.
      const res = await vet(c, VETERINARY_OPERATIONS.listAppointments, query.petId ?? "", (options) =>
        upstreams.veterinary.listAppointments(
          {
            petId: query.petId ?? "",
            from: query.from ?? "",
            to: query.to ?? "",
            date: query.date ?? "",
            vetId: query.vetId ?? "",
          },
          options,
        ),
      );
      return c.json({ message: "ok", appointments: res.appointments.map(restAppointment) });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/pets/{petId}/records",
      guarded: true,
      tags,
      summary: "A pet's consultation history, newest first",
      request: { params: petParams, query: recordsQuery },
      responses: {
        200: jsonResponse(
          "One page of records",
          z.object({
            message: z.literal("ok"),
            records: z.array(recordSchema),
            nextPageToken: z.string().optional(),
          }),
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { params, query }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listRecords, params.petId, (options) =>
        upstreams.veterinary.listRecords(
          { petId: params.petId, pageSize: query.pageSize ?? 0, pageToken: query.pageToken ?? "" },
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

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/vaccinations",
      guarded: true,
      tags,
      summary: "Record a vaccination (plans its reminders)",
      description:
        "With an `Idempotency-Key`, a repeat returns the first vaccination's id and writes no second row or reminders.",
      request: { headers: idempotencyKeyHeaderSchema, body: json(vaccinationBody) },
      responses: {
        201: jsonResponse(
          "Recorded (or, for a repeated Idempotency-Key, the first vaccination)",
          z.object({ message: z.literal("Vaccination recorded"), vaccinationId: z.string() }),
          { message: "Vaccination recorded", vaccinationId: ID },
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { body }) => {
      // A repeat with the same Idempotency-Key answers the first vaccination's id.
      const requestId = idempotencyKey(c);
      const res = await vet(c, VETERINARY_OPERATIONS.recordVaccination, body.petId, (options) =>
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
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/pets/{petId}/vaccinations",
      guarded: true,
      tags,
      summary: "A pet's vaccinations and due dates",
      request: { params: petParams },
      responses: {
        200: jsonResponse(
          "The pet's vaccinations",
          z.object({ message: z.literal("ok"), vaccinations: z.array(vaccinationSchema) }),
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { params }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listVaccinations, params.petId, (options) =>
        upstreams.veterinary.listVaccinations({ petId: params.petId }, options),
      );
      return c.json({ message: "ok", vaccinations: res.vaccinations.map(restVaccination) });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/pets/{petId}/reminders",
      guarded: true,
      tags,
      summary: "A pet's reminders still to be sent (and, with include=sent, the sent ones)",
      request: { params: petParams, query: remindersQuery },
      responses: {
        200: jsonResponse(
          "The pet's pending reminders by send time, then (include=sent) the sent ones, newest first",
          z.object({ message: z.literal("ok"), reminders: z.array(reminderSchema) }),
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { params, query }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listReminders, params.petId, (options) =>
        upstreams.veterinary.listReminders(
          { petId: params.petId, includeSent: query.include === "sent" },
          options,
        ),
      );
      return c.json({ message: "ok", reminders: res.reminders.map(restReminder) });
    },
  );
}
