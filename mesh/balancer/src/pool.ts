import type { Logger } from "@vetmesh/kit";
import type { Endpoint, InstanceTransport, InstanceTransportFactory } from "./endpoint.ts";
import type { BalancerMetrics } from "./metrics.ts";
import { createOutlierDetector, type FailureKind, type OutlierOptions } from "./outlier.ts";
import { createRetiringTransport, DEFAULT_RETIRE_GRACE_MS, type RetiringTransport } from "./retiring.ts";
import { createRing, type Ring } from "./ring.ts";

/** An instance the pool can send a call to. */
export interface Member {
  endpoint: Endpoint;
  transport: InstanceTransport["transport"];
}

/**
 * The live instances of one target service: the ring over them, one
 * transport each, and the outlier detector that takes failing ones out.
 */
export interface ServicePool {
  readonly target: string;
  /**
   * Replaces the instance set (a discovery snapshot). Departed instances get
   * no new calls; their transports close once the calls in flight finished.
   */
  update(endpoints: readonly Endpoint[]): void;
  /**
   * Instances to try, best first: with a key, ring order from the key's owner
   * (ejected instances skipped); without one, round-robin. If every instance
   * is ejected, all of them (Envoy's panic mode: better to try than to fail).
   */
  candidates(key: string | undefined): Member[];
  /**
   * The session under `transport` takes no new streams: give the instance a
   * fresh transport (the old one retires once its calls in flight finish).
   * Ignored when the instance already got a new one since `transport` was picked,
   * so a burst of failures on one dead session reconnects once.
   */
  reconnect(id: string, transport: Member["transport"]): void;
  /** The instance's current member (after a reconnect, its fresh transport); undefined once it left. */
  member(id: string): Member | undefined;
  success(id: string): void;
  failure(id: string, kind: FailureKind): void;
  endpoints(): Endpoint[];
  isEjected(id: string): boolean;
  close(): void;
}

/** Creates the pool of one target service. */
export function createServicePool(options: {
  target: string;
  factory: InstanceTransportFactory;
  vnodes?: number;
  outlier?: OutlierOptions;
  metrics: BalancerMetrics;
  logger?: Logger;
  /** Bound on how long calls in flight to a departed instance may run; default {@link DEFAULT_RETIRE_GRACE_MS}. */
  retireGraceMs?: number;
}): ServicePool {
  const { target, metrics, logger } = options;
  const graceMs = options.retireGraceMs ?? DEFAULT_RETIRE_GRACE_MS;
  const members = new Map<string, Member & { tracked: RetiringTransport }>();
  const retiring = new Set<RetiringTransport>();
  const outlier = createOutlierDetector(options.outlier);
  let ring: Ring = createRing([], options.vnodes);
  let cursor = 0;

  const gauge = () => {
    const ejected = outlier.ejectedCount();
    metrics.instances.set({ target, state: "ejected" }, ejected);
    metrics.instances.set({ target, state: "live" }, members.size - ejected);
  };

  return {
    target,
    update(endpoints) {
      for (const tracked of retiring) if (tracked.closed) retiring.delete(tracked);
      const next = new Map(endpoints.filter((e) => e.grpcAddress).map((e) => [e.instanceId, e]));
      for (const [id, member] of members) {
        const replacement = next.get(id);
        if (replacement && replacement.grpcAddress === member.endpoint.grpcAddress) {
          member.endpoint = replacement;
          continue;
        }
        retiring.add(member.tracked);
        member.tracked.retire(graceMs);
        members.delete(id);
        if (!replacement) outlier.forget(id);
      }
      for (const [id, endpoint] of next) {
        if (members.has(id)) continue;
        const tracked = createRetiringTransport(options.factory(endpoint));
        members.set(id, { endpoint, transport: tracked.transport, tracked });
      }
      if (ring.members.join("\n") !== [...members.keys()].sort().join("\n"))
        ring = createRing([...members.keys()], options.vnodes);
      gauge();
    },
    candidates(key) {
      const keyed = key !== undefined && key !== "";
      const ids = keyed ? ring.order(key) : ring.members;
      const healthy = ids.filter((id) => !outlier.isEjected(id));
      let chosen = healthy.length ? healthy : [...ids];
      if (!keyed && chosen.length) {
        const start = cursor++ % chosen.length;
        if (cursor > 1e9) cursor = 0;
        chosen = [...chosen.slice(start), ...chosen.slice(0, start)];
      }
      return chosen
        .map((id) => members.get(id))
        .filter((m): m is Member & { tracked: RetiringTransport } => m !== undefined);
    },
    reconnect(id, transport) {
      const member = members.get(id);
      if (!member || member.transport !== transport) return;
      retiring.add(member.tracked);
      member.tracked.retire(graceMs);
      const tracked = createRetiringTransport(options.factory(member.endpoint));
      members.set(id, { endpoint: member.endpoint, transport: tracked.transport, tracked });
      metrics.reconnects.inc({ target, target_instance: id });
      logger?.debug("session took no new streams; reconnecting", { target, instance: id });
    },
    member(id) {
      const member = members.get(id);
      return member && { endpoint: member.endpoint, transport: member.transport };
    },
    success: (id) => outlier.success(id),
    failure(id, kind) {
      if (!members.has(id)) return;
      if (outlier.failure(id, kind, members.size)) {
        metrics.ejections.inc({ target, target_instance: id });
        logger?.warn("instance ejected", { target, instance: id, kind, forMs: outlier.ejectedForMs(id) });
        gauge();
      }
    },
    endpoints: () => [...members.values()].map((m) => m.endpoint),
    isEjected: (id) => outlier.isEjected(id),
    close() {
      for (const member of members.values()) member.tracked.close();
      for (const tracked of retiring) tracked.close();
      members.clear();
      retiring.clear();
      ring = createRing([], options.vnodes);
    },
  };
}
