import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createRouterTransport } from "@connectrpc/connect";
import { NotificationService } from "@vetmesh/contracts/notification/v1/notification";
import { VeterinaryInternalService } from "@vetmesh/contracts/veterinary/v1/veterinary";
import { createDemoApp } from "@vetmesh/demo-service/app";
import type { Logger } from "@vetmesh/kit";
import { type AuthMode, createAuthInterceptor, type TokenVerifier } from "@vetmesh/kit/auth";
import { kitRouterTransport, lateTransport } from "@vetmesh/kit/testing";
import { createOwnerApp } from "@vetmesh/owner-service/app";
import { createVeterinaryApp } from "@vetmesh/veterinary-service/app";
import type Redis from "ioredis";
import { createGatewayApp, type GatewayOptions } from "../app.ts";
import { type Config, defaultConfig } from "../config.ts";

/**
 * The real owner, veterinary and demo apps (fresh SQLite files) behind
 * in-memory router transports, and a gateway in front of them. Tests can
 * replace any upstream transport (e.g. a failing one) and the config.
 */
export async function createGatewayHarness(
  options: {
    config?: Partial<Config>;
    transports?: Partial<GatewayOptions["transports"]>;
    redis?: Redis;
    clock?: () => number;
    /** Makes the saga's veterinary participant unreachable, so remove-data cannot finish (202). */
    participantDown?: boolean;
    removalWaitMs?: number;
    isDraining?: () => boolean;
    health?: GatewayOptions["health"];
    /** Auth of the gateway and of the services behind it (each service runs the kit's auth interceptor). */
    auth?: { mode: AuthMode; verifier?: TokenVerifier };
    logger?: Logger;
  } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), "gateway-test-"));
  const notificationTransport = createRouterTransport((router) => {
    router.service(NotificationService, {
      cancelPending: () => ({ cancelled: 0 }),
      enqueueEmail: () => ({ created: true }),
    });
  });
  const downTransport = createRouterTransport((router) => {
    router.service(VeterinaryInternalService, {
      erasePets() {
        throw new ConnectError("veterinary down", Code.Unavailable);
      },
    });
  });
  const toVeterinary = lateTransport();
  const toOwner = lateTransport();
  const owner = await createOwnerApp({
    databaseUrl: `sqlite:${join(dir, "owner.db")}`,
    veterinaryTransport: options.participantDown ? downTransport : toVeterinary.transport,
    notificationTransport,
    saga: { leaseMs: 2_000, retryMinMs: 10, retryMaxMs: 50, sweepIntervalMs: 200 },
    removalWaitMs: options.removalWaitMs ?? 2_000,
  });
  const veterinary = await createVeterinaryApp({
    databaseUrl: `sqlite:${join(dir, "veterinary.db")}`,
    ownerTransport: toOwner.transport,
    notificationTransport,
  });
  const serviceAuth = options.auth ? [createAuthInterceptor(options.auth)] : [];
  const ownerTransport = kitRouterTransport("owner", owner.routes, serviceAuth);
  const veterinaryTransport = kitRouterTransport("veterinary", veterinary.routes, serviceAuth);
  toOwner.bind(ownerTransport);
  toVeterinary.bind(veterinaryTransport);
  const demo = createDemoApp({ instanceId: "demo-test", maxDelayMs: 30_000 });
  const config = defaultConfig({ LOG_LEVEL: "silent", ...options.config });
  const gateway = createGatewayApp({
    config,
    redis: options.redis,
    clock: options.clock,
    isDraining: options.isDraining,
    health: options.health,
    auth: options.auth,
    logger: options.logger,
    transports: {
      owner: ownerTransport,
      veterinary: veterinaryTransport,
      demo: kitRouterTransport("demo", demo.routes, serviceAuth),
      ...options.transports,
    },
  });
  return {
    ...gateway,
    owner,
    veterinary,
    config,
    async close() {
      await owner.close();
      await veterinary.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** JSON request helper for app.request(). */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}
