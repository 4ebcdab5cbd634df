import { type KitMetrics, LATENCY_BUCKETS } from "@vetmesh/kit";
import { Counter, Gauge, Histogram } from "prom-client";
import type { BreakerState } from "./domain/breaker.ts";
import { TARGETS, type Target } from "./resilience/upstreams.ts";

const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

/** The gateway's own series, registered on the kit's registry so one /metrics shows everything. */
export interface GatewayMetrics {
  requests: Counter<"route" | "method" | "status">;
  duration: Histogram<"route" | "method">;
  cache: Counter<"result">;
  rateLimited: Counter<"route" | "policy">;
}

/** Creates the series; breaker states are read at scrape time from `breakerStates`. */
export function createGatewayMetrics(
  kit: KitMetrics,
  breakerStates: () => Record<Target, BreakerState>,
): GatewayMetrics {
  const registers = [kit.registry];
  new Gauge({
    name: "vetmesh_gateway_breaker_state",
    help: "Circuit breaker per target service: 0 closed, 1 half-open, 2 open",
    labelNames: ["target"] as const,
    registers,
    collect() {
      const states = breakerStates();
      for (const target of TARGETS) this.set({ target }, BREAKER_VALUE[states[target]]);
    },
  });
  return {
    requests: new Counter({
      name: "vetmesh_gateway_http_requests_total",
      help: "REST and pass-through requests, by route and status",
      labelNames: ["route", "method", "status"] as const,
      registers,
    }),
    duration: new Histogram({
      name: "vetmesh_gateway_http_request_duration_seconds",
      help: "Time to answer a request, by route",
      labelNames: ["route", "method"] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    cache: new Counter({
      name: "vetmesh_gateway_cache_total",
      help: "Pet-list cache lookups by result (hit or miss)",
      labelNames: ["result"] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: "vetmesh_gateway_rate_limited_total",
      help: "Requests refused by the rate limiter",
      labelNames: ["route", "policy"] as const,
      registers,
    }),
  };
}
