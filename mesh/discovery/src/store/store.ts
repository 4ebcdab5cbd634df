/** One registered instance, as stored (the plain form of the proto `Instance`). */
export interface InstanceRecord {
  service: string;
  instanceId: string;
  grpcAddress: string;
  httpAddress: string;
  metadata: Record<string, string>;
}

/**
 * Where leases live. Two implementations: in memory (one discovery process)
 * and Redis (several replicas share one registry). Both expire leases by
 * themselves and report every change (register, deregister, expiry) to
 * onChange listeners, with the name of the service that changed.
 */
export interface RegistryStore {
  /** Creates or replaces the lease of instance id (never a duplicate), owned by `leaseToken`. */
  register(instance: InstanceRecord, ttlMs: number, leaseToken: string): Promise<void>;
  /**
   * Renews a lease by its own ttl; null when the lease is gone (expired or never existed),
   * "denied" when `leaseToken` is not the one it was registered with.
   */
  heartbeat(service: string, instanceId: string, leaseToken: string): Promise<number | null | "denied">;
  /** Removes a lease; "denied" (and nothing removed) when `leaseToken` is not its owner's. */
  deregister(
    service: string,
    instanceId: string,
    leaseToken: string,
  ): Promise<"removed" | "absent" | "denied">;
  /** Live instances of the service, sorted by instance id. */
  list(service: string): Promise<InstanceRecord[]>;
  onChange(listener: (service: string) => void): () => void;
  /** Removes expired leases now and reports them (also runs on a timer). */
  sweep(): Promise<void>;
  /** Why the store cannot serve, or null. */
  health(): Promise<string | null>;
  close(): Promise<void>;
}

/** A lease stored without a token (by a discovery before lease tokens) accepts any; otherwise it must match. */
export function ownsLease(stored: string | undefined, presented: string): boolean {
  return !stored || stored === presented;
}

/** Sorts by instance id so snapshots compare byte for byte. */
export function byInstanceId(a: InstanceRecord, b: InstanceRecord): number {
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
}

/** A tiny listener set shared by the stores. */
export function createListeners() {
  const listeners = new Set<(service: string) => void>();
  return {
    add(listener: (service: string) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(service: string) {
      for (const listener of listeners) listener(service);
    },
  };
}
