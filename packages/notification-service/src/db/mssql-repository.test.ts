import { describe, expect, test } from "bun:test";
import { onMssqlIfReachable } from "@vetmesh/kit/db/testing";
import { drizzle, getMsSqlConnectionParams } from "drizzle-orm/node-mssql";
import mssql from "mssql";
import { mssqlStatements } from "./mssql-repository.ts";
import { openOutboxRepository } from "./open-repository.ts";
import { repositoryContract } from "./repository.contract.ts";
import type { OutboxRepository } from "./repository.ts";

describe("SQL Server statements (drizzle.mock().toSQL())", () => {
  const q = mssqlStatements(drizzle.mock());

  test("candidates: due pending rows whose lease is free, oldest first, bounded", () => {
    const { sql, params } = q.candidates(1000, 5).toSQL();
    expect(sql).toBe(
      "select [id] from [outbox_messages] where (([outbox_messages].[state] = @par0) and ([outbox_messages].[next_attempt_at] <= @par1) and (((([outbox_messages].[lease_until] is null)) or ([outbox_messages].[lease_until] <= @par2)))) order by [outbox_messages].[next_attempt_at] asc, [outbox_messages].[created_at] asc offset @par3 rows fetch next @par4 rows only",
    );
    expect(params).toEqual(["pending", 1000, 1000, 0, 5]);
  });

  test("claim: one conditional UPDATE that re-checks state and lease and OUTPUTs the row", () => {
    const { sql, params } = q.claim("m1", { owner: "a", now: 1000, leaseMs: 30, leaseToken: "tok" }).toSQL();
    expect(sql).toStartWith(
      "update [outbox_messages] set [attempts] = [outbox_messages].[attempts] + 1, [lease_token] = @par0, [lease_owner] = @par1, [lease_until] = @par2, [updated_at] = @par3 output INSERTED.[id], INSERTED.[idempotency_key],",
    );
    expect(sql).toEndWith(
      " where (([outbox_messages].[id] = @par4) and ((([outbox_messages].[state] = @par5) and ([outbox_messages].[next_attempt_at] <= @par6) and (((([outbox_messages].[lease_until] is null)) or ([outbox_messages].[lease_until] <= @par7))))))",
    );
    expect(sql).toContain("INSERTED.[lease_token], INSERTED.[lease_owner], INSERTED.[lease_until]");
    expect(params).toEqual(["tok", "a", 1030, 1000, "m1", "pending", 1000, 1000]);
  });

  test("markSent: guarded by state <> 'sent' so a second report is visible", () => {
    const { sql, params } = q.markSent("m1", 5).toSQL();
    expect(sql).toBe(
      "update [outbox_messages] set [state] = @par0, [lease_token] = @par1, [lease_owner] = @par2, [lease_until] = @par3, [last_error] = @par4, [updated_at] = @par5, [sent_at] = @par6 output INSERTED.[id] where (([outbox_messages].[id] = @par7) and ([outbox_messages].[state] <> @par8))",
    );
    expect(params).toEqual(["sent", null, null, null, null, 5, 5, "m1", "sent"]);
  });

  test("cancel: only the recipient's pending and dead messages", () => {
    const { sql, params } = q.cancel("ann@example.com", "saga-1", 7).toSQL();
    expect(sql).toBe(
      "update [outbox_messages] set [state] = @par0, [lease_token] = @par1, [lease_owner] = @par2, [lease_until] = @par3, [cancelled_by] = @par4, [updated_at] = @par5 where (([outbox_messages].[recipient] = @par6) and ([outbox_messages].[state] in (@par7, @par8)))",
    );
    expect(params).toEqual([
      "cancelled",
      null,
      null,
      null,
      "saga-1",
      7,
      "ann@example.com",
      "pending",
      "dead",
    ]);
  });
});

onMssqlIfReachable("outbox repository contract on SQL Server", (url) =>
  repositoryContract("outbox repository contract on SQL Server (MSSQL_URL)", async () => {
    const repo: OutboxRepository = await openOutboxRepository(url);
    const params = getMsSqlConnectionParams(url);
    const pool = await new mssql.ConnectionPool(params as mssql.config).connect();
    await pool.request().query("delete from outbox_messages");
    await pool.close();
    return repo;
  }),
);
