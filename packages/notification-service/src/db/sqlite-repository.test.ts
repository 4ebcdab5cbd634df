import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openOutboxRepository } from "./open-repository.ts";
import { repositoryContract } from "./repository.contract.ts";

const dir = mkdtempSync(join(tmpdir(), "notification-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

repositoryContract("outbox repository contract on SQLite (:memory:)", () =>
  openOutboxRepository("sqlite::memory:"),
);

let counter = 0;
repositoryContract("outbox repository contract on SQLite (WAL file)", () =>
  openOutboxRepository(`sqlite:${join(dir, `contract-${++counter}.db`)}`),
);

describe("SQLite outbox shared by two connections", () => {
  test("interleaved claims from two connections lease each message exactly once", async () => {
    const url = `sqlite:${join(dir, "shared.db")}`;
    const a = await openOutboxRepository(url);
    const b = await openOutboxRepository(url);
    const now = 1_790_000_000_000;
    for (let i = 0; i < 30; i++) {
      await a.enqueue({
        id: `m${i}`,
        idempotencyKey: `key-${i}`,
        recipient: "ann@example.com",
        subject: "s",
        text: "t",
        html: "",
        messageId: `<${i}@x>`,
        now,
      });
    }
    const seen: string[] = [];
    for (let round = 0; round < 40; round++) {
      const [fromA, fromB] = await Promise.all([
        a.claimDue({ owner: "a", now, leaseMs: 60_000, limit: 1 }),
        b.claimDue({ owner: "b", now, leaseMs: 60_000, limit: 1 }),
      ]);
      seen.push(...fromA.map((m) => m.id), ...fromB.map((m) => m.id));
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    await a.close();
    await b.close();
  });
});
