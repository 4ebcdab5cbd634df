import { type Subprocess, spawn } from "bun";
import { freePort } from "./free-port.ts";

async function answersPing(port: number): Promise<boolean> {
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), 500);
      void Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          open(socket) {
            socket.write("PING\r\n");
          },
          data(socket, data) {
            clearTimeout(timer);
            resolve(data.toString());
            socket.end();
          },
          error(_socket, error) {
            clearTimeout(timer);
            reject(error);
          },
        },
      }).catch(reject);
    });
    return reply.startsWith("+PONG");
  } catch {
    return false;
  }
}

/** A redis-server owned by one test file (or the bench), on its own port, that may be stopped and started again. */
export interface PrivateRedis {
  url: string;
  port: number;
  /** The server's pid while it runs (the bench reads its CPU time). */
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL: like a crash; nothing is persisted. */
  stop(): Promise<void>;
}

/** Whether the private-redis tests can run here. */
export const hasRedisServer = Bun.which("redis-server") !== null;

/**
 * Starts a private, non-persisting redis-server (on `port`, else a free one):
 * tests that kill Redis or count its commands must never touch the shared one.
 * `extraArgs` are appended to its command line (e.g. `--aclfile <file>`; PING must stay allowed).
 */
export async function startPrivateRedis(port?: number, extraArgs: string[] = []): Promise<PrivateRedis> {
  const chosen = port ?? (await freePort());
  let server: Subprocess | undefined;
  const redis: PrivateRedis = {
    url: `redis://127.0.0.1:${chosen}`,
    port: chosen,
    get pid() {
      return server?.pid;
    },
    async start() {
      server = spawn({
        cmd: [
          "redis-server",
          "--port",
          String(chosen),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          ...extraArgs,
        ],
        stdout: "ignore",
        stderr: "ignore",
      });
      for (let i = 0; i < 100 && !(await answersPing(chosen)); i++) await Bun.sleep(50);
      if (!(await answersPing(chosen))) throw new Error(`private redis-server on ${chosen} did not answer`);
    },
    async stop() {
      if (!server) return;
      server.kill("SIGKILL");
      await server.exited;
      server = undefined;
    },
  };
  await redis.start();
  return redis;
}
