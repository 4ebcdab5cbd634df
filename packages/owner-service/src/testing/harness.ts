import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Transport } from "@connectrpc/connect";
import { kitRouterTransport } from "@vetmesh/kit/testing";
import { createOwnerApp, type OwnerApp, type OwnerAppOptions } from "../app.ts";
import { createTestParticipants } from "./participants.ts";

/**
 * A real owner app on a fresh SQLite file, behind Connect's in-memory
 * transport with the kit's server interceptor (so domain errors become the
 * same Connect codes as in production).
 */
export async function createOwnerHarness(overrides: Partial<OwnerAppOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "owner-app-"));
  const participants = createTestParticipants();
  const options: OwnerAppOptions = {
    databaseUrl: `sqlite:${join(dir, "owner.db")}`,
    veterinaryTransport: participants.veterinaryTransport,
    notificationTransport: participants.notificationTransport,
    instanceId: "owner-test",
    saga: { leaseMs: 2_000, retryMinMs: 10, retryMaxMs: 50, sweepIntervalMs: 200 },
    removalWaitMs: 2_000,
    ...overrides,
  };
  const app: OwnerApp = await createOwnerApp(options);
  const transport: Transport = kitRouterTransport("owner", app.routes);
  return {
    app,
    transport,
    participants,
    options,
    dir,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
