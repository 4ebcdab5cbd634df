import type { ConnectRouter, Transport } from "@connectrpc/connect";
import { VeterinaryInternalService, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createLogger, type HealthCheck, type Logger } from "@vetmesh/kit";
import { openRepository } from "./db/open-repository.ts";
import type { RepositoryFaults, VeterinaryRepository } from "./db/repository.ts";
import { DAY_MS } from "./domain/instants.ts";
import {
  DEFAULT_VACCINE_INTERVALS,
  parseVaccineIntervals,
  type VaccineIntervals,
} from "./domain/vaccine-intervals.ts";
import { createPetLookup } from "./rpc/owner-lookup.ts";
import { createVeterinaryInternalService } from "./rpc/veterinary-internal-service.ts";
import { createVeterinaryService } from "./rpc/veterinary-service.ts";

/** What the veterinary service needs to be built; transports come from the balancer (or a test). */
export interface VeterinaryAppOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `mssql://…`. */
  databaseUrl: string;
  /** Reaches OwnerInternalService (GetPet). */
  ownerTransport: Transport;
  /** Reaches NotificationService (EnqueueEmail) for reminders. */
  notificationTransport?: Transport;
  /** Injectable clock so tests move time instead of sleeping. */
  clock?: () => Date;
  newId?: () => string;
  logger?: Logger;
  intervals?: VaccineIntervals;
  defaultIntervalDays?: number;
  dueSoonDays?: number;
  dueGraceDays?: number;
  defaultAppointmentMinutes?: number;
  ownerTimeoutMs?: number;
  /** Test seam: faults injected inside repository transactions. */
  faults?: RepositoryFaults;
}

/** The built service: what runService needs, plus the repository for tests. */
export interface VeterinaryApp {
  routes(router: ConnectRouter): void;
  health: HealthCheck;
  repository: VeterinaryRepository;
  close(): Promise<void>;
}

function defaultIntervals(): VaccineIntervals {
  const parsed = parseVaccineIntervals(DEFAULT_VACCINE_INTERVALS);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

/**
 * Builds the veterinary service without listening: opens and migrates the
 * database and wires the RPCs to the repository and the owner lookup.
 */
export async function createVeterinaryApp(options: VeterinaryAppOptions): Promise<VeterinaryApp> {
  const logger = options.logger ?? createLogger({ level: "silent" });
  const clock = options.clock ?? (() => new Date());
  const repository = await openRepository(options.databaseUrl, options.faults);
  const pets = createPetLookup(options.ownerTransport, { timeoutMs: options.ownerTimeoutMs ?? 2000 });
  const service = createVeterinaryService({
    repository,
    pets,
    clock,
    newId: options.newId ?? (() => crypto.randomUUID()),
    intervals: options.intervals ?? defaultIntervals(),
    defaultIntervalDays: options.defaultIntervalDays,
    windows: {
      dueSoonMs: (options.dueSoonDays ?? 14) * DAY_MS,
      graceMs: (options.dueGraceDays ?? 7) * DAY_MS,
    },
    defaultDurationMinutes: options.defaultAppointmentMinutes ?? 30,
  });
  const internal = createVeterinaryInternalService({ repository, logger });
  return {
    routes(router) {
      router.service(VeterinaryService, service);
      router.service(VeterinaryInternalService, internal);
    },
    health: () => repository.health(),
    repository,
    async close() {
      await repository.close();
    },
  };
}
