import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import { z } from "zod";
import { DEFAULT_VNODES } from "./ring.ts";
import { INTERNAL_SERVICE_NAMES } from "./service-table.ts";

const internalServices = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name.length > 0),
  )
  .pipe(z.array(z.enum(INTERNAL_SERVICE_NAMES as [string, ...string[]])));

/** Environment of the standalone balancer proxy; parsed once in main.ts. */
export const configShape = {
  ...kitConfigShape({ service: "balancer", grpcPort: 7501, httpPort: 7502 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** Where the instances of every target service come from (the proxy also registers there). */
  DISCOVERY_URL: z.url(),
  BALANCER_VNODES: z.coerce.number().int().min(1).max(10_000).default(DEFAULT_VNODES),
  /** Consecutive Unavailable/Internal/Unknown failures that eject an instance. */
  BALANCER_EJECT_CONSECUTIVE: z.coerce.number().int().min(1).max(1000).default(5),
  BALANCER_EJECT_BASE_MS: millis.default(1000),
  BALANCER_EJECT_MAX_MS: millis.default(30_000),
  /** Highest share of a service's instances ejected at once (at least one may always be). */
  BALANCER_EJECT_MAX_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  /**
   * Internal services the proxy also serves (comma-separated full names, e.g.
   * vetmesh.notification.v1.NotificationService); empty, the default, serves
   * only the public ones: internal RPCs are unreachable through the proxy.
   */
  BALANCER_PROXY_INTERNAL_SERVICES: internalServices,
};

/** Parsed configuration of the balancer proxy. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
