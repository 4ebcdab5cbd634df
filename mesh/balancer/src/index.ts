export { type Balancer, type BalancerOptions, createBalancer, createStaticBalancer } from "./balancer.ts";
export { type Config, configShape } from "./config.ts";
export {
  connectInstanceTransport,
  type Endpoint,
  grpcInstanceTransport,
  type InstanceTransport,
  type InstanceTransportFactory,
} from "./endpoint.ts";
export { errorCode, isConnectFailure, isIdempotent, isInstanceFailure } from "./failures.ts";
export { type BalancerMetrics, createBalancerMetrics } from "./metrics.ts";
export {
  createOutlierDetector,
  type FailureKind,
  type OutlierDetector,
  type OutlierOptions,
} from "./outlier.ts";
export { createServicePool, type Member, type ServicePool } from "./pool.ts";
export { createProxyApp, forwardableHeaders } from "./proxy.ts";
export { createRing, DEFAULT_VNODES, type Ring } from "./ring.ts";
export {
  allowedServices,
  INTERNAL_SERVICE_NAMES,
  PROXIED_SERVICES,
  PUBLIC_SERVICE_NAMES,
  TARGET_BY_PACKAGE,
  targetOf,
} from "./service-table.ts";
export {
  type BalancedTransportOptions,
  createBalancedTransport,
  ROUTING_KEY_HEADER,
  routingKeyValue,
} from "./transport.ts";
export { createDiscoveryWatcher, type WatchBackoff } from "./watch.ts";
