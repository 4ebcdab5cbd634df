import { createServer } from "node:net";

/**
 * A loopback port that was free a moment ago: the kernel picks it, the probe
 * closes it. For a server that must start later (or "down") on a known port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
