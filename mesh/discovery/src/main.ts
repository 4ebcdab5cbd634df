import { loadConfigOrExit, runService } from "@vetmesh/kit";
import { createDiscoveryApp } from "./app.ts";
import { configShape, insecureReason } from "./config.ts";

const config = loadConfigOrExit(configShape);
const insecure = insecureReason(config);
if (insecure) {
  process.stderr.write(`invalid configuration:\n  ${insecure}\n`);
  process.exit(78);
}
const app = createDiscoveryApp({
  redisUrl: config.REDIS_URL,
  redisPrefix: config.DISCOVERY_REDIS_PREFIX,
  defaultTtlMs: config.DISCOVERY_DEFAULT_TTL_MS,
  sweepIntervalMs: config.DISCOVERY_SWEEP_MS,
  token: config.DISCOVERY_TOKEN,
});
// Watch streams never finish by themselves; end them as the drain starts so it does not wait on them.
process.once("SIGTERM", app.endWatches);
process.once("SIGINT", app.endWatches);
// Discovery never registers with itself: DISCOVERY_URL is ignored here.
await runService({
  name: "discovery",
  config: { ...config, DISCOVERY_URL: undefined },
  routes: app.routes,
  health: app.health,
  onShutdown: app.close,
  metadata: { store: config.REDIS_URL ? "redis" : "memory" },
});
