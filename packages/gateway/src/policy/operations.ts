import type { DescMethod, DescService } from "@bufbuild/protobuf";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { DEMO_RULES, OWNER_RULES, type Rule, VETERINARY_RULES } from "@vetmesh/kit/auth";
import type { Config } from "../config.ts";
import type { PolicyName } from "../domain/rate-policy.ts";
import type { PetsCache } from "../resilience/pets-cache.ts";
import { normaliseRef } from "../resilience/pets-cache.ts";

/** An RPC request or response as the gateway handles it: a plain protobuf-es object. */
type Message = Record<string, unknown>;

/** Which configured deadline an operation runs under (TIMEOUT_DEFAULT_MS, TIMEOUT_REMOVE_DATA_MS, TIMEOUT_TEST_MS). */
export type DeadlineName = "default" | "removeData" | "test";

/** The owners' pet-list cache keys a write makes stale, from its request and (when it answered) its response. */
export interface PetsInvalidation {
  keys(req: Message, res?: Message): string[];
  /** Also invalidate before the call (remove-data hides the owner at once). */
  atStart: boolean;
}

/** Everything the edge decides about one public operation, whichever way (REST or Connect) it is called. */
export interface OperationPolicy {
  /** Who may call it (the kit's RPC row; the service enforces the same one). */
  rule: Rule;
  /** The rate-limit bucket it is charged to. */
  policy: PolicyName;
  deadline: DeadlineName;
  /** Request fields, in order, whose first non-empty value is the balancer's routing key. */
  routedBy: readonly string[];
  invalidates?: PetsInvalidation;
}

const OWNER_KEY = ["ownerRef", "email"] as const;
const PET_KEY = ["petId", "appointmentId"] as const;
const ANY_INSTANCE: readonly string[] = [];

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const ownerRef = (req: Message): string => str(req.ownerRef);

function op(
  rule: Rule,
  policy: PolicyName,
  routedBy: readonly string[],
  extra: Partial<OperationPolicy> = {},
): OperationPolicy {
  return { rule, policy, deadline: "default", routedBy, ...extra };
}

/**
 * The owner service's public operations. Typed over the generated service,
 * so a new RPC does not compile without a row: the REST routes and the
 * Connect pass-through both read their limits, deadline, routing and
 * invalidations from here.
 */
export const OWNER_OPERATIONS: Record<keyof (typeof OwnerService)["method"], OperationPolicy> = {
  registerOwner: op(OWNER_RULES.registerOwner, "write", OWNER_KEY),
  registerPet: op(OWNER_RULES.registerPet, "write", OWNER_KEY, {
    invalidates: {
      keys: (req, res) => [ownerRef(req), str((res?.pet as Message | undefined)?.ownerId)],
      atStart: false,
    },
  }),
  listPets: op(OWNER_RULES.listPets, "read", OWNER_KEY),
  removeOwnerData: op(OWNER_RULES.removeOwnerData, "write", OWNER_KEY, {
    deadline: "removeData",
    invalidates: {
      keys: (req, res) => [ownerRef(req), str(res?.ownerId), str(res?.ownerEmail)],
      atStart: true,
    },
  }),
};

/** See {@link OWNER_OPERATIONS}. Scheduling operations have no routing key: any instance answers. */
export const VETERINARY_OPERATIONS: Record<keyof (typeof VeterinaryService)["method"], OperationPolicy> = {
  makeAppointment: op(VETERINARY_RULES.makeAppointment, "write", PET_KEY),
  endAppointment: op(VETERINARY_RULES.endAppointment, "write", PET_KEY),
  cancelAppointment: op(VETERINARY_RULES.cancelAppointment, "write", PET_KEY),
  listAppointments: op(VETERINARY_RULES.listAppointments, "read", PET_KEY),
  listRecords: op(VETERINARY_RULES.listRecords, "read", PET_KEY),
  recordVaccination: op(VETERINARY_RULES.recordVaccination, "write", PET_KEY),
  listVaccinations: op(VETERINARY_RULES.listVaccinations, "read", PET_KEY),
  listReminders: op(VETERINARY_RULES.listReminders, "read", PET_KEY),
  findFreeSlots: op(VETERINARY_RULES.findFreeSlots, "read", ANY_INSTANCE),
  listVets: op(VETERINARY_RULES.listVets, "read", ANY_INSTANCE),
  listAppointmentTypes: op(VETERINARY_RULES.listAppointmentTypes, "read", ANY_INSTANCE),
  createVet: op(VETERINARY_RULES.createVet, "write", ANY_INSTANCE),
  setWorkingHours: op(VETERINARY_RULES.setWorkingHours, "write", ANY_INSTANCE),
  listScheduleExceptions: op(VETERINARY_RULES.listScheduleExceptions, "read", ANY_INSTANCE),
  addScheduleException: op(VETERINARY_RULES.addScheduleException, "write", ANY_INSTANCE),
  removeScheduleException: op(VETERINARY_RULES.removeScheduleException, "write", ANY_INSTANCE),
};

/** The demonstration operations behind /api/test/* (REST only; never passed through). */
export const DEMO_OPERATIONS: Record<keyof (typeof DemoService)["method"], OperationPolicy> = {
  slow: op(DEMO_RULES.slow, "read", ANY_INSTANCE, { deadline: "test" }),
  ping: op(DEMO_RULES.ping, "test", ANY_INSTANCE),
  fail: op(DEMO_RULES.fail, "read", ANY_INSTANCE),
  // A server stream no REST route calls; a row so the table stays total.
  ticks: op(DEMO_RULES.ticks, "read", ANY_INSTANCE),
};

const BY_SERVICE = new Map<string, Readonly<Record<string, OperationPolicy>>>([
  [OwnerService.typeName, OWNER_OPERATIONS],
  [VeterinaryService.typeName, VETERINARY_OPERATIONS],
  [DemoService.typeName, DEMO_OPERATIONS],
]);

/** The row of one RPC of a public service (the pass-through's lookup); undefined for anything else. */
export function operationOf(service: DescService, method: DescMethod): OperationPolicy | undefined {
  return BY_SERVICE.get(service.typeName)?.[method.localName];
}

/** The configured milliseconds of an operation's deadline. */
export function deadlineMs(config: Config, operation: OperationPolicy): number {
  if (operation.deadline === "removeData") return config.TIMEOUT_REMOVE_DATA_MS;
  if (operation.deadline === "test") return config.TIMEOUT_TEST_MS;
  return config.TIMEOUT_DEFAULT_MS;
}

/** The routing key of a request: its first non-empty routing field, normalised as the cache keys are. */
export function routingKeyOf(operation: OperationPolicy, req: Message): string | undefined {
  for (const field of operation.routedBy) {
    const value = req[field];
    if (typeof value === "string" && value !== "") return normaliseRef(value);
  }
  return undefined;
}

/**
 * Runs a call under its operation's cache invalidations: before it when the
 * row says so, after it with what it answered, and after a failure too (the
 * write may have happened although the answer was lost).
 */
export async function withInvalidations<Res extends object>(
  cache: PetsCache,
  operation: OperationPolicy,
  req: Message,
  call: () => Promise<Res>,
): Promise<Res> {
  const invalidation = operation.invalidates;
  if (!invalidation) return call();
  if (invalidation.atStart) await cache.invalidate(invalidation.keys(req));
  try {
    const res = await call();
    await cache.invalidate(invalidation.keys(req, res as Message));
    return res;
  } catch (error) {
    await cache.invalidate(invalidation.keys(req));
    throw error;
  }
}
