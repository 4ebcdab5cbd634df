import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { DemoService } from "@vetmesh/contracts/demo/v1/demo";
import { invalid } from "@vetmesh/kit";

/** The message the circuit-breaker demo route shows (API.md: `Exception thrown on purpose`). */
export const FAIL_MESSAGE = "Exception thrown on purpose";

/**
 * Builds the upstream of the gateway's resilience endpoints: Ping answers at
 * once, Slow waits
 * and Ticks streams (honouring the caller's deadline so work stops when the
 * caller gives up), Fail always throws.
 */
export function createDemoApp(options: { instanceId: string; maxDelayMs: number }) {
  return {
    routes(router: ConnectRouter) {
      router.service(DemoService, {
        ping: () => ({ message: "ok", instanceId: options.instanceId }),
        async slow(req, ctx) {
          if (req.delayMs < 0 || req.delayMs > options.maxDelayMs) {
            throw invalid("delay_ms", `delay_ms must be between 0 and ${options.maxDelayMs}`);
          }
          const started = performance.now();
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(resolve, req.delayMs);
            ctx.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              reject(new ConnectError("caller gave up", Code.Canceled));
            });
          });
          return { waitedMs: Math.round(performance.now() - started) };
        },
        async *ticks(req, ctx) {
          if (req.count < 0 || req.count > 1000) throw invalid("count", "count must be between 0 and 1000");
          if (req.intervalMs < 0 || req.intervalMs > 10_000) {
            throw invalid("interval_ms", "interval_ms must be between 0 and 10000");
          }
          for (let tick = 1; tick <= req.count; tick++) {
            if (ctx.signal.aborted) return;
            if (req.intervalMs > 0) await Bun.sleep(req.intervalMs);
            yield { tick };
          }
        },
        fail() {
          throw new ConnectError(FAIL_MESSAGE, Code.Internal);
        },
      });
    },
  };
}
