import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { DISCOVERY_TOKEN_HEADER, invalid, notFound } from "@vetmesh/kit";
import type { InstanceRecord, RegistryStore } from "../store/store.ts";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Refuses a mutating call that does not carry the shared secret (compared in constant time). */
function requireSecret(secret: string | undefined, ctx: HandlerContext): void {
  if (!secret) return;
  const presented = ctx.requestHeader.get(DISCOVERY_TOKEN_HEADER) ?? "";
  if (!timingSafeEqual(digest(presented), digest(secret))) {
    throw new ConnectError("discovery token missing or wrong", Code.Unauthenticated);
  }
}

const denied = (service: string, instanceId: string) =>
  new ConnectError(
    `the lease of ${service}/${instanceId} belongs to another registration`,
    Code.PermissionDenied,
  );

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
 * proxies or the HTTP/1.1 listener's idle timeout. With `token` set,
 * Register, Heartbeat and Deregister need it in the DISCOVERY_TOKEN_HEADER;
 * each Register returns a fresh lease token that Heartbeat and Deregister
 * must present, so no other process can renew or remove that instance.
 */
export function discoveryRoutes(deps: {
  store: RegistryStore;
  defaultTtlMs: number;
  keepaliveMs?: number;
  /** DISCOVERY_TOKEN: the shared secret of the mesh; unset = open (loopback development only). */
  token?: string;
  /** Ends every watch stream cleanly (a draining replica), so watchers reconnect elsewhere at once. */
  closing?: AbortSignal;
}) {
  const { store } = deps;
  const keepaliveMs = deps.keepaliveMs ?? 15_000;
  return (router: ConnectRouter) =>
    router.service(DiscoveryService, {
      async register(req, ctx) {
        requireSecret(deps.token, ctx);
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
        const leaseToken = randomBytes(24).toString("base64url");
        await store.register(record, ttlMs, leaseToken);
        return { ttlMs, leaseToken };
      },
      async heartbeat(req, ctx) {
        requireSecret(deps.token, ctx);
        const ttlMs = await store.heartbeat(req.service, req.instanceId, req.leaseToken);
        if (ttlMs === "denied") throw denied(req.service, req.instanceId);
        if (ttlMs === null) throw notFound(`no lease for ${req.service}/${req.instanceId}; register again`);
        return { ttlMs };
      },
      async deregister(req, ctx) {
        requireSecret(deps.token, ctx);
        if ((await store.deregister(req.service, req.instanceId, req.leaseToken)) === "denied") {
          throw denied(req.service, req.instanceId);
        }
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
