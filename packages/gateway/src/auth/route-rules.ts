import { DEMO_RULES, OWNER_RULES, type Rule, VETERINARY_RULES } from "@vetmesh/kit/auth";

/** Who may call one REST route, and how its calls are audited. */
export interface RouteAccess {
  /** The rule of the RPC the route calls (the services enforce the same row). */
  rule: Rule;
  /** The audit action name; routes that neither write nor read medical records are not audited. */
  action: string;
  audited: boolean;
}

const ANY_CALLER: Rule = { staff: ["admin", "vet", "reception"], owner: true };

const write = (rule: Rule, action: string): RouteAccess => ({ rule, action, audited: true });
const read = (rule: Rule, action: string): RouteAccess => ({ rule, action, audited: rule.medical === true });

/**
 * The gateway's route → rule table: every REST route names the RPC rule it
 * enforces (the role check happens here, before any upstream call; owners'
 * ownership is decided by the service that owns the data). A route missing
 * from this table does not start (see {@link routeAccess}): nothing is
 * reachable by accident. packages/gateway/README.md shows the same table.
 */
export const ROUTE_RULES: Readonly<Record<string, RouteAccess>> = {
  "/api/me": read(ANY_CALLER, "me.read"),
  "/api/owner/register": write(OWNER_RULES.registerOwner, "owner.register"),
  "/api/owner/register-pet": write(OWNER_RULES.registerPet, "pet.register"),
  "/api/owner/:ref/pets": read(OWNER_RULES.listPets, "pets.list"),
  "/api/owner/remove-data/:ref": write(OWNER_RULES.removeOwnerData, "owner.remove-data"),
  "/api/veterinary/make-appointment": write(VETERINARY_RULES.makeAppointment, "appointment.make"),
  "/api/veterinary/end-appointment": write(VETERINARY_RULES.endAppointment, "appointment.end"),
  "/end-appointment": write(VETERINARY_RULES.endAppointment, "appointment.end"),
  "/api/veterinary/cancel-appointment": write(VETERINARY_RULES.cancelAppointment, "appointment.cancel"),
  "/api/veterinary/appointments": read(VETERINARY_RULES.listAppointments, "appointments.list"),
  "/api/veterinary/pets/:petId/records": read(VETERINARY_RULES.listRecords, "records.read"),
  "/api/veterinary/vaccinations": write(VETERINARY_RULES.recordVaccination, "vaccination.record"),
  "/api/veterinary/pets/:petId/vaccinations": read(VETERINARY_RULES.listVaccinations, "vaccinations.read"),
  "/api/veterinary/pets/:petId/reminders": read(VETERINARY_RULES.listReminders, "reminders.list"),
  "/api/veterinary/slots": read(VETERINARY_RULES.findFreeSlots, "slots.find"),
  "/api/veterinary/vets": read(VETERINARY_RULES.listVets, "vets.list"),
  "/api/veterinary/appointment-types": read(VETERINARY_RULES.listAppointmentTypes, "appointment-types.list"),
  "/api/veterinary/create-vet": write(VETERINARY_RULES.createVet, "vet.create"),
  "/api/veterinary/set-working-hours": write(VETERINARY_RULES.setWorkingHours, "vet.set-hours"),
  "/api/veterinary/schedule-exceptions": read(VETERINARY_RULES.listScheduleExceptions, "exceptions.list"),
  "/api/veterinary/add-schedule-exception": write(VETERINARY_RULES.addScheduleException, "exception.add"),
  "/api/veterinary/remove-schedule-exception": write(
    VETERINARY_RULES.removeScheduleException,
    "exception.remove",
  ),
  "/api/test/timeout": read(DEMO_RULES.slow, "test.timeout"),
  "/api/test/rate-limit": read(DEMO_RULES.ping, "test.rate-limit"),
  "/api/test/circuit-breaker": read(DEMO_RULES.fail, "test.circuit-breaker"),
};

/** The access row of a route; throws at start-up for a route nobody decided about. */
export function routeAccess(path: string): RouteAccess {
  const access = ROUTE_RULES[path];
  if (!access)
    throw new Error(`route ${path} has no row in ROUTE_RULES (packages/gateway/src/auth/route-rules.ts)`);
  return access;
}
