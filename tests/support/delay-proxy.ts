/**
 * A TCP proxy on loopback that holds every chunk, both ways, for a delay the
 * test sets (and may change at any time): a slow instance, seen from its
 * clients, without touching the instance's code. Chunks of one direction keep
 * their order (each waits until the one before it was written).
 */
import { createConnection, createServer, type Socket } from "node:net";

/** A running delay proxy. */
export interface DelayProxy {
  port: number;
  /** Milliseconds each chunk waits from now on (0: forward at once). */
  setDelay(ms: number): void;
  /** Chunks read and not yet written to the other side. */
  readonly pending: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/** Starts a proxy from a free loopback port to 127.0.0.1:targetPort. */
export async function startDelayProxy(targetPort: number, delayMs = 0): Promise<DelayProxy> {
  let delay = delayMs;
  let pending = 0;
  let accepted = 0;
  const sockets = new Set<Socket>();
  /** Forwards from → to, each chunk after the delay and after the previous chunk. */
  const pipe = (from: Socket, to: Socket) => {
    let previous = Promise.resolve();
    from.on("data", (chunk) => {
      pending++;
      const due = Date.now() + delay;
      previous = previous.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await Bun.sleep(wait);
        pending--;
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on("end", () => {
      void previous.then(() => to.end());
    });
  };
  const server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    pipe(client, upstream);
    pipe(upstream, client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    port,
    setDelay(ms) {
      delay = ms;
    },
    get pending() {
      return pending;
    },
    get accepted() {
      return accepted;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
