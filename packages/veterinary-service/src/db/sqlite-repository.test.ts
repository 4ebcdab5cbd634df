import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { drizzle } from "drizzle-orm/bun-sqlite";
import { repositoryContract } from "./repository.contract.ts";
import type { VeterinaryRepository } from "./repository.ts";
import { claimCandidatesQuery, createSqliteRepository } from "./sqlite-repository.ts";

const dir = mkdtempSync(join(tmpdir(), "vet-sqlite-"));
const opened: VeterinaryRepository[] = [];
afterAll(async () => {
  for (const repo of opened) await repo.close();
  rmSync(dir, { recursive: true, force: true });
});

repositoryContract("sqlite :memory:", async () => {
  const repo = createSqliteRepository({ path: ":memory:" });
  opened.push(repo);
  return repo;
});

describe("sqlite repository on a shared file", () => {
  test("two connections on one file: overlap is still enforced across them", async () => {
    const path = join(dir, "shared.db");
    const a = createSqliteRepository({ path });
    const b = createSqliteRepository({ path });
    opened.push(a, b);
    const row = (id: string) => ({
      id,
      petId: "p",
      startsAt: 0,
      endsAt: 1000,
      durationMinutes: 30,
      reason: "",
      status: "scheduled" as const,
      createdAt: 0,
      endedAt: null,
      cancelledAt: null,
      vetId: null,
      type: null,
    });
    expect(await a.insertAppointment(row("a"))).toEqual({ kind: "created" });
    expect((await b.insertAppointment(row("b"))).kind).toBe("overlap");
    expect((await b.listAppointments("p", {})).map((r) => r.id)).toEqual(["a"]);
  });
});

describe("sqlite query plans", () => {
  test("the reminder claim searches reminders_status_send_idx (status, send_at) for due rows, never a table scan", () => {
    const repo = createSqliteRepository({ path: ":memory:" });
    opened.push(repo);
    const { sql, params } = claimCandidatesQuery(drizzle({ client: repo.sqlite }), 1000, 20).toSQL();
    const plan = repo.sqlite
      .query<{ detail: string }, never[]>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...(params as never[]))
      .map((row) => row.detail);
    expect(plan).toContain("SEARCH reminders USING INDEX reminders_status_send_idx (status=? AND send_at<?)");
    expect(plan.some((detail) => detail.startsWith("SCAN reminders"))).toBe(false);
  });
});
