import { createRouterTransport } from "@connectrpc/connect";
import { createGatewayApp } from "../app.ts";
import { defaultConfig } from "../config.ts";
import type { UpstreamTransports } from "../resilience/upstreams.ts";
import { OPENAPI_PATH } from "./document.ts";

/** Where the checked-in copy of the spec lives, relative to the repository root. */
export const SPEC_FILE = "docs/openapi.json";

/**
 * The spec exactly as `GET /openapi.json` serves it, pretty-printed (two
 * spaces, final newline) as `docs/openapi.json` holds it. Built by a gateway
 * with default configuration and upstreams that are never called: the spec
 * depends on the code only, not on a running system.
 */
export async function servedSpecText(): Promise<string> {
  // A router with no services: any call would be Unimplemented (none is made).
  const unused = createRouterTransport(() => {});
  const transports: UpstreamTransports = { owner: unused, veterinary: unused, demo: unused };
  const { app } = createGatewayApp({ config: defaultConfig({ LOG_LEVEL: "silent" }), transports });
  const res = await app.request(OPENAPI_PATH);
  if (res.status !== 200) throw new Error(`GET ${OPENAPI_PATH} answered ${res.status}`);
  return `${JSON.stringify(await res.json(), null, 2)}\n`;
}
