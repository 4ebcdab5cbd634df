import { kitConfigShape, millis, tracingConfigShape } from "@vetmesh/kit";
import { authConfigShape } from "@vetmesh/kit/auth";
import { databaseUrl, devTrustServerCertificate } from "@vetmesh/kit/db";
import type { z } from "zod";

/** Environment of the owner service; parsed once in main.ts. */
export const configShape = {
  ...kitConfigShape({ service: "owner", grpcPort: 7101, httpPort: 7102 }),
  /** OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (docs/ARCHITECTURE.md#tracing). */
  ...tracingConfigShape,
  /** Who may call the public RPCs: tokens verified here too, not only at the gateway. */
  ...authConfigShape,
  /** `sqlite:<path>` locally (two instances share the file in WAL mode), `mssql://…` in Kubernetes. */
  DATABASE_URL: databaseUrl.default("sqlite:.data/owner.db"),
  /** "true" admits trustServerCertificate=true in a SQL Server DATABASE_URL (self-signed dev server only). */
  DATABASE_DEV_TRUST_SERVER_CERTIFICATE: devTrustServerCertificate,
  /** Upper bound on how long RemoveOwnerData waits for its saga (less if the caller's deadline is nearer). */
  REMOVAL_WAIT_MS: millis.default(5_000),
  /** Lease on a saga; a crashed coordinator's saga is taken over by a peer after this long. */
  SAGA_LEASE_MS: millis.default(10_000),
  /** Backoff between failed participant calls: first and largest pause. */
  SAGA_RETRY_MIN_MS: millis.default(200),
  SAGA_RETRY_MAX_MS: millis.default(5_000),
  /** How often to look for unfinished sagas whose lease expired. */
  SAGA_SWEEP_INTERVAL_MS: millis.default(5_000),
  /** Timeout of one participant call (ErasePets, CancelPending). */
  SAGA_CALL_TIMEOUT_MS: millis.default(3_000),
};

/** Parsed configuration of the owner service. */
export type Config = z.infer<z.ZodObject<typeof configShape>>;
