/** Tuning of outlier ejection (Envoy's outlier detection is the model). */
export interface OutlierOptions {
  /** Consecutive Unavailable/Internal/Unknown failures that eject an instance. Default 5. */
  consecutiveFailures?: number;
  /** First ejection length; the n-th consecutive ejection lasts n times this. Default 1000 ms. */
  baseEjectionMs?: number;
  /** Upper bound of one ejection. Default 30000 ms. */
  maxEjectionMs?: number;
  /** Highest share of instances ejected at once (at least one may always be). Default 0.5. */
  maxEjectedShare?: number;
  now?: () => number;
}

/** Why an instance failed, as far as ejection is concerned. */
export type FailureKind = "connect" | "error";

interface HostState {
  consecutive: number;
  /** Ejections in a row without a healthy stretch between them; multiplies the next ejection. */
  ejections: number;
  ejectedUntil: number;
  lastEjectedAt: number;
}

/**
 * Per-instance breaker: an instance that refuses connections, or fails N calls
 * in a row, leaves the ring at once and comes back after a backoff that grows
 * with repeated ejections. Pure state + an injected clock so tests are exact.
 */
export interface OutlierDetector {
  /** Records a success; resets the consecutive-failure count. */
  success(id: string): void;
  /** Records a failure; returns true when this failure ejected the instance. */
  failure(id: string, kind: FailureKind, population: number): boolean;
  isEjected(id: string): boolean;
  /** Milliseconds until the instance is readmitted (0 when it is in). */
  ejectedForMs(id: string): number;
  ejectedCount(): number;
  /** Forgets an instance that left discovery. */
  forget(id: string): void;
}

/** Creates an outlier detector with the given (or default) parameters. */
export function createOutlierDetector(options: OutlierOptions = {}): OutlierDetector {
  const threshold = options.consecutiveFailures ?? 5;
  const base = options.baseEjectionMs ?? 1000;
  const max = options.maxEjectionMs ?? 30_000;
  const share = options.maxEjectedShare ?? 0.5;
  const now = options.now ?? Date.now;
  const hosts = new Map<string, HostState>();

  const state = (id: string): HostState => {
    let host = hosts.get(id);
    if (!host) {
      host = { consecutive: 0, ejections: 0, ejectedUntil: 0, lastEjectedAt: -Infinity };
      hosts.set(id, host);
    }
    return host;
  };
  const ejected = (host: HostState) => host.ejectedUntil > now();
  const countEjected = () => [...hosts.values()].filter(ejected).length;

  return {
    success(id) {
      const host = state(id);
      host.consecutive = 0;
      // A healthy stretch as long as the longest ejection forgives earlier ejections.
      if (host.ejections > 0 && !ejected(host) && now() - host.ejectedUntil >= max) host.ejections = 0;
    },
    failure(id, kind, population) {
      const host = state(id);
      if (ejected(host)) return false;
      host.consecutive++;
      if (kind !== "connect" && host.consecutive < threshold) return false;
      const allowed = Math.max(1, Math.floor(population * share));
      if (countEjected() >= allowed) return false;
      if (now() - host.ejectedUntil >= max) host.ejections = 0;
      host.ejections++;
      host.lastEjectedAt = now();
      host.ejectedUntil = now() + Math.min(max, base * host.ejections);
      host.consecutive = 0;
      return true;
    },
    isEjected: (id) => {
      const host = hosts.get(id);
      return host ? ejected(host) : false;
    },
    ejectedForMs: (id) => {
      const host = hosts.get(id);
      return host ? Math.max(0, host.ejectedUntil - now()) : 0;
    },
    ejectedCount: countEjected,
    forget: (id) => void hosts.delete(id),
  };
}
