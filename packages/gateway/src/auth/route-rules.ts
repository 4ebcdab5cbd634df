import type { Rule } from "@vetmesh/kit/auth";
import type { PolicyName } from "../domain/rate-policy.ts";
import {
  DEMO_OPERATIONS,
  type OperationPolicy,
  OWNER_OPERATIONS,
  VETERINARY_OPERATIONS,
} from "../policy/operations.ts";

/** Who may call one REST route, and how its calls are audited. */
export interface RouteAccess {
  /** The rule of the RPC the route calls (the services enforce the same row). */
  rule: Rule;
  /** The rate-limit policy the route is charged to (its operation's); the route's declaration must agree. */
  policy: PolicyName;
  /** The audit action name; routes that neither write nor read medical records are not audited. */
  action: string;
  audited: boolean;
}

const ANY_CALLER: Rule = { staff: ["admin", "vet", "reception"], owner: true };

/** A route that calls one operation: its rule and policy are the operation's; writes and medical reads are audited. */
const calls = ({ rule, policy }: OperationPolicy, action: string): RouteAccess => ({
  rule,
  policy,
  action,
  audited: policy === "write" || rule.medical === true,
});

/**
 * The gateway's route → operation table: every REST route names the
 * operation (policy/operations.ts) whose rule and rate-limit policy it
 * enforces (the role check happens here, before any upstream call; owners'
 * ownership is decided by the service that owns the data). A route missing
 * from this table does not start (see {@link routeAccess}): nothing is
 * reachable by accident. packages/gateway/README.md shows the same table.
 */
export const ROUTE_RULES: Readonly<Record<string, RouteAccess>> = {
  "/api/me": { rule: ANY_CALLER, policy: "read", action: "me.read", audited: false },
  "/api/owner/register": calls(OWNER_OPERATIONS.registerOwner, "owner.register"),
  "/api/owner/register-pet": calls(OWNER_OPERATIONS.registerPet, "pet.register"),
  "/api/owner/:ref/pets": calls(OWNER_OPERATIONS.listPets, "pets.list"),
  "/api/owner/remove-data/:ref": calls(OWNER_OPERATIONS.removeOwnerData, "owner.remove-data"),
  "/api/veterinary/make-appointment": calls(VETERINARY_OPERATIONS.makeAppointment, "appointment.make"),
  "/api/veterinary/end-appointment": calls(VETERINARY_OPERATIONS.endAppointment, "appointment.end"),
  "/end-appointment": calls(VETERINARY_OPERATIONS.endAppointment, "appointment.end"),
  "/api/veterinary/cancel-appointment": calls(VETERINARY_OPERATIONS.cancelAppointment, "appointment.cancel"),
  "/api/veterinary/appointments": calls(VETERINARY_OPERATIONS.listAppointments, "appointments.list"),
  "/api/veterinary/pets/:petId/records": calls(VETERINARY_OPERATIONS.listRecords, "records.read"),
  "/api/veterinary/vaccinations": calls(VETERINARY_OPERATIONS.recordVaccination, "vaccination.record"),
  "/api/veterinary/pets/:petId/vaccinations": calls(
    VETERINARY_OPERATIONS.listVaccinations,
    "vaccinations.read",
  ),
  "/api/veterinary/pets/:petId/reminders": calls(VETERINARY_OPERATIONS.listReminders, "reminders.list"),
  "/api/veterinary/slots": calls(VETERINARY_OPERATIONS.findFreeSlots, "slots.find"),
  "/api/veterinary/vets": calls(VETERINARY_OPERATIONS.listVets, "vets.list"),
  "/api/veterinary/appointment-types": calls(
    VETERINARY_OPERATIONS.listAppointmentTypes,
    "appointment-types.list",
  ),
  "/api/veterinary/create-vet": calls(VETERINARY_OPERATIONS.createVet, "vet.create"),
  "/api/veterinary/set-working-hours": calls(VETERINARY_OPERATIONS.setWorkingHours, "vet.set-hours"),
  "/api/veterinary/schedule-exceptions": calls(
    VETERINARY_OPERATIONS.listScheduleExceptions,
    "exceptions.list",
  ),
  "/api/veterinary/add-schedule-exception": calls(
    VETERINARY_OPERATIONS.addScheduleException,
    "exception.add",
  ),
  "/api/veterinary/remove-schedule-exception": calls(
    VETERINARY_OPERATIONS.removeScheduleException,
    "exception.remove",
  ),
  "/api/test/timeout": calls(DEMO_OPERATIONS.slow, "test.timeout"),
  "/api/test/rate-limit": calls(DEMO_OPERATIONS.ping, "test.rate-limit"),
  "/api/test/circuit-breaker": calls(DEMO_OPERATIONS.fail, "test.circuit-breaker"),
};

/** The access row of a route; throws at start-up for a route nobody decided about. */
export function routeAccess(path: string): RouteAccess {
  const access = ROUTE_RULES[path];
  if (!access)
    throw new Error(`route ${path} has no row in ROUTE_RULES (packages/gateway/src/auth/route-rules.ts)`);
  return access;
}
