import type { Identity } from "@vetmesh/kit/auth";
import type { Context, MiddlewareHandler } from "hono";
import type { Config } from "../config.ts";
import type { FoldedCharge } from "../openapi/define-route.ts";
import type { ChargedRead, PetsCache } from "../resilience/pets-cache.ts";
import type { Upstreams } from "../resilience/upstreams.ts";

declare module "hono" {
  /** The route label the metrics and the request log use (the path pattern, not the raw path). */
  interface ContextVariableMap {
    route: string;
    /** The verified caller (undefined when anonymous in open mode), set by the route guard. */
    caller: Identity | undefined;
    /** The pets read the route guard made with the rate-limit charge (one round trip), for the handler. */
    chargedPetsRead: ChargedRead | undefined;
  }
}

/** What every route module needs; built once in app.ts. */
export interface RouteDeps {
  config: Config;
  upstreams: Upstreams;
  cache: PetsCache;
  /**
   * Per-route middleware: names the route for metrics, authenticates, charges
   * the rate-limit policy of the route's row of ROUTE_RULES and enforces that row.
   */
  route(path: string, foldCharge?: FoldedCharge): MiddlewareHandler;
}

/** Aborts the upstream call when the client disconnects. */
export function clientSignal(c: Context): AbortSignal | undefined {
  return c.req.raw.signal;
}

/**
 * Proto field names (what services put in `vetmesh-field`) → the REST names of
 * API.md, so a 400 names the field the client actually sent.
 */
export const REST_FIELD_NAMES: Record<string, string> = {
  email: "email",
  owner_ref: "email",
  type: "type",
  race: "race",
  name: "name",
  pet_id: "petId",
  starts_at: "dateTime",
  duration_minutes: "durationMinutes",
  appointment_id: "appointmentId",
  ended_by: "endedBy",
  administered_at: "administeredAt",
  next_due_at: "nextDueAt",
  page_size: "pageSize",
  page_token: "pageToken",
  request_id: "Idempotency-Key",
  vet_id: "vetId",
  working_hours: "workingHours",
  exception_id: "exceptionId",
};
