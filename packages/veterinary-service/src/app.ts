import type { ConnectRouter, ServiceImpl, Transport } from "@connectrpc/connect";
import { VeterinaryInternalService, VeterinaryService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createLogger, type HealthCheck, type KitMetrics, type Logger } from "@vetmesh/kit";
import { openRepository } from "./db/open-repository.ts";
import type { RepositoryFaults, VeterinaryRepository } from "./db/repository.ts";
import {
  type AppointmentTypes,
  DEFAULT_APPOINTMENT_TYPES,
  parseAppointmentTypes,
} from "./domain/appointment-types.ts";
import { DAY_MS } from "./domain/instants.ts";
import {
  DEFAULT_REMINDER_OFFSETS,
  parseReminderOffsets,
  type StageOffset,
} from "./domain/reminder-stages.ts";
import {
  DEFAULT_VACCINE_INTERVALS,
  parseVaccineIntervals,
  type VaccineIntervals,
} from "./domain/vaccine-intervals.ts";
import {
  type AppointmentReminderScanner,
  createAppointmentReminderScanner,
} from "./reminders/appointment-scanner.ts";
import { createReminderMetrics } from "./reminders/metrics.ts";
import { createReminderScanner, type ReminderScanner } from "./reminders/scanner.ts";
import { createPetLookup } from "./rpc/owner-lookup.ts";
import { createScheduleService } from "./rpc/schedule-service.ts";
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
  /** IANA zone of the clinic (CLINIC_TIME_ZONE); default UTC. */
  clinicTimeZone?: string;
  /** Appointment types and default lengths (APPOINTMENT_TYPES); default consultation 20, vaccination 10, surgery 90. */
  appointmentTypes?: AppointmentTypes;
  /** Free slots are offered every this many minutes (SLOT_STEP_MINUTES); default 10. */
  slotStepMinutes?: number;
  ownerTimeoutMs?: number;
  /** Test seam: faults injected inside repository transactions. */
  faults?: RepositoryFaults;
  /** Name this replica claims reminders under. */
  instanceId?: string;
  /** Reminder stages; default upcoming -14d, due 0d, overdue +7d. */
  reminderOffsets?: readonly StageOffset[];
  /** Reminder scanner tuning; the loop only runs when scanIntervalMs > 0 and a notification transport is given. */
  reminders?: Partial<ReminderTuning>;
  /** The process registry (the one given to runService), so /metrics shows the scanner's series. */
  metrics?: KitMetrics;
}

/** How the reminder scanner runs. */
export interface ReminderTuning {
  scanIntervalMs: number;
  leaseMs: number;
  retryMs: number;
  maxAttempts: number;
  batchSize: number;
  clinicName: string;
  notificationTimeoutMs: number;
}

const DEFAULT_TUNING: ReminderTuning = {
  scanIntervalMs: 0,
  leaseMs: 60_000,
  retryMs: 30_000,
  maxAttempts: 10,
  batchSize: 50,
  clinicName: "vetmesh veterinary clinic",
  notificationTimeoutMs: 5000,
};

/** The built service: what runService needs, plus the repository for tests. */
export interface VeterinaryApp {
  routes(router: ConnectRouter): void;
  health: HealthCheck;
  repository: VeterinaryRepository;
  /** Present when a notification transport was given; tests call scanner.scanOnce() after moving the clock. */
  scanner?: ReminderScanner;
  /** The appointment reminders' scanner (24 h before), beside the vaccination one; same knobs. */
  appointmentScanner?: AppointmentReminderScanner;
  close(): Promise<void>;
}

function defaultOffsets(): StageOffset[] {
  const parsed = parseReminderOffsets(DEFAULT_REMINDER_OFFSETS);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

function defaultTypes(): AppointmentTypes {
  const parsed = parseAppointmentTypes(DEFAULT_APPOINTMENT_TYPES);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

function defaultIntervals(): VaccineIntervals {
  const parsed = parseVaccineIntervals(DEFAULT_VACCINE_INTERVALS);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

/**
 * Builds the veterinary service without listening: opens and migrates the
 * database, wires the RPCs to the repository and the owner lookup, and
 * starts the reminder scanner when configured to.
 */
export async function createVeterinaryApp(options: VeterinaryAppOptions): Promise<VeterinaryApp> {
  const logger = options.logger ?? createLogger({ level: "silent" });
  const clock = options.clock ?? (() => new Date());
  const repository = await openRepository(options.databaseUrl, options.faults);
  const pets = createPetLookup(options.ownerTransport, { timeoutMs: options.ownerTimeoutMs ?? 2000 });
  const newId = options.newId ?? (() => crypto.randomUUID());
  const clinicTimeZone = options.clinicTimeZone ?? "UTC";
  const appointmentTypes = options.appointmentTypes ?? defaultTypes();
  const defaultDurationMinutes = options.defaultAppointmentMinutes ?? 30;
  const service = createVeterinaryService({
    repository,
    pets,
    clock,
    newId,
    intervals: options.intervals ?? defaultIntervals(),
    defaultIntervalDays: options.defaultIntervalDays,
    windows: {
      dueSoonMs: (options.dueSoonDays ?? 14) * DAY_MS,
      graceMs: (options.dueGraceDays ?? 7) * DAY_MS,
    },
    defaultDurationMinutes,
    reminderOffsets: options.reminderOffsets ?? defaultOffsets(),
    clinicTimeZone,
    appointmentTypes,
  });
  const schedule = createScheduleService({
    repository,
    clock,
    newId: options.newId ?? (() => Bun.randomUUIDv7()),
    clinicTimeZone,
    appointmentTypes,
    defaultDurationMinutes,
    slotStepMinutes: options.slotStepMinutes ?? 10,
  });
  // Both halves together: the compiler checks that no VeterinaryService method is missing.
  const veterinary: ServiceImpl<typeof VeterinaryService> = { ...service, ...schedule };
  const tuning = { ...DEFAULT_TUNING, ...options.reminders };
  const scanner = options.notificationTransport
    ? createReminderScanner({
        ...tuning,
        repository,
        pets,
        notificationTransport: options.notificationTransport,
        clock,
        instanceId: options.instanceId ?? `veterinary-${crypto.randomUUID()}`,
        logger,
        metrics: options.metrics ? createReminderMetrics(options.metrics.registry) : undefined,
      })
    : undefined;
  scanner?.start(tuning.scanIntervalMs);
  const appointmentScanner = options.notificationTransport
    ? createAppointmentReminderScanner({
        ...tuning,
        repository,
        pets,
        notificationTransport: options.notificationTransport,
        clock,
        instanceId: options.instanceId ?? `veterinary-${crypto.randomUUID()}`,
        clinicTimeZone,
        logger,
      })
    : undefined;
  appointmentScanner?.start(tuning.scanIntervalMs);
  const internal = createVeterinaryInternalService({ repository, clock, logger });
  return {
    routes(router) {
      router.service(VeterinaryService, veterinary);
      router.service(VeterinaryInternalService, internal);
    },
    health: () => repository.health(),
    repository,
    scanner,
    appointmentScanner,
    async close() {
      await scanner?.stop();
      await appointmentScanner?.stop();
      await repository.close();
    },
  };
}
