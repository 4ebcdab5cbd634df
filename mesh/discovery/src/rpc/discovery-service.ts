import type { ConnectRouter } from "@connectrpc/connect";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { invalid, notFound } from "@vetmesh/kit";
import type { InstanceRecord, RegistryStore } from "../store/store.ts";

/** Lease bounds: a too-short lease flaps, a too-long one keeps dead instances routable. */
export const MIN_TTL_MS = 200;
export const MAX_TTL_MS = 300_000;

function waitForChange(signals: AbortSignal[], wake: { fn: () => void }, maxMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, maxMs);
    for (const signal of signals) signal.addEventListener("abort", done, { once: true });
    wake.fn = done;
  });
}

/**
 * The DiscoveryService implementation over a registry store. Watch sends a
 * snapshot at once, then one per change (register, deregister, expiry), and
 * repeats the last one every keepaliveMs so idle streams are not cut by
 * proxies or the HTTP/1.1 listener's idle timeout.
 */
export function discoveryRoutes(deps: {
  store: RegistryStore;
  defaultTtlMs: number;
  keepaliveMs?: number;
  /** Ends every watch stream cleanly (a draining replica), so watchers reconnect elsewhere at once. */
  closing?: AbortSignal;
}) {
  const { store } = deps;
  const keepaliveMs = deps.keepaliveMs ?? 15_000;
  return (router: ConnectRouter) =>
    router.service(DiscoveryService, {
      async register(req) {
        const instance = req.instance;
        if (!instance?.service) throw invalid("instance.service", "service is required");
        if (!instance.instanceId) throw invalid("instance.instance_id", "instance_id is required");
        if (req.ttlMs < 0) throw invalid("ttl_ms", "ttl_ms must not be negative");
        const ttlMs =
          req.ttlMs === 0 ? deps.defaultTtlMs : Math.min(MAX_TTL_MS, Math.max(MIN_TTL_MS, req.ttlMs));
        const record: InstanceRecord = {
          service: instance.service,
          instanceId: instance.instanceId,
          grpcAddress: instance.grpcAddress,
          httpAddress: instance.httpAddress,
          metadata: { ...instance.metadata },
        };
        await store.register(record, ttlMs);
        return { ttlMs };
      },
      async heartbeat(req) {
        const ttlMs = await store.heartbeat(req.service, req.instanceId);
        if (ttlMs === null) throw notFound(`no lease for ${req.service}/${req.instanceId}; register again`);
        return { ttlMs };
      },
      async deregister(req) {
        await store.deregister(req.service, req.instanceId);
        return {};
      },
      async list(req) {
        if (!req.service) throw invalid("service", "service is required");
        return { instances: await store.list(req.service) };
      },
      async *watch(req, ctx) {
        if (!req.service) throw invalid("service", "service is required");
        const wake = { fn: () => {} };
        let dirty = true;
        const unsubscribe = store.onChange((service) => {
          if (service !== req.service) return;
          dirty = true;
          wake.fn();
        });
        try {
          let last: string | undefined;
          let sentAt = 0;
          const signals = deps.closing ? [ctx.signal, deps.closing] : [ctx.signal];
          const stopped = () => signals.some((signal) => signal.aborted);
          while (!stopped()) {
            if (dirty || performance.now() - sentAt >= keepaliveMs) {
              dirty = false;
              const instances = await store.list(req.service);
              const signature = JSON.stringify(instances);
              if (signature !== last || performance.now() - sentAt >= keepaliveMs) {
                last = signature;
                sentAt = performance.now();
                yield { instances };
              }
            }
            if (!dirty)
              await waitForChange(signals, wake, Math.max(1, keepaliveMs - (performance.now() - sentAt)));
          }
        } finally {
          unsubscribe();
        }
      },
    });
}
