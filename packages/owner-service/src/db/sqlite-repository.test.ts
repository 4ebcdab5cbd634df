import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRepository } from "./open-repository.ts";
import { repositoryContract } from "./repository.contract.ts";

/** The SQLite adapter on a real WAL file (as in production), through the one contract. */
const dir = mkdtempSync(join(tmpdir(), "owner-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

repositoryContract("sqlite", () => openRepository(`sqlite:${join(dir, "owner.db")}`));
