import {
  byInstanceId,
  createListeners,
  type InstanceRecord,
  ownsLease,
  type RegistryStore,
} from "./store.ts";

interface Lease {
  instance: InstanceRecord;
  ttlMs: number;
  deadline: number;
  token: string;
}

/**
 * The default store: leases in a map, swept on a timer. One discovery process
 * only; a restart forgets everything and the kit's clients register again.
 */
export function createMemoryStore(
  options: { sweepIntervalMs?: number; now?: () => number } = {},
): RegistryStore {
  const now = options.now ?? Date.now;
  const services = new Map<string, Map<string, Lease>>();
  const listeners = createListeners();
  const leasesOf = (service: string) => {
    let leases = services.get(service);
    if (!leases) {
      leases = new Map();
      services.set(service, leases);
    }
    return leases;
  };
  const sweep = async () => {
    const at = now();
    for (const [service, leases] of services) {
      let changed = false;
      for (const [id, lease] of leases) {
        if (lease.deadline <= at) {
          leases.delete(id);
          changed = true;
        }
      }
      if (changed) listeners.emit(service);
    }
  };
  // Time this process could not run (a stalled event loop: a busy machine, a long GC) is not the
  // instances' fault: their heartbeats were waiting in its sockets. Every lease gets that time back
  // before it is judged, or one stall longer than a lease's slack emptied the registry of healthy
  // instances ("no live instance" at the gateway until they registered again). A dead instance
  // still goes once this process has run for the lease's TTL.
  const intervalMs = options.sweepIntervalMs ?? 250;
  let lastTick = performance.now();
  const catchUp = () => {
    const at = performance.now();
    const stalledMs = at - lastTick - intervalMs;
    if (stalledMs <= 0) return;
    for (const leases of services.values()) for (const lease of leases.values()) lease.deadline += stalledMs;
    lastTick = at - intervalMs;
  };
  const timer = setInterval(() => {
    catchUp();
    lastTick = performance.now();
    void sweep();
  }, intervalMs);

  return {
    async register(instance, ttlMs, token) {
      leasesOf(instance.service).set(instance.instanceId, {
        instance,
        ttlMs,
        deadline: now() + ttlMs,
        token,
      });
      listeners.emit(instance.service);
    },
    async heartbeat(service, instanceId, token) {
      const lease = services.get(service)?.get(instanceId);
      if (!lease) return null;
      if (!ownsLease(lease.token, token)) return "denied";
      catchUp();
      if (lease.deadline <= now()) {
        await sweep();
        return null;
      }
      lease.deadline = now() + lease.ttlMs;
      return lease.ttlMs;
    },
    async deregister(service, instanceId, token) {
      const lease = services.get(service)?.get(instanceId);
      if (!lease) return "absent";
      if (!ownsLease(lease.token, token)) return "denied";
      services.get(service)?.delete(instanceId);
      listeners.emit(service);
      return "removed";
    },
    async list(service) {
      catchUp();
      const at = now();
      return [...(services.get(service)?.values() ?? [])]
        .filter((lease) => lease.deadline > at)
        .map((lease) => lease.instance)
        .sort(byInstanceId);
    },
    onChange: listeners.add,
    sweep,
    health: async () => null,
    async close() {
      clearInterval(timer);
    },
  };
}
