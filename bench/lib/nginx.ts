/**
 * The bench's peer: Debian's nginx as the same gateway for the pets route.
 * `GET /api/owner/{ref}/pets` → `limit_req` (one zone per client address, the
 * gateway's raised limit) → `proxy_cache` → the owner instances' HTTP/1.1
 * Connect JSON `ListPets` (consistent hash on the ref, keep-alive upstream
 * connections), on two ports: one caching for the TTL (the hit, beside (b)),
 * one whose cache key carries the request id so every request looks up, misses,
 * calls the owner and stores (the miss, beside (c)). nginx passes the owner's
 * JSON through untouched (the gateway reshapes it), runs one worker (the
 * gateway is one process), and writes no access log (the gateway writes one
 * line per request: an honest peer would too; see bench/README.md).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";
import { childPids } from "./cpu.ts";

/** A running nginx peer. */
export interface NginxPeer {
  version: string;
  masterPid: number;
  /** The worker and the cache manager/loader: their CPU is the peer's cost. */
  childPids: number[];
  /** Base URL of the caching server (hit) and of the always-missing one. */
  hitUrl: string;
  missUrl: string;
  stop(): Promise<void>;
}

/** Where nginx is, or why the peer rows are skipped. */
export function findNginx(): { binary: string } | { skipped: string } {
  const binary = Bun.which("nginx") ?? Bun.which("nginx", { PATH: "/usr/sbin:/usr/local/sbin" });
  if (!binary) return { skipped: "nginx not installed (apt-get install -y nginx-light adds the peer rows)" };
  return { binary };
}

/** The peer's layout: its folder, ports, the owners behind it, the cache TTL and the limit. */
export interface NginxOptions {
  dir: string;
  hitPort: number;
  missPort: number;
  /** `host:port` of the owners' HTTP/1.1 listeners. */
  upstreams: string[];
  ttlSeconds: number;
  /** Requests per second per client address (limit_req), the gateway's raised read limit. */
  ratePerSecond: number;
}

/** The configuration text. */
export function nginxConfig(options: NginxOptions & { runAsRoot: boolean }): string {
  const { dir } = options;
  const location = (cacheKey: string) => `
    location ~ ^/api/owner/([^/]+)/pets$ {
      set $owner_ref $1;
      limit_req zone=read burst=${options.ratePerSecond} nodelay;
      limit_req_status 429;
      proxy_cache pets;
      proxy_cache_key ${cacheKey};
      proxy_cache_valid 200 ${options.ttlSeconds}s;
      proxy_cache_lock on;
      add_header X-Cache $upstream_cache_status;
      proxy_method POST;
      proxy_set_body '{"ownerRef":"$owner_ref"}';
      proxy_set_header Content-Type application/json;
      proxy_set_header Connection "";
      proxy_http_version 1.1;
      rewrite ^ /vetmesh.owner.v1.OwnerService/ListPets break;
      proxy_pass http://owners;
    }`;
  return `${options.runAsRoot ? "user root root;\n" : ""}daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, "body")};
  proxy_temp_path ${join(dir, "proxy")};
  fastcgi_temp_path ${join(dir, "fastcgi")};
  uwsgi_temp_path ${join(dir, "uwsgi")};
  scgi_temp_path ${join(dir, "scgi")};
  proxy_cache_path ${join(dir, "cache")} levels=1:2 keys_zone=pets:10m max_size=256m inactive=60s use_temp_path=off;
  limit_req_zone $binary_remote_addr zone=read:10m rate=${options.ratePerSecond}r/s;
  upstream owners {
    hash $owner_ref consistent;
${options.upstreams.map((one) => `    server ${one};`).join("\n")}
    keepalive 32;
  }
  server {
    listen 127.0.0.1:${options.hitPort};
    location / { return 404; }
${location("$owner_ref")}
  }
  server {
    listen 127.0.0.1:${options.missPort};
    location / { return 404; }
${location("$owner_ref$request_id")}
  }
}
`;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/** Starts nginx in the foreground (so the bench owns it) and waits until both ports answer. */
export async function startNginx(options: NginxOptions & { binary: string }): Promise<NginxPeer> {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, "nginx.conf");
  writeFileSync(file, nginxConfig({ ...options, runAsRoot: process.getuid?.() === 0 }));
  const version = Bun.spawnSync([options.binary, "-v"])
    .stderr.toString()
    .trim()
    .replace(/^nginx version: /, "");
  const check = Bun.spawnSync([options.binary, "-t", "-q", "-c", file, "-p", options.dir]);
  if (check.exitCode !== 0) throw new Error(`nginx -t failed: ${check.stderr.toString()}`);
  const master: Subprocess = spawn({
    cmd: [options.binary, "-c", file, "-p", options.dir],
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  const hitUrl = `http://127.0.0.1:${options.hitPort}`;
  const missUrl = `http://127.0.0.1:${options.missPort}`;
  const deadline = Date.now() + 10_000;
  while (!((await answers(hitUrl)) && (await answers(missUrl)))) {
    if (Date.now() > deadline || master.exitCode !== null) {
      master.kill("SIGKILL");
      throw new Error(`nginx did not answer on ${hitUrl} and ${missUrl}`);
    }
    await Bun.sleep(50);
  }
  let children: number[] = [];
  while (children.length === 0 && Date.now() < deadline) {
    children = childPids(master.pid);
    if (children.length === 0) await Bun.sleep(50);
  }
  return {
    version,
    masterPid: master.pid,
    childPids: children,
    hitUrl,
    missUrl,
    async stop() {
      master.kill("SIGQUIT");
      const stopped = await Promise.race([master.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      if (!stopped) {
        master.kill("SIGKILL");
        for (const pid of children) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
    },
  };
}
