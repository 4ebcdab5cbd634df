import type { Logger, RunInSpan } from "@vetmesh/kit";
import { notFound } from "@vetmesh/kit";
import type { OwnerRepository } from "../db/repository.ts";
import type { Clock, Owners } from "./owners.ts";
import type { SagaRecord } from "./records.ts";
import type { SagaMetrics } from "./saga-metrics.ts";
import { parseOwnerRef } from "./validation.ts";

/**
 * The other services' side of the saga. Both calls are idempotent and carry
 * the saga id, so a retry after a timeout or a crash is harmless.
 */
export interface SagaParticipants {
  /** Veterinary: erase appointments, records, vaccinations and reminders of these pets. */
  erasePets(sagaId: string, petIds: string[], signal: AbortSignal): Promise<void>;
  /** Notification: cancel every pending message to this address. */
  cancelPending(sagaId: string, recipient: string, signal: AbortSignal): Promise<void>;
}

/** Pet ids per ErasePets call. */
export const ERASE_BATCH = 500;

/** Tuning of the saga driver; defaults suit production, tests shorten them. */
export interface SagaTiming {
  /** How long a process owns a saga without renewing; a crashed owner's saga is taken over after it. */
  leaseMs: number;
  /** First and largest pause between failed attempts (exponential, with jitter). */
  retryMinMs: number;
  retryMaxMs: number;
  /** How often unfinished sagas whose lease expired are looked for (crashed peers). */
  sweepIntervalMs: number;
}

/** A started or joined saga and its owner. */
export interface RemovalOutcome {
  saga: SagaRecord;
  completed: boolean;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done);
  });

/**
 * The owner-removal saga coordinator. Hiding the owner commits with the first
 * log row; each later step is an idempotent participant call followed by a
 * compare-and-set of the logged step, so a crash anywhere resumes from the
 * log (at start, or by a peer after the lease expires) and never runs a step
 * backwards. Participants that fail are retried with capped exponential backoff.
 */
export function createRemovalSaga(deps: {
  repo: OwnerRepository;
  owners: Owners;
  participants: SagaParticipants;
  logger: Logger;
  instanceId: string;
  timing: SagaTiming;
  clock: Clock;
  metrics?: SagaMetrics;
  /** Wraps each step attempt in a span `removal-saga <step>` (tracing on); default: no span. */
  inSpan?: RunInSpan;
}) {
  const { repo, participants, logger, timing, clock } = deps;
  const inSpan: RunInSpan = deps.inSpan ?? ((_name, _attributes, fn) => fn());
  const stop = new AbortController();
  const running = new Map<string, Promise<void>>();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  /** Runs the current step once; throws when a participant fails. */
  const runStep = async (saga: SagaRecord) => {
    const now = () => clock.now();
    switch (saga.step) {
      case "erase_veterinary": {
        const petIds = (await repo.listPets(saga.ownerId)).map((pet) => pet.id);
        // Chunked: the veterinary side caps one call's pet ids (and a huge request would outlive its deadline).
        for (let i = 0; i < petIds.length; i += ERASE_BATCH) {
          await participants.erasePets(saga.id, petIds.slice(i, i + ERASE_BATCH), stop.signal);
        }
        await repo.advanceSaga(saga.id, "erase_veterinary", "cancel_notifications", now());
        return;
      }
      case "cancel_notifications":
        await participants.cancelPending(saga.id, saga.ownerEmail, stop.signal);
        await repo.advanceSaga(saga.id, "cancel_notifications", "erase_owner", now());
        return;
      case "erase_owner":
        await repo.finishRemoval(saga.id, saga.ownerId, now());
        deps.metrics?.completed.inc();
        logger.info("owner removed", { sagaId: saga.id, ownerId: saga.ownerId });
        return;
      case "done":
        return;
    }
  };

  /** Drives one saga to the end while this process holds its lease. */
  const loop = async (id: string) => {
    let delay = timing.retryMinMs;
    while (!stop.signal.aborted) {
      const now = clock.now();
      if (!(await repo.claimSaga(id, deps.instanceId, now, now + timing.leaseMs))) return;
      const saga = await repo.findSaga(id);
      if (!saga || saga.step === "done") return;
      try {
        await inSpan(
          `removal-saga ${saga.step}`,
          {
            "vetmesh.saga.id": id,
            "vetmesh.saga.step": saga.step,
            "vetmesh.saga.attempt": saga.attempts + 1,
          },
          () => runStep(saga),
        );
        delay = timing.retryMinMs;
      } catch (error) {
        if (stop.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        await repo.recordSagaFailure(id, `${saga.step}: ${message}`, clock.now()).catch(() => {});
        deps.metrics?.stepFailures.inc({ step: saga.step });
        logger.warn("saga step failed; will retry", {
          sagaId: id,
          step: saga.step,
          attempt: saga.attempts + 1,
          error: message,
        });
        await sleep(delay / 2 + Math.random() * (delay / 2), stop.signal);
        delay = Math.min(delay * 2, timing.retryMaxMs);
      }
    }
  };

  /** Starts driving a saga in the background unless this process already does. */
  const drive = (id: string) => {
    if (running.has(id) || stop.signal.aborted) return;
    const task = loop(id)
      .catch((error) => logger.error("saga driver crashed; a sweep will resume it", { sagaId: id, error }))
      .finally(() => running.delete(id));
    running.set(id, task);
  };

  /** Resumes every unfinished saga this process can claim. */
  const resumeAll = async () => {
    const ids = await repo.listUnfinishedSagaIds();
    for (const id of ids) drive(id);
    if (deps.metrics) {
      // Listed oldest first: the first one's age is the stuck-saga signal.
      const oldest = ids[0] ? await repo.findSaga(ids[0]) : undefined;
      deps.metrics.unfinished.set(ids.length);
      deps.metrics.oldestAgeSeconds.set(oldest ? Math.max(0, clock.now() - oldest.createdAt) / 1000 : 0);
    }
  };

  /** Polls the log until the saga is done or `waitMs` passed (bounded in time). */
  const waitFor = async (saga: SagaRecord, waitMs: number): Promise<RemovalOutcome> => {
    const deadline = performance.now() + Math.max(0, waitMs);
    let current = saga;
    for (;;) {
      if (current.step === "done") return { saga: current, completed: true };
      const left = deadline - performance.now();
      if (left <= 0 || stop.signal.aborted) return { saga: current, completed: false };
      await sleep(Math.min(20, left), stop.signal);
      current = (await repo.findSaga(saga.id)) ?? current;
    }
  };

  return {
    /**
     * Starts the removal of the owner `rawRef` names, or joins the one in
     * flight, then waits up to `waitMs` for it to finish. NotFound when no
     * such owner exists (never did, or already removed).
     */
    async remove(rawRef: string, waitMs: number): Promise<RemovalOutcome> {
      const ref = parseOwnerRef(rawRef);
      for (let attempt = 0; attempt < 3; attempt++) {
        const owner = await deps.owners.findAny(ref);
        if (!owner) break;
        let sagaId = owner.removalSagaId;
        if (!sagaId) {
          const now = clock.now();
          const saga: SagaRecord = {
            id: clock.newId(),
            ownerId: owner.id,
            ownerEmail: owner.email,
            step: "erase_veterinary",
            attempts: 0,
            lastError: null,
            leaseOwner: null,
            leaseUntil: null,
            createdAt: now,
            updatedAt: now,
            completedAt: null,
          };
          if (!(await repo.startRemoval(saga))) continue; // another call hid it first: join that one
          deps.metrics?.started.inc();
          logger.info("removal saga started", { sagaId: saga.id, ownerId: owner.id });
          sagaId = saga.id;
        }
        const saga = await repo.findSaga(sagaId);
        if (!saga) break;
        drive(saga.id);
        const outcome = await waitFor(saga, waitMs);
        // A finished saga's row no longer holds the address; the caller still learns whose data went.
        return { ...outcome, saga: { ...outcome.saga, ownerEmail: owner.email } };
      }
      throw notFound("owner not found");
    },
    resumeAll,
    /** Resumes unfinished sagas now and then periodically (sagas of crashed peers). */
    start() {
      void resumeAll().catch((error) => logger.error("saga resume failed", { error }));
      sweeper = setInterval(() => {
        void resumeAll().catch((error) => logger.warn("saga sweep failed", { error }));
      }, timing.sweepIntervalMs);
    },
    /** Stops driving, waits for the drivers to stop, and hands leases back so a peer continues at once. */
    async close() {
      stop.abort();
      if (sweeper) clearInterval(sweeper);
      const ids = [...running.keys()];
      await Promise.allSettled(running.values());
      await Promise.allSettled(ids.map((id) => repo.releaseSaga(id, deps.instanceId)));
    },
  };
}

/** The coordinator {@link createRemovalSaga} returns. */
export type RemovalSaga = ReturnType<typeof createRemovalSaga>;
