import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { kitConfigShape, loadConfig, type RunningService, startService } from "@vetmesh/kit";
import type { Endpoint } from "../endpoint.ts";

/** Behaviour of one in-process test upstream; mutable so a test can make it fail mid-way. */
export interface UpstreamBehaviour {
  pingError?: Code;
  /** Wait this long before answering (or failing) a Ping. */
  pingDelayMs?: number;
}

/** A real kit service (h2c + HTTP/1.1 on loopback, port 0) serving DemoService, for balancer tests. */
export interface TestUpstream {
  endpoint: Endpoint;
  behaviour: UpstreamBehaviour;
  calls: number;
  running: RunningService;
  stop(): Promise<void>;
}

/** Starts `count` DemoService upstreams named `${prefix}-1..n`; Ping answers with the instance id. */
export async function startDemoUpstreams(count: number, prefix = "demo"): Promise<TestUpstream[]> {
  const out: TestUpstream[] = [];
  for (let i = 1; i <= count; i++) {
    const instanceId = `${prefix}-${i}`;
    const config = loadConfig(kitConfigShape({ service: "demo", grpcPort: 0, httpPort: 0 }), {
      INSTANCE_ID: instanceId,
      LOG_LEVEL: "silent",
      DRAIN_DELAY_MS: "0",
      DRAIN_TIMEOUT_MS: "200",
    });
    const upstream = { behaviour: {}, calls: 0 } as TestUpstream;
    const routes = (router: ConnectRouter) =>
      router.service(DemoService, {
        async ping() {
          upstream.calls++;
          if (upstream.behaviour.pingDelayMs) await Bun.sleep(upstream.behaviour.pingDelayMs);
          if (upstream.behaviour.pingError !== undefined)
            throw new ConnectError("told to fail", upstream.behaviour.pingError);
          return { message: "ok", instanceId };
        },
        async slow(req) {
          upstream.calls++;
          await Bun.sleep(req.delayMs);
          return { waitedMs: req.delayMs };
        },
        async *ticks(req) {
          for (let tick = 1; tick <= req.count; tick++) yield { tick };
        },
        fail() {
          upstream.calls++;
          throw new ConnectError("Exception thrown on purpose", Code.Internal);
        },
      });
    const running = await startService({ name: "demo", config, routes });
    upstream.running = running;
    upstream.endpoint = {
      instanceId,
      grpcAddress: `127.0.0.1:${running.grpcPort}`,
      httpAddress: `127.0.0.1:${running.httpPort}`,
    };
    upstream.stop = () => running.drain();
    out.push(upstream);
  }
  return out;
}
