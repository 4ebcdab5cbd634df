import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { createInFlight, createServerInterceptor } from "../interceptors.ts";
import { createLogger } from "../logger.ts";
import { createKitMetrics } from "../metrics.ts";
import { isStorageFault, storageFault, UNAVAILABLE_REASON_HEADER } from "./storage-fault.ts";

/** Real SQLite failures (a read-only handle, a page limit reached), classified and answered by the kit. */
const dir = mkdtempSync(join(tmpdir(), "storage-fault-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** A write to a file opened read-only: SQLITE_READONLY. */
function readOnlyWrite(): unknown {
  const file = join(dir, "ro.db");
  const writer = new Database(file);
  writer.run("CREATE TABLE IF NOT EXISTS t (v TEXT)");
  writer.close();
  const reader = new Database(file, { readonly: true });
  try {
    return caught(() => reader.run("INSERT INTO t VALUES ('x')"));
  } finally {
    reader.close();
  }
}

/** A write past max_page_count, SQLite's own "database or disk is full": SQLITE_FULL. */
function fullWrite(): unknown {
  const db = new Database(join(dir, "full.db"));
  try {
    db.run("CREATE TABLE IF NOT EXISTS t (v BLOB)");
    db.run("PRAGMA max_page_count = 8");
    return caught(() => db.run("INSERT INTO t VALUES (zeroblob(1000000))"));
  } finally {
    db.close();
  }
}

describe("storageFault", () => {
  test("classifies real SQLite errors, also wrapped in a cause; others are not storage faults", () => {
    expect(storageFault(readOnlyWrite())).toBe("storage_read_only");
    expect(storageFault(fullWrite())).toBe("storage_full");
    expect(storageFault(new Error("query failed", { cause: fullWrite() }))).toBe("storage_full");
    expect(storageFault(Object.assign(new Error("disk"), { code: "SQLITE_IOERR_WRITE" }))).toBe(
      "storage_io_error",
    );
    expect(storageFault(Object.assign(new Error("c"), { code: "SQLITE_CONSTRAINT_UNIQUE" }))).toBeUndefined();
    expect(storageFault(new Error("plain"))).toBeUndefined();
    expect(storageFault(undefined)).toBeUndefined();
  });

  test("only the known tokens are trusted", () => {
    expect(isStorageFault("storage_full")).toBe(true);
    expect(isStorageFault("toString")).toBe(false);
    expect(isStorageFault("anything")).toBe(false);
    expect(isStorageFault(null)).toBe(false);
  });
});

test("the server interceptor answers a storage fault Unavailable with its reason, not Internal", async () => {
  const interceptor = createServerInterceptor({
    service: "demo",
    logger: createLogger({ level: "silent" }),
    metrics: createKitMetrics({ service: "demo", instance: "storage-fault-test" }),
    inFlight: createInFlight(),
  });
  let failure: () => unknown = fullWrite;
  const transport = createRouterTransport(
    (router) =>
      router.service(DemoService, {
        ping() {
          throw failure();
        },
      }),
    { router: { interceptors: [interceptor] } },
  );
  const client = createClient(DemoService, transport);
  const answer = async () => {
    try {
      await client.ping({});
    } catch (error) {
      return ConnectError.from(error);
    }
    throw new Error("expected ping to fail");
  };
  const full = await answer();
  expect([full.code, full.rawMessage, full.metadata.get(UNAVAILABLE_REASON_HEADER)]).toEqual([
    Code.Unavailable,
    "storage full",
    "storage_full",
  ]);
  failure = readOnlyWrite;
  const readOnly = await answer();
  expect([readOnly.code, readOnly.rawMessage]).toEqual([Code.Unavailable, "storage read-only"]);
  failure = () => new Error("a bug");
  const bug = await answer();
  expect(bug.code).toBe(Code.Internal);
  expect(bug.metadata.get(UNAVAILABLE_REASON_HEADER)).toBeNull();
});
