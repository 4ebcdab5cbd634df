import { type ConnectRouter, createClient, type Transport } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { VeterinaryInternalService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createLogger, type HealthCheck, type KitMetrics, type Logger, type RunInSpan } from "@vetmesh/kit";
import { openRepository } from "./db/open-repository.ts";
import type { OwnerRepository } from "./db/repository.ts";
import { type Clock, createOwners, systemClock } from "./domain/owners.ts";
import { createRemovalSaga, type SagaParticipants, type SagaTiming } from "./domain/removal-saga.ts";
import { createSagaMetrics } from "./domain/saga-metrics.ts";
import { registerOwnerInternalService } from "./rpc/owner-internal-service.ts";
import { registerOwnerService } from "./rpc/owner-service.ts";

/** What the owner service needs to be built; transports come from the balancer (or a test). */
export interface OwnerAppOptions {
  /** `sqlite:<path>`, `sqlite::memory:` or `mssql://…`. */
  databaseUrl: string;
  /** Reaches the veterinary service (VeterinaryInternalService.ErasePets). */
  veterinaryTransport: Transport;
  /** Reaches the notification service (NotificationService.CancelPending). */
  notificationTransport: Transport;
  instanceId?: string;
  logger?: Logger;
  removalWaitMs?: number;
  callTimeoutMs?: number;
  saga?: Partial<SagaTiming>;
  clock?: Clock;
  /** Resume unfinished sagas at start and sweep for abandoned ones (default true). */
  resumeSagas?: boolean;
  /** The process registry (the one given to runService), so /metrics shows the saga's series. */
  metrics?: KitMetrics;
  /** The process tracing's span runner: each saga step attempt becomes a span. */
  inSpan?: RunInSpan;
}

/** The built service: what runService needs, plus the repository for tests. */
export interface OwnerApp {
  routes(router: ConnectRouter): void;
  health: HealthCheck;
  repository: OwnerRepository;
  close(): Promise<void>;
}

const DEFAULT_TIMING: SagaTiming = {
  leaseMs: 10_000,
  retryMinMs: 200,
  retryMaxMs: 5_000,
  sweepIntervalMs: 5_000,
};

/** Turns the two generated clients into the saga's participant interface. */
function connectParticipants(options: OwnerAppOptions, timeoutMs: number): SagaParticipants {
  const veterinary = createClient(VeterinaryInternalService, options.veterinaryTransport);
  const notification = createClient(NotificationService, options.notificationTransport);
  return {
    async erasePets(sagaId, petIds, signal) {
      await veterinary.erasePets({ sagaId, petIds }, { signal, timeoutMs });
    },
    async cancelPending(sagaId, recipient, signal) {
      await notification.cancelPending({ sagaId, recipient }, { signal, timeoutMs });
    },
  };
}

/**
 * Builds the owner service without listening: opens and migrates the
 * database, wires the use cases and the removal-saga coordinator (which
 * resumes unfinished sagas from its log), and returns the routes.
 */
export async function createOwnerApp(options: OwnerAppOptions): Promise<OwnerApp> {
  const logger = options.logger ?? createLogger({ level: "silent" });
  const instanceId = options.instanceId ?? `owner-${crypto.randomUUID()}`;
  const clock = options.clock ?? systemClock;
  const repository = await openRepository(options.databaseUrl);
  const owners = createOwners(repository, clock);
  const saga = createRemovalSaga({
    repo: repository,
    owners,
    participants: connectParticipants(options, options.callTimeoutMs ?? 3_000),
    logger,
    instanceId,
    timing: { ...DEFAULT_TIMING, ...options.saga },
    clock,
    metrics: options.metrics ? createSagaMetrics(options.metrics.registry) : undefined,
    inSpan: options.inSpan,
  });
  if (options.resumeSagas !== false) saga.start();
  const removalWaitBoundMs = options.removalWaitMs ?? 5_000;
  return {
    routes(router) {
      registerOwnerService(router, { owners, saga, removalWaitBoundMs });
      registerOwnerInternalService(router, { owners });
    },
    health: () => repository.health(),
    repository,
    async close() {
      await saga.close();
      await repository.close();
    },
  };
}
