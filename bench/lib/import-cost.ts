/**
 * What importing each dependency costs a process in resident memory: a fresh
 * `bun` imports one module (from the package that declares it, so the
 * isolated linker resolves it), collects garbage, and reads its own VmRSS; the
 * figure is that minus a bare `bun` doing the same with nothing imported.
 * Imports overlap (most pull zod or Connect), so the rows do not add up to a
 * process's RSS; they say which import weighs.
 */
import { join } from "node:path";

/** One probed import and the RSS it added. */
export interface ImportCost {
  module: string;
  from: string;
  addedMb: number;
}

/** The imports probed: every runtime dependency of the services that could weigh, from a package declaring it. */
export const PROBED_IMPORTS: Array<{ module: string; from: string }> = [
  { module: "zod", from: "packages/service-kit" },
  { module: "hono", from: "packages/service-kit" },
  { module: "jose", from: "packages/service-kit" },
  { module: "prom-client", from: "packages/service-kit" },
  { module: "@bufbuild/protobuf", from: "packages/service-kit" },
  { module: "@connectrpc/connect", from: "packages/service-kit" },
  { module: "@connectrpc/connect-node", from: "packages/service-kit" },
  { module: "drizzle-orm/bun-sqlite", from: "packages/service-kit" },
  { module: "mssql", from: "packages/service-kit" },
  { module: "@opentelemetry/api", from: "packages/service-kit" },
  { module: "@opentelemetry/sdk-trace", from: "packages/service-kit" },
  { module: "@opentelemetry/exporter-trace-otlp-proto", from: "packages/service-kit" },
  { module: "ioredis", from: "packages/gateway" },
  { module: "@hono/zod-openapi", from: "packages/gateway" },
  { module: "rate-limiter-flexible", from: "packages/gateway" },
  { module: "hashring", from: "mesh/balancer" },
  { module: "nodemailer", from: "packages/notification-service" },
  { module: "@vetmesh/kit", from: "packages/owner-service" },
  { module: "@vetmesh/balancer", from: "packages/owner-service" },
  { module: "@vetmesh/owner-service/app", from: "tests" },
  { module: "@vetmesh/gateway/app", from: "packages/gateway" },
];

const PROBE = (module: string | undefined) =>
  `${module ? `await import(${JSON.stringify(module)});` : ""}Bun.gc(true);` +
  `const m = require("node:fs").readFileSync("/proc/self/status", "utf8").match(/VmRSS:\\s+(\\d+)/);` +
  "console.log(m ? m[1] : 'NaN');";

function rssKbAfter(root: string, from: string, module?: string): number {
  const out = Bun.spawnSync([process.execPath, "-e", PROBE(module)], {
    cwd: join(root, from),
    env: { ...process.env, BUN_OPTIONS: "" },
  });
  return Number(out.stdout.toString().trim().split("\n").pop());
}

/** Probes every import (about 0.2 s each); a module that fails to import reads NaN. */
export function measureImportCosts(
  root: string,
  imports = PROBED_IMPORTS,
): { bareMb: number; costs: ImportCost[] } {
  const bare = rssKbAfter(root, "packages/service-kit");
  return {
    bareMb: bare / 1024,
    costs: imports.map(({ module, from }) => ({
      module,
      from,
      addedMb: (rssKbAfter(root, from, module) - bare) / 1024,
    })),
  };
}
