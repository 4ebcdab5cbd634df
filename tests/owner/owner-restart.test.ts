/**
 * Owner data survives a restart (issue 3 acceptance), and two instances on
 * one SQLite file started at the same moment both migrate, serve, and share
 * the UNIQUE email index.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { startProcess, stopAll, type TestProcess } from "../support/process.ts";

const dir = mkdtempSync(join(tmpdir(), "vetmesh-owner-"));
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

const start = (name: string, db: string) =>
  startProcess({
    name,
    entry: "packages/owner-service/src/main.ts",
    env: { INSTANCE_ID: name, DATABASE_URL: `sqlite:${db}` },
  });
const client = (p: TestProcess) =>
  createClient(
    OwnerService,
    createConnectTransport({ baseUrl: `http://127.0.0.1:${p.httpPort}`, httpVersion: "1.1" }),
  );

describe("owner service processes", () => {
  test("owners and pets survive SIGTERM and a fresh start", async () => {
    const db = join(dir, "restart.db");
    const first = await start("owner-restart-1", db);
    const { owner } = await client(first).registerOwner({ email: "survivor@example.org" });
    const { pet } = await client(first).registerPet({
      ownerRef: owner!.id,
      type: "Dog",
      race: "",
      name: "Rex 🐕",
    });
    first.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const second = await start("owner-restart-2", db);
    const listed = await client(second).listPets({ ownerRef: "survivor@example.org" });
    expect(listed.owner).toEqual(owner);
    expect(listed.pets).toEqual([pet!]);
  }, 30_000);

  test("two instances started together on one fresh file share owners and the unique email", async () => {
    const db = join(dir, "shared.db");
    const [a, b] = await Promise.all([start("owner-a", db), start("owner-b", db)]);
    const email = "shared@example.org";
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => client(i % 2 ? a : b).registerOwner({ email })),
    );
    expect(results.filter((r) => r.status === "fulfilled").length).toBe(1);
    const codes = results.flatMap((r) => (r.status === "rejected" ? [ConnectError.from(r.reason).code] : []));
    expect(codes).toEqual(Array(19).fill(Code.AlreadyExists));
    const fromA = await client(a).listPets({ ownerRef: email });
    const fromB = await client(b).listPets({ ownerRef: email });
    expect(fromA).toEqual(fromB);
  }, 30_000);
});
