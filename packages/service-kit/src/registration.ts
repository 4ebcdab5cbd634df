import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import type { Logger } from "./logger.ts";

/** The header that carries DISCOVERY_TOKEN (discovery checks it on every lease call). */
export const DISCOVERY_TOKEN_HEADER = "vetmesh-discovery-token";

/** What a process tells discovery about itself. */
export interface InstanceInfo {
  service: string;
  instanceId: string;
  grpcAddress: string;
  httpAddress: string;
  metadata: Record<string, string>;
}

/** A running registration: heartbeats until stopped, then deregisters. */
export interface Registration {
  /** Resolves after the first successful registration (or never, if discovery stays down). */
  registered: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Registers the instance, heartbeats at a third of the lease, registers again
 * whenever discovery no longer knows it (a discovery restart), keeps trying
 * while discovery is down, and deregisters on stop.
 */
export function startRegistration(options: {
  discoveryUrl: string;
  instance: InstanceInfo;
  ttlMs: number;
  logger: Logger;
  /** DISCOVERY_TOKEN, sent on every Register/Heartbeat/Deregister. */
  token?: string;
}): Registration {
  const headers: Record<string, string> = options.token ? { [DISCOVERY_TOKEN_HEADER]: options.token } : {};
  const transport = createConnectTransport({ baseUrl: options.discoveryUrl, httpVersion: "1.1" });
  const client = createClient(DiscoveryService, transport);
  const { instance, logger } = options;
  const intervalMs = Math.max(100, Math.floor(options.ttlMs / 3));
  let stopped = false;
  let known = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let markRegistered: () => void = () => {};
  const registered = new Promise<void>((resolve) => {
    markRegistered = resolve;
  });
  let lastFailure = "";
  let current: Promise<void> = Promise.resolve();
  // Proves this process owns its lease: discovery refuses a heartbeat or deregister without it.
  let leaseToken = "";

  const register = async () => {
    const res = await client.register({ instance, ttlMs: options.ttlMs }, { timeoutMs: intervalMs, headers });
    leaseToken = res.leaseToken;
    if (!known) logger.info("registered with discovery", { discovery: options.discoveryUrl });
    known = true;
    markRegistered();
  };

  const tick = async () => {
    if (stopped) return;
    try {
      if (!known) await register();
      else
        await client.heartbeat(
          { service: instance.service, instanceId: instance.instanceId, leaseToken },
          { timeoutMs: intervalMs, headers },
        );
      lastFailure = "";
    } catch (error) {
      const code = error instanceof ConnectError ? error.code : Code.Unknown;
      // NotFound: discovery forgot us (restart). PermissionDenied: another registration took the
      // instance id over (a restarted copy); ours is the live process, so take it back.
      if (code === Code.NotFound || code === Code.PermissionDenied) {
        if (code === Code.PermissionDenied) logger.warn("discovery lease taken over; registering again");
        known = false;
        await register().catch(() => {});
      } else {
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastFailure) logger.warn("discovery unreachable; will retry", { error: message });
        lastFailure = message;
      }
    }
    if (!stopped) timer = setTimeout(() => (current = tick()), intervalMs);
  };
  current = tick();

  return {
    registered,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
      try {
        await client.deregister(
          { service: instance.service, instanceId: instance.instanceId, leaseToken },
          { timeoutMs: 1000, headers },
        );
      } catch {
        // The lease expires by itself; nothing else to do on the way out.
      }
    },
  };
}
