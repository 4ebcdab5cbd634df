import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import type { Logger } from "@vetmesh/kit";
import type { Endpoint } from "./endpoint.ts";

/** Reconnect pacing of a discovery watch. */
export interface WatchBackoff {
  initialMs?: number;
  maxMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Opens discovery watches; one client per balancer. */
export function createDiscoveryWatcher(options: {
  discoveryUrl: string;
  logger?: Logger;
  backoff?: WatchBackoff;
  /**
   * After a watch comes back from a break, a restarted in-memory discovery
   * knows nobody until each instance's next heartbeat re-registers it. For
   * this long, snapshots only add instances; then the latest one is taken as
   * it is. Instances that really died meanwhile are ejected by the balancer
   * on their first refused connection. Default 5 s (a default lease).
   */
  reconnectGraceMs?: number;
}) {
  const transport = createConnectTransport({ baseUrl: options.discoveryUrl, httpVersion: "1.1" });
  const client = createClient(DiscoveryService, transport);
  const initial = options.backoff?.initialMs ?? 100;
  const max = options.backoff?.maxMs ?? 3000;

  /**
   * Follows the service's snapshots until the signal aborts. A broken or
   * ended stream is reopened with jittered exponential backoff; meanwhile
   * nothing is reported, so the caller keeps routing on the last snapshot.
   */
  return async function watch(
    service: string,
    onSnapshot: (endpoints: Endpoint[]) => void,
    signal: AbortSignal,
  ) {
    let delay = initial;
    let lastFailure = "";
    let known: Endpoint[] = [];
    let broken = false;
    let graceUntil = 0;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let latest: Endpoint[] = [];
    const graceMs = options.reconnectGraceMs ?? 5000;
    signal.addEventListener("abort", () => clearTimeout(graceTimer), { once: true });
    const report = (instances: Endpoint[]) => {
      latest = instances;
      if (performance.now() < graceUntil) {
        const fresh = new Set(instances.map((one) => one.instanceId));
        known = [...instances, ...known.filter((one) => !fresh.has(one.instanceId))];
      } else known = instances;
      onSnapshot(known);
    };
    while (!signal.aborted) {
      try {
        let first = true;
        for await (const snapshot of client.watch({ service }, { signal })) {
          if (first && broken && known.length > 0) {
            graceUntil = performance.now() + graceMs;
            clearTimeout(graceTimer);
            graceTimer = setTimeout(() => {
              graceUntil = 0;
              if (!signal.aborted) report(latest);
            }, graceMs);
          }
          first = false;
          report(snapshot.instances);
          delay = initial;
          if (lastFailure) options.logger?.info("discovery watch restored", { service });
          lastFailure = "";
        }
        broken = true;
      } catch (error) {
        broken = true;
        if (signal.aborted) break;
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastFailure) {
          options.logger?.warn("discovery watch failed; routing on the last snapshot", {
            service,
            error: message,
          });
        }
        lastFailure = message;
      }
      await sleep(delay * (0.5 + Math.random() / 2), signal);
      delay = Math.min(max, delay * 2);
    }
  };
}
