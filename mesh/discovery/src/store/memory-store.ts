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
  const timer = setInterval(() => void sweep(), options.sweepIntervalMs ?? 250);

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
