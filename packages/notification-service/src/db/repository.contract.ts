import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import type { NewMessage } from "../domain/outbox-transitions.ts";
import type { OutboxRepository } from "./repository.ts";

const T0 = 1_790_000_000_000;
const LEASE = 30_000;

function message(key: string, recipient = "ann@example.com"): NewMessage {
  return {
    id: `id-${key}`,
    idempotencyKey: key,
    recipient,
    subject: `subject ${key}`,
    text: "text body",
    html: "<p>html body</p>",
    messageId: `<${key}@vetmesh.test>`,
    now: T0,
  };
}

/**
 * The behaviour every OutboxRepository must have, run against SQLite always
 * and SQL Server when MSSQL_URL is set. `open` returns an empty outbox.
 */
export function repositoryContract(name: string, open: () => Promise<OutboxRepository>): void {
  describe(name, () => {
    let repo: OutboxRepository;
    beforeEach(async () => {
      repo = await open();
    });
    afterEach(async () => {
      await repo.close();
    });

    test("enqueue stores a key once and answers created=false the second time", async () => {
      const first = await repo.enqueue(message("k1"));
      const second = await repo.enqueue({ ...message("k1"), id: "id-other", subject: "changed" });
      expect(first.created).toBe(true);
      expect(second.created).toBe(false);
      expect(second.message.id).toBe("id-k1");
      expect(second.message.subject).toBe("subject k1");
      expect(first.message).toMatchObject({
        state: "pending",
        attempts: 0,
        nextAttemptAt: T0,
        createdAt: T0,
        sentAt: null,
      });
    });

    test("a claim leases a due message to one holder until the lease expires", async () => {
      await repo.enqueue(message("k1"));
      const [claimed] = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 5 });
      expect(claimed).toMatchObject({ id: "id-k1", attempts: 1, leaseOwner: "a", leaseUntil: T0 + LEASE });
      expect(claimed?.leaseToken).toHaveLength(36);
      expect(await repo.claimDue({ owner: "b", now: T0 + LEASE - 1, leaseMs: LEASE, limit: 5 })).toEqual([]);
      const [again] = await repo.claimDue({ owner: "b", now: T0 + LEASE, leaseMs: LEASE, limit: 5 });
      expect(again).toMatchObject({ id: "id-k1", attempts: 2, leaseOwner: "b" });
      expect(again?.leaseToken).not.toBe(claimed?.leaseToken);
      // The first holder lost its lease: its failure report is refused.
      const stale = await repo.markFailed("id-k1", claimed!.leaseToken, {
        kind: "dead",
        error: "x",
        now: T0 + LEASE,
      });
      expect(stale).toBe(false);
      expect((await repo.get("id-k1"))?.state).toBe("pending");
    });

    test("a claim respects next_attempt_at and the limit, oldest first", async () => {
      await repo.enqueue(message("k1"));
      await repo.enqueue({ ...message("k2"), now: T0 + 10 });
      await repo.enqueue({ ...message("k3"), now: T0 + 20 });
      expect(await repo.claimDue({ owner: "a", now: T0 - 1, leaseMs: LEASE, limit: 5 })).toEqual([]);
      const claimed = await repo.claimDue({ owner: "a", now: T0 + 20, leaseMs: LEASE, limit: 2 });
      expect(claimed.map((m) => m.id)).toEqual(["id-k1", "id-k2"]);
    });

    test("markSent records delivery once; a second report says it was already sent", async () => {
      await repo.enqueue(message("k1"));
      const [claimed] = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 1 });
      expect(await repo.markSent("id-k1", claimed!.leaseToken, T0 + 5)).toBe(true);
      expect(await repo.markSent("id-k1", claimed!.leaseToken, T0 + 6)).toBe(false);
      expect(await repo.get("id-k1")).toMatchObject({
        state: "sent",
        sentAt: T0 + 5,
        leaseOwner: null,
        leaseUntil: null,
      });
      expect(await repo.claimDue({ owner: "a", now: T0 + LEASE * 2, leaseMs: LEASE, limit: 1 })).toEqual([]);
    });

    test("a failed attempt is retried at next_attempt_at; dead letters are listed and retried", async () => {
      await repo.enqueue(message("k1"));
      const [first] = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 1 });
      const retry = {
        kind: "retry" as const,
        nextAttemptAt: T0 + 1000,
        error: "ECONNECTION: refused",
        now: T0 + 1,
      };
      expect(await repo.markFailed("id-k1", first!.leaseToken, retry)).toBe(true);
      expect(await repo.get("id-k1")).toMatchObject({
        state: "pending",
        attempts: 1,
        nextAttemptAt: T0 + 1000,
        lastError: "ECONNECTION: refused",
        leaseUntil: null,
      });
      expect(await repo.claimDue({ owner: "a", now: T0 + 999, leaseMs: LEASE, limit: 1 })).toEqual([]);
      const [second] = await repo.claimDue({ owner: "a", now: T0 + 1000, leaseMs: LEASE, limit: 1 });
      expect(
        await repo.markFailed("id-k1", second!.leaseToken, {
          kind: "dead",
          error: "550 no such user",
          now: T0 + 1001,
        }),
      ).toBe(true);
      const dead = await repo.listDead(10);
      expect(dead.map((m) => [m.id, m.state, m.attempts, m.lastError])).toEqual([
        ["id-k1", "dead", 2, "550 no such user"],
      ]);
      expect(await repo.retryDead("id-k1", T0 + 2000)).toMatchObject({
        state: "pending",
        attempts: 0,
        nextAttemptAt: T0 + 2000,
      });
      expect(await repo.retryDead("id-k1", T0 + 3000)).toMatchObject({
        state: "pending",
        attempts: 0,
        nextAttemptAt: T0 + 2000,
      });
      expect(await repo.listDead(10)).toEqual([]);
      expect(await repo.retryDead("missing", T0)).toBeUndefined();
    });

    test("cancelPending cancels the recipient's pending and dead messages, idempotently per saga", async () => {
      await repo.enqueue(message("k1"));
      await repo.enqueue(message("k2"));
      await repo.enqueue(message("k3"));
      await repo.enqueue(message("other", "bob@example.com"));
      const claimed = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 4 });
      const k2 = claimed.find((m) => m.id === "id-k2")!;
      const k3 = claimed.find((m) => m.id === "id-k3")!;
      await repo.markFailed("id-k2", k2.leaseToken, { kind: "dead", error: "x", now: T0 });
      await repo.markSent("id-k3", k3.leaseToken, T0);
      expect(await repo.cancelPending("ann@example.com", "saga-1", T0 + 1)).toBe(2);
      expect(await repo.cancelPending("ann@example.com", "saga-1", T0 + 2)).toBe(2);
      expect(await repo.cancelPending("ann@example.com", "saga-2", T0 + 3)).toBe(0);
      expect(await repo.get("id-k1")).toMatchObject({ state: "cancelled", cancelledBy: "saga-1" });
      expect((await repo.get("id-k3"))?.state).toBe("sent");
      expect((await repo.get("id-other"))?.state).toBe("pending");
      expect(await repo.claimDue({ owner: "a", now: T0 + LEASE * 3, leaseMs: LEASE, limit: 9 })).toHaveLength(
        1,
      );
    });

    test("cancelPending erases the personal data of every message to the recipient, sent ones too, and only theirs", async () => {
      await repo.enqueue(message("k1"));
      await repo.enqueue(message("k2"));
      await repo.enqueue(message("other", "bob@example.com"));
      const claimed = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 3 });
      await repo.markSent("id-k2", claimed.find((m) => m.id === "id-k2")!.leaseToken, T0);
      expect(await repo.cancelPending("ann@example.com", "saga-1", T0 + 1)).toBe(1);
      for (const [id, state] of [
        ["id-k1", "cancelled"],
        ["id-k2", "sent"],
      ] as const) {
        expect(await repo.get(id)).toMatchObject({
          state,
          idempotencyKey: id.slice(3),
          recipient: "",
          subject: "",
          textBody: "",
          htmlBody: "",
          lastError: null,
        });
      }
      expect(await repo.get("id-other")).toMatchObject({
        recipient: "bob@example.com",
        subject: "subject other",
      });
      // The idempotency key still holds: the same key does not store (or send) a second message.
      expect((await repo.enqueue(message("k2"))).created).toBe(false);
    });

    test("a send that completes after a cancellation is still recorded as sent (it was)", async () => {
      await repo.enqueue(message("k1"));
      const [claimed] = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 1 });
      expect(await repo.cancelPending("ann@example.com", "saga-1", T0 + 1)).toBe(1);
      expect(await repo.markSent("id-k1", claimed!.leaseToken, T0 + 2)).toBe(true);
      expect((await repo.get("id-k1"))?.state).toBe("sent");
    });

    test("backlog counts pending (waiting or leased) and dead messages, not sent or cancelled ones", async () => {
      expect(await repo.backlog()).toEqual({ pending: 0, dead: 0 });
      for (const key of ["b1", "b2", "b3", "b4"]) await repo.enqueue(message(key));
      await repo.enqueue(message("b5", "bob@example.com"));
      const [first, second, third] = await repo.claimDue({ owner: "a", now: T0, leaseMs: LEASE, limit: 3 });
      expect(await repo.markSent(first!.id, first!.leaseToken, T0 + 1)).toBe(true);
      expect(
        await repo.markFailed(second!.id, second!.leaseToken, { kind: "dead", error: "550", now: T0 + 1 }),
      ).toBe(true);
      expect(third).toBeDefined(); // still leased: pending
      await repo.cancelPending("bob@example.com", "saga-b", T0 + 2);
      expect(await repo.backlog()).toEqual({ pending: 2, dead: 1 });
    });

    test("health answers null while the database answers", async () => {
      expect(await repo.health()).toBeNull();
    });
  });
}
