import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { defineRoute, type RestApp } from "../openapi/define-route.ts";
import { errorResponses, jsonResponse, messageSchema } from "../openapi/responses.ts";
import { deadlineMs, type OperationPolicy, VETERINARY_OPERATIONS } from "../policy/operations.ts";
import { clientSignal, type RouteDeps } from "./context.ts";
import {
  addExceptionBody,
  appointmentTypeSchema,
  createVetBody,
  EXCEPTION,
  exceptionSchema,
  exceptionsQuery,
  removeExceptionBody,
  restException,
  restSlot,
  restVet,
  setHoursBody,
  slotSchema,
  slotsQuery,
  VET,
  vetSchema,
} from "./scheduling-shapes.ts";

const json = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});
const ok = <S extends z.ZodRawShape>(shape: S) => z.object({ message: z.literal("ok"), ...shape });

/**
 * The clinic's scheduling routes: free slots, vets and their weekly hours,
 * appointment types, leave and holidays. Reads are for whoever books; the
 * clinic's set-up (the writes) is the admin's (ROUTE_RULES). None of them is
 * about one pet, so they carry no routing key: any veterinary instance answers.
 */
export function registerSchedulingRoutes(app: RestApp, deps: RouteDeps): void {
  const { upstreams, config } = deps;
  const tags = ["scheduling"];
  /** One call under its operation's deadline (policy/operations.ts); no routing key. */
  const vet = <T>(c: Context, operation: OperationPolicy, call: Parameters<typeof upstreams.guard<T>>[2]) =>
    upstreams.guard(
      "veterinary",
      { timeoutMs: deadlineMs(config, operation), routingKey: "", signal: clientSignal(c) },
      call,
    );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/slots",
      guarded: true,
      tags,
      summary: "Free appointment starts on a local day, per vet",
      description:
        "Each slot fits in the vet's working hours (local, the veterinary service's CLINIC_TIME_ZONE) and clashes with no appointment, leave or holiday; starts are UTC, every SLOT_STEP_MINUTES from the start of each working span, none in the past. The length is durationMinutes, else the type's, else the default.",
      request: { query: slotsQuery },
      responses: {
        200: jsonResponse("Free starts, earliest first", ok({ slots: z.array(slotSchema) })),
        ...errorResponses(400, 404),
      },
    },
    async (c, { query }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.findFreeSlots, (options) =>
        upstreams.veterinary.findFreeSlots(
          {
            date: query.date,
            vetId: query.vetId ?? "",
            type: query.type ?? "",
            durationMinutes: query.durationMinutes,
          },
          options,
        ),
      );
      return c.json({ message: "ok", slots: res.slots.map(restSlot) });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/vets",
      guarded: true,
      tags,
      summary: "The clinic's vets with their weekly working hours",
      responses: { 200: jsonResponse("Vets in the order they were added", ok({ vets: z.array(vetSchema) })) },
    },
    async (c) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listVets, (options) =>
        upstreams.veterinary.listVets({}, options),
      );
      return c.json({ message: "ok", vets: res.vets.map(restVet) });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/appointment-types",
      guarded: true,
      tags,
      summary: "The appointment types and their default lengths (APPOINTMENT_TYPES)",
      responses: {
        200: jsonResponse("The configured types", ok({ types: z.array(appointmentTypeSchema) })),
      },
    },
    async (c) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listAppointmentTypes, (options) =>
        upstreams.veterinary.listAppointmentTypes({}, options),
      );
      const types = res.types.map((t) => ({ name: t.name, durationMinutes: t.durationMinutes }));
      return c.json({ message: "ok", types });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/create-vet",
      guarded: true,
      tags,
      summary: "Add a vet (someone who can be booked), with weekly working hours",
      request: { body: json(createVetBody) },
      responses: {
        201: jsonResponse("Added", z.object({ message: z.literal("Vet created"), vetId: z.string() }), {
          message: "Vet created",
          vetId: VET,
        }),
        ...errorResponses(400),
      },
    },
    async (c, { body }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.createVet, (options) =>
        upstreams.veterinary.createVet({ name: body.name, workingHours: body.workingHours ?? [] }, options),
      );
      return c.json({ message: "Vet created", vetId: res.vet?.id ?? "" }, 201);
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/set-working-hours",
      guarded: true,
      tags,
      summary: "Replace a vet's weekly working hours",
      description:
        "Existing appointments stay; the new hours decide the bookings and free slots from now on.",
      request: { body: json(setHoursBody) },
      responses: {
        200: jsonResponse("Set", z.object({ message: z.literal("Working hours set"), vet: vetSchema })),
        ...errorResponses(400, 404),
      },
    },
    async (c, { body }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.setWorkingHours, (options) =>
        upstreams.veterinary.setWorkingHours({ vetId: body.vetId, workingHours: body.workingHours }, options),
      );
      return c.json({ message: "Working hours set", vet: res.vet ? restVet(res.vet) : undefined });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "get",
      path: "/api/veterinary/schedule-exceptions",
      guarded: true,
      tags,
      summary: "Leave and holidays overlapping a local day or a range (at most 31 days)",
      request: { query: exceptionsQuery },
      responses: {
        200: jsonResponse("Exceptions by start", ok({ exceptions: z.array(exceptionSchema) })),
        ...errorResponses(400),
      },
    },
    async (c, { query }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.listScheduleExceptions, (options) =>
        upstreams.veterinary.listScheduleExceptions(
          { date: query.date ?? "", from: query.from ?? "", to: query.to ?? "" },
          options,
        ),
      );
      return c.json({ message: "ok", exceptions: res.exceptions.map(restException) });
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/add-schedule-exception",
      guarded: true,
      tags,
      summary: "Block a vet (leave) or, without vetId, the whole clinic (a holiday)",
      description:
        "Existing appointments in the span stay (cancel them if they must go); no new ones are booked there.",
      request: { body: json(addExceptionBody) },
      responses: {
        201: jsonResponse(
          "Added",
          z.object({ message: z.literal("Schedule exception added"), exceptionId: z.string() }),
          { message: "Schedule exception added", exceptionId: EXCEPTION },
        ),
        ...errorResponses(400, 404),
      },
    },
    async (c, { body }) => {
      const res = await vet(c, VETERINARY_OPERATIONS.addScheduleException, (options) =>
        upstreams.veterinary.addScheduleException(
          { vetId: body.vetId ?? "", from: body.from, to: body.to, reason: body.reason ?? "" },
          options,
        ),
      );
      return c.json({ message: "Schedule exception added", exceptionId: res.exception?.id ?? "" }, 201);
    },
  );

  defineRoute(
    app,
    deps.route,
    {
      method: "post",
      path: "/api/veterinary/remove-schedule-exception",
      guarded: true,
      tags,
      summary: "Remove a vet's leave or a clinic holiday",
      request: { body: json(removeExceptionBody) },
      responses: {
        200: jsonResponse("Removed", messageSchema("Schedule exception removed")),
        ...errorResponses(400, 404),
      },
    },
    async (c, { body }) => {
      await vet(c, VETERINARY_OPERATIONS.removeScheduleException, (options) =>
        upstreams.veterinary.removeScheduleException({ exceptionId: body.exceptionId }, options),
      );
      return c.json({ message: "Schedule exception removed" });
    },
  );
}
