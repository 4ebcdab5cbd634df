/**
 * A private redis-server for the bench (its CPU is counted per request like
 * every other process's, and no other engineer's keys or load share it):
 * started in the foreground on a fixed port, nothing persisted.
 */
import { type Subprocess, spawn } from "bun";

/** A running private Redis. */
export interface PrivateRedis {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

async function ping(port: number): Promise<boolean> {
  try {
    const reply = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timeout")), 500);
      void Bun.connect({
        hostname: "127.0.0.1",
        port,
        socket: {
          open: (socket) => void socket.write("PING\r\n"),
          data: (socket, data) => {
            clearTimeout(timer);
            resolve(data.toString());
            socket.end();
          },
          error: (_socket, error) => reject(error),
          connectError: (_socket, error) => reject(error),
        },
      }).catch(reject);
    });
    return reply.startsWith("+PONG");
  } catch {
    return false;
  }
}

/** Starts `redis-server` on 127.0.0.1:port; undefined when it is not installed. */
export async function startPrivateRedis(port: number): Promise<PrivateRedis | undefined> {
  const binary = Bun.which("redis-server");
  if (!binary) return undefined;
  const proc: Subprocess = spawn({
    cmd: [binary, "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "ignore",
    stdout: "ignore",
    stderr: "ignore",
  });
  const deadline = Date.now() + 5000;
  while (!(await ping(port))) {
    if (Date.now() > deadline || proc.exitCode !== null) {
      proc.kill("SIGKILL");
      throw new Error(`redis-server did not answer on port ${port}`);
    }
    await Bun.sleep(50);
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: proc.pid,
    async stop() {
      proc.kill("SIGTERM");
      await Promise.race([proc.exited, Bun.sleep(3000)]);
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}
