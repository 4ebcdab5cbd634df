import type { Context } from "hono";

interface BunServerLike {
  requestIP?(request: Request): { address: string } | null;
}

function normalise(address: string): string {
  const trimmed = address.trim();
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed;
}

/** The TCP peer of the request (Bun's server is passed as `env.server` by the kit). */
export function socketAddress(c: Context): string | undefined {
  const env = c.env as { server?: BunServerLike } | undefined;
  const peer = env?.server?.requestIP?.(c.req.raw);
  return peer ? normalise(peer.address) : undefined;
}

/**
 * The client the rate limiter charges. `X-Forwarded-For` is believed only when
 * the peer is a trusted proxy, and then read from the right, skipping trusted
 * hops, so a client cannot pick its own bucket by sending the header.
 */
export function clientIp(c: Context, trustedProxies: ReadonlySet<string>): string {
  const peer = socketAddress(c) ?? "unknown";
  if (!trustedProxies.has(peer)) return peer;
  const forwarded = c.req.header("x-forwarded-for");
  if (!forwarded) return peer;
  const hops = forwarded.split(",").map(normalise).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (hop && !trustedProxies.has(hop)) return hop;
  }
  return hops[0] ?? peer;
}
