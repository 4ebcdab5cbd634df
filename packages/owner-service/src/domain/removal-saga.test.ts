import { afterEach, describe, expect, test } from "bun:test";
import { createClient } from "@connectrpc/connect";
import { OwnerService, RemovalState } from "@vetmesh/contracts/owner/v1/owner";
import { openRepository } from "../db/open-repository.ts";
import { createOwnerHarness } from "../testing/harness.ts";
import type { SagaRecord } from "./records.ts";

/** Saga behaviour in process: retries, resume from the log, takeover of an abandoned lease. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(20);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe("removal saga", () => {
  test("retries with backoff while a participant is down, recording attempts and the error", async () => {
    const h = await createOwnerHarness();
    cleanups.push(() => h.close());
    const client = createClient(OwnerService, h.transport);
    await client.registerOwner({ email: "retry@example.org" });
    h.participants.state.notificationDown = true;
    const res = await client.removeOwnerData({ ownerRef: "retry@example.org" }, { timeoutMs: 500 });
    expect(res.state).toBe(RemovalState.IN_PROGRESS);
    const saga = await h.app.repository.findSaga(res.sagaId);
    expect(saga?.step).toBe("cancel_notifications");
    expect(saga?.attempts).toBeGreaterThanOrEqual(2);
    expect(saga?.lastError).toContain("notification down");
    // No pets: the veterinary call is skipped, the notification one is retried until it succeeds.
    expect(h.participants.state.erasePets).toEqual([]);
    h.participants.state.notificationDown = false;
    await until(async () => (await h.app.repository.findSaga(res.sagaId))?.step === "done", 2_000);
    expect(h.participants.state.cancelPending).toEqual([
      { sagaId: res.sagaId, recipient: "retry@example.org" },
    ]);
  });

  test("a restarted service resumes an unfinished saga from its log", async () => {
    const first = await createOwnerHarness();
    const client = createClient(OwnerService, first.transport);
    const { owner } = await client.registerOwner({ email: "resume@example.org" });
    const { pet } = await client.registerPet({
      ownerRef: owner?.id ?? "",
      type: "Dog",
      race: "",
      name: "Rex",
    });
    first.participants.state.veterinaryDown = true;
    const res = await client.removeOwnerData({ ownerRef: owner?.id ?? "" }, { timeoutMs: 300 });
    expect(res.state).toBe(RemovalState.IN_PROGRESS);
    await first.app.close(); // the "process" stops; the saga is still at erase_veterinary in the log
    const second = await createOwnerHarness({ databaseUrl: first.options.databaseUrl });
    cleanups.push(() => second.close());
    await until(async () => (await second.app.repository.findSaga(res.sagaId))?.step === "done", 3_000);
    expect(second.participants.state.erasePets).toEqual([{ sagaId: res.sagaId, petIds: [pet?.id ?? ""] }]);
    expect(second.participants.state.cancelPending).toEqual([
      { sagaId: res.sagaId, recipient: "resume@example.org" },
    ]);
    expect(await second.app.repository.findOwnerById(owner?.id ?? "")).toBeUndefined();
    expect(await second.app.repository.findPet(pet?.id ?? "")).toBeUndefined();
  });

  test("a saga leased by a crashed peer is taken over once its lease expires", async () => {
    const h = await createOwnerHarness();
    cleanups.push(() => h.close());
    const client = createClient(OwnerService, h.transport);
    const { owner } = await client.registerOwner({ email: "orphan@example.org" });
    // A peer that died mid-saga: its row says it holds the lease for 600 ms more.
    const repo = await openRepository(h.options.databaseUrl);
    cleanups.push(() => repo.close());
    const now = Date.now();
    const saga: SagaRecord = {
      id: crypto.randomUUID(),
      ownerId: owner?.id ?? "",
      ownerEmail: owner?.email ?? "",
      step: "cancel_notifications",
      attempts: 0,
      lastError: null,
      leaseOwner: "owner-dead-peer",
      leaseUntil: now + 600,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
    };
    expect(await repo.startRemoval(saga)).toBe(true);
    await Bun.sleep(300);
    expect((await repo.findSaga(saga.id))?.step).toBe("cancel_notifications");
    await until(async () => (await repo.findSaga(saga.id))?.step === "done", 3_000);
    expect(h.participants.state.cancelPending).toEqual([
      { sagaId: saga.id, recipient: "orphan@example.org" },
    ]);
    expect(h.participants.state.erasePets).toEqual([]);
  });

  test("two concurrent removals of one owner share one saga", async () => {
    const h = await createOwnerHarness();
    cleanups.push(() => h.close());
    const client = createClient(OwnerService, h.transport);
    await client.registerOwner({ email: "twice@example.org" });
    h.participants.state.veterinaryDown = true;
    await client.registerPet({ ownerRef: "twice@example.org", type: "Dog", race: "", name: "Rex" });
    const [a, b] = await Promise.all([
      client.removeOwnerData({ ownerRef: "twice@example.org" }, { timeoutMs: 300 }),
      client.removeOwnerData({ ownerRef: "TWICE@example.org" }, { timeoutMs: 300 }),
    ]);
    expect(a.sagaId).toBe(b.sagaId);
    expect([a.state, b.state]).toEqual([RemovalState.IN_PROGRESS, RemovalState.IN_PROGRESS]);
    h.participants.state.veterinaryDown = false;
    const done = await client.removeOwnerData({ ownerRef: "twice@example.org" }, { timeoutMs: 3_000 });
    expect(done).toMatchObject({ sagaId: a.sagaId, state: RemovalState.COMPLETED });
    expect(h.participants.state.erasePets.map((call) => call.sagaId)).toEqual([a.sagaId]);
  });
});
