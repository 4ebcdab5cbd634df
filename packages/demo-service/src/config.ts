import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import type { z } from "zod";

/** Environment of the demo service; parsed once in main.ts. */
export const configShape = {
  ...kitConfigShape({ service: "demo", grpcPort: 7401, httpPort: 7402 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** Upper bound on what Slow may be asked to wait, so a caller can't park the process. */
  DEMO_MAX_DELAY_MS: millis.default(30_000),
};

/** Parsed configuration of the demo service. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
