import { loadConfigOrExit, runService } from "@vetmesh/kit";
import { createDemoApp } from "./app.ts";
import { configShape } from "./config.ts";

const config = loadConfigOrExit(configShape);
const app = createDemoApp({ instanceId: config.INSTANCE_ID, maxDelayMs: config.DEMO_MAX_DELAY_MS });
await runService({ name: "demo", config, routes: app.routes });
