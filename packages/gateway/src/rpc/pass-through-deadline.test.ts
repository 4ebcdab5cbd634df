import { afterAll, describe, expect, test } from "bun:test";
import {
  Code,
  ConnectError,
  createClient,
  createRouterTransport,
  type HandlerContext,
} from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { OwnerService } from "@vetmesh/contracts/owner/v1/owner";
import { createGatewayHarness } from "../testing/harness.ts";

const harnesses: Array<{ close(): Promise<void> }> = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

// An owner upstream whose ListPets answers only when released (or when the call is aborted), so a
// deadline is the only thing that can end a call: no sleeps, the test controls the timing.
function heldOwner() {
  let calls = 0;
  const waiting: Array<() => void> = [];
  const transport = createRouterTransport((router) => {
    router.service(OwnerService, {
      async listPets(_req, ctx: HandlerContext) {
        calls++;
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          ctx.signal.addEventListener("abort", () => resolve());
        });
        return { owner: { id: "held-owner", email: "held@asd.com" }, pets: [] };
      },
    });
  });
  return {
    transport,
    calls: () => calls,
    release() {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

async function serve(options: Parameters<typeof createGatewayHarness>[0]) {
  const h = await createGatewayHarness(options);
  harnesses.push(h);
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, srv) => h.app.fetch(req, { server: srv }),
  });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  return {
    h,
    server,
    client: createClient(OwnerService, createConnectTransport({ baseUrl, httpVersion: "1.1" })),
  };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (e: unknown) => Code[ConnectError.from(e).code],
  );

describe("breaker vs. client-chosen deadlines", () => {
  test("five pass-through calls with a 1 ms Connect-Timeout-Ms do not open the breaker for other clients", async () => {
    const owner = heldOwner();
    const { h, server, client } = await serve({ transports: { owner: owner.transport } });
    try {
      // Raw Connect requests, so the deadline is only the header (a client library would also give up itself).
      for (let i = 0; i < 5; i++) {
        const res = await fetch(`http://127.0.0.1:${server.port}/vetmesh.owner.v1.OwnerService/ListPets`, {
          method: "POST",
          headers: { "content-type": "application/json", "connect-timeout-ms": "1" },
          body: JSON.stringify({ ownerRef: "held@asd.com" }),
        });
        expect(res.status).toBe(504);
        expect(((await res.json()) as { code: string }).code).toBe("deadline_exceeded");
      }
      expect(owner.calls()).toBe(5);
      expect(h.upstreams.breakerStates().owner).toBe("closed");
      // Another client, no deadline of its own: it reaches the upstream and gets its answer.
      const other = client.listPets({ ownerRef: "held@asd.com" });
      while (owner.calls() < 6) await Bun.sleep(1);
      owner.release();
      expect((await other).owner?.id).toBe("held-owner");
    } finally {
      server.stop(true);
    }
  });

  test("REST clients that go away (abort) do not count either", async () => {
    const owner = heldOwner();
    const { h } = await serve({ transports: { owner: owner.transport } });
    for (let i = 0; i < 5; i++) {
      const abort = new AbortController();
      const pending = Promise.resolve(
        h.app.request("/api/owner/held@asd.com/pets", { signal: abort.signal }),
      ).catch(() => undefined);
      while (owner.calls() < i + 1) await Bun.sleep(1);
      abort.abort();
      await pending;
    }
    expect(h.upstreams.breakerStates().owner).toBe("closed");
  });

  test("the gateway's own route deadline still counts as an upstream failure", async () => {
    const owner = heldOwner();
    const { h, server, client } = await serve({
      transports: { owner: owner.transport },
      config: { TIMEOUT_DEFAULT_MS: 20 },
    });
    try {
      for (let i = 0; i < 5; i++)
        expect(await codeOf(client.listPets({ ownerRef: "held@asd.com" }, { timeoutMs: 60_000 }))).toBe(
          "DeadlineExceeded",
        );
      expect(h.upstreams.breakerStates().owner).toBe("open");
      expect(await codeOf(client.listPets({ ownerRef: "held@asd.com" }))).toBe("Unavailable");
    } finally {
      server.stop(true);
    }
  });
});
