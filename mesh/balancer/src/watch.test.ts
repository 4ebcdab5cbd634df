import { afterAll, expect, test } from "bun:test";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { kitConfigShape, loadConfig, type RunningService, startService } from "@vetmesh/kit";
import type { Endpoint } from "./endpoint.ts";
import { createDiscoveryWatcher } from "./watch.ts";

const instance = (id: string) => ({
  service: "owner",
  instanceId: id,
  grpcAddress: "127.0.0.1:1",
  httpAddress: "",
  metadata: {},
});

let server: RunningService | undefined;
afterAll(async () => {
  await server?.drain();
});

test("after a discovery restart, an empty registry does not drop the known instances until the grace ends", async () => {
  // A real discovery endpoint whose first watch streams [a] and ends (discovery going away);
  // the next watch streams [] (a restarted, empty registry) and stays open.
  let connections = 0;
  server = await startService({
    name: "discovery",
    config: loadConfig(kitConfigShape({ service: "discovery", grpcPort: 0, httpPort: 0 }), {
      LOG_LEVEL: "silent",
      DRAIN_DELAY_MS: "0",
    }),
    routes(router) {
      router.service(DiscoveryService, {
        async *watch(_req, ctx) {
          connections++;
          if (connections === 1) {
            yield { instances: [instance("a")] };
            return;
          }
          yield { instances: [] };
          await new Promise<void>((resolve) => ctx.signal.addEventListener("abort", () => resolve()));
        },
      });
    },
  });
  const watch = createDiscoveryWatcher({
    discoveryUrl: `http://127.0.0.1:${server.httpPort}`,
    backoff: { initialMs: 10, maxMs: 10 },
    reconnectGraceMs: 300,
  });
  const seen: Array<{ at: number; ids: string[] }> = [];
  const started = performance.now();
  const abort = new AbortController();
  void watch(
    "owner",
    (endpoints: Endpoint[]) =>
      seen.push({ at: performance.now() - started, ids: endpoints.map((e) => e.instanceId) }),
    abort.signal,
  );
  const deadline = Date.now() + 5000;
  while (!seen.some((one) => one.ids.length === 0) && Date.now() < deadline) await Bun.sleep(20);
  abort.abort();
  expect(seen.map((one) => one.ids)).toEqual([["a"], ["a"], []]);
  const reconnected = seen[1]!.at;
  expect(seen[2]!.at - reconnected).toBeGreaterThanOrEqual(290);
});
