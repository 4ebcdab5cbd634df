export {
  adminPortOf,
  ConfigError,
  type KitConfig,
  kitConfigShape,
  loadConfig,
  loadConfigOrExit,
  millis,
} from "./config.ts";
export {
  isStorageFault,
  STORAGE_FAULT_WORDS,
  type StorageFault,
  storageFault,
  UNAVAILABLE_REASON_HEADER,
} from "./db/storage-fault.ts";
export {
  type EmailAddressResult,
  MAX_DOMAIN_LENGTH,
  MAX_EMAIL_ADDRESS_LENGTH,
  MAX_LOCAL_PART_LENGTH,
  parseEmailAddress,
} from "./email-address.ts";
export {
  conflict,
  DomainError,
  type DomainErrorKind,
  domainErrorCode,
  domainToConnectError,
  errorField,
  FIELD_METADATA_KEY,
  invalid,
  notFound,
  unavailable,
} from "./errors.ts";
export { createInFlight, createServerInterceptor, forwardRequestId, type InFlight } from "./interceptors.ts";
export { createLogger, type LogFields, type Logger, type LogLevel, type LogSink } from "./logger.ts";
export { createKitMetrics, type KitMetrics, LATENCY_BUCKETS } from "./metrics.ts";
export {
  DISCOVERY_TOKEN_HEADER,
  type InstanceInfo,
  type Registration,
  startRegistration,
} from "./registration.ts";
export {
  acceptRequestId,
  currentRequestId,
  REQUEST_ID_HEADER,
  type RequestContext,
  runWithRequestId,
} from "./request-context.ts";
export { type RunningService, runService, type ServiceDefinition, startService } from "./server.ts";
export { createAdminApp, createStatusApp, type HealthCheck } from "./status.ts";
export { createTelemetry, type Telemetry } from "./telemetry.ts";
export { controlCharacterIn, singleLineReason } from "./text.ts";
export { type TracingConfig, tracingConfigShape } from "./tracing/config.ts";
export { tracingHttpMiddleware } from "./tracing/http-middleware.ts";
export { tracingClientInterceptors, tracingServerInterceptors } from "./tracing/interceptors.ts";
export {
  disabledTracing,
  type RunInSpan,
  type SpanAttributes,
  startTracing,
  type Tracing,
} from "./tracing/tracing.ts";
