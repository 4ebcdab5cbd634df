/**
 * Discovery's shared secret over real sockets: kit processes with the right
 * DISCOVERY_TOKEN register, heartbeat and deregister (with their lease
 * token); one without it is refused and never listed; discovery bound off
 * loopback without a token refuses to start.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { DiscoveryService } from "@vetmesh/contracts/discovery/v1/discovery";
import { ROOT, startProcess, stopAll, type TestProcess } from "../support/process.ts";

const TOKEN = `test-${crypto.randomUUID()}`;
afterAll(stopAll);

const listed = async (discovery: TestProcess) =>
  (
    await createClient(
      DiscoveryService,
      createConnectTransport({ baseUrl: `http://127.0.0.1:${discovery.httpPort}`, httpVersion: "1.1" }),
    ).list({ service: "demo" })
  ).instances.map((i) => i.instanceId);

const demo = (instanceId: string, discovery: TestProcess, token?: string) =>
  startProcess({
    name: instanceId,
    entry: "packages/demo-service/src/main.ts",
    env: {
      INSTANCE_ID: instanceId,
      DISCOVERY_URL: `http://127.0.0.1:${discovery.httpPort}`,
      // A long lease: the instance can only leave the list quickly by a deregister that discovery accepted.
      DISCOVERY_TTL_MS: "60000",
      ...(token ? { DISCOVERY_TOKEN: token } : {}),
    },
  });

describe("DISCOVERY_TOKEN across processes", () => {
  test("with the token: registered, then deregistered at once on SIGTERM; without it: refused, never listed", async () => {
    const discovery = await startProcess({
      name: "discovery-token",
      entry: "mesh/discovery/src/main.ts",
      // In memory (REDIS_URL may be set for other tests): this registry is this test's alone.
      env: { INSTANCE_ID: "discovery-token", DISCOVERY_TOKEN: TOKEN, REDIS_URL: "" },
    });
    const member = await demo("demo-member", discovery, TOKEN);
    await member.waitForLine((line) => line.includes("registered with discovery"));
    const stranger = await demo("demo-stranger", discovery, "wrong-token-of-sixteen-chars");
    await stranger.waitForLine((line) => line.includes("unauthenticated"));
    expect(await listed(discovery)).toEqual(["demo-member"]);
    member.kill("SIGTERM");
    expect(await member.exited).toBe(0);
    expect(await listed(discovery)).toEqual([]);
  }, 30_000);

  test("discovery bound off loopback without DISCOVERY_TOKEN exits 78 naming the variable", async () => {
    const proc = Bun.spawn({
      cmd: [process.execPath, resolve(ROOT, "mesh/discovery/src/main.ts")],
      cwd: ROOT,
      env: { ...process.env, HOST: "0.0.0.0", GRPC_PORT: "0", HTTP_PORT: "0", DISCOVERY_TOKEN: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(78);
    expect(await new Response(proc.stderr).text()).toContain(
      "DISCOVERY_TOKEN: required when HOST is not loopback",
    );
  }, 30_000);
});
