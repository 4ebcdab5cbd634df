import type { DescService } from "@bufbuild/protobuf";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import type { Identity, Role } from "./identity.ts";

/**
 * Who may call one public RPC: the staff roles listed, and the owner role
 * when `owner` is true — then only on their own data, which the service
 * checks after resolving whose data it is (the gateway never trusts the client).
 */
export interface Rule {
  staff: readonly Exclude<Role, "owner">[];
  owner: boolean;
  /** The call reads medical records (consultation history, vaccinations): audited like a write. */
  medical?: boolean;
}

const ALL_STAFF = ["admin", "vet", "reception"] as const;

/**
 * The one policy table of the public RPCs, shared by the gateway (REST routes
 * and the Connect pass-through name the RPC they call) and by each service's
 * own interceptor. Typed over the generated services, so a new RPC does not
 * compile until someone decides who may call it.
 */
export const OWNER_RULES: Record<keyof (typeof OwnerService)["method"], Rule> = {
  registerOwner: { staff: ["admin", "reception"], owner: true },
  registerPet: { staff: ["admin", "reception"], owner: true },
  listPets: { staff: ALL_STAFF, owner: true },
  // Only an admin or the owner themself may erase an owner's data.
  removeOwnerData: { staff: ["admin"], owner: true },
};

/** See {@link OWNER_RULES}. Medical writes (end-appointment's record, vaccinations) are the vet's alone. */
export const VETERINARY_RULES: Record<keyof (typeof VeterinaryService)["method"], Rule> = {
  makeAppointment: { staff: ALL_STAFF, owner: true },
  endAppointment: { staff: ["vet"], owner: false },
  cancelAppointment: { staff: ALL_STAFF, owner: true },
  listAppointments: { staff: ALL_STAFF, owner: true },
  // Reception does not read consultation details.
  listRecords: { staff: ["admin", "vet"], owner: true, medical: true },
  recordVaccination: { staff: ["vet"], owner: false },
  listVaccinations: { staff: ALL_STAFF, owner: true, medical: true },
  listReminders: { staff: ALL_STAFF, owner: true },
  // Scheduling: the clinic's set-up is the admin's; who works when, the types and free slots anyone
  // booking may see (an owner books for their own pet); leave and holidays (reasons) are staff-only.
  createVet: { staff: ["admin"], owner: false },
  listVets: { staff: ALL_STAFF, owner: true },
  setWorkingHours: { staff: ["admin"], owner: false },
  addScheduleException: { staff: ["admin"], owner: false },
  removeScheduleException: { staff: ["admin"], owner: false },
  listScheduleExceptions: { staff: ALL_STAFF, owner: false },
  listAppointmentTypes: { staff: ALL_STAFF, owner: true },
  findFreeSlots: { staff: ALL_STAFF, owner: true },
};

/** The demonstration upstream: any signed-in caller. */
export const DEMO_RULES: Record<keyof (typeof DemoService)["method"], Rule> = {
  slow: { staff: ALL_STAFF, owner: true },
  fail: { staff: ALL_STAFF, owner: true },
  ping: { staff: ALL_STAFF, owner: true },
  ticks: { staff: ALL_STAFF, owner: true },
};

const TABLES: ReadonlyArray<[DescService, Record<string, Rule>]> = [
  [OwnerService, OWNER_RULES],
  [VeterinaryService, VETERINARY_RULES],
  [DemoService, DEMO_RULES],
];

/** Rules by RPC path (`/vetmesh.owner.v1.OwnerService/ListPets`); absent = not a public RPC. */
export const RULES_BY_PATH: ReadonlyMap<string, Rule> = new Map(
  TABLES.flatMap(([service, rules]) =>
    service.methods.flatMap((method) => {
      const rule = rules[method.localName];
      return rule ? [[`/${service.typeName}/${method.name}`, rule] as const] : [];
    }),
  ),
);

/** The rule of one method, if it is public. */
export function ruleOf(service: DescService, methodName: string): Rule | undefined {
  return RULES_BY_PATH.get(`/${service.typeName}/${methodName}`);
}

/** True when the caller's role may call the rule's RPC at all (ownership is checked later, by the service). */
export function roleAllowed(rule: Rule, identity: Identity): boolean {
  return identity.role === "owner" ? rule.owner : rule.staff.includes(identity.role);
}
