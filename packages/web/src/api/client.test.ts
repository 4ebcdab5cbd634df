import { afterAll, describe, expect, test } from "bun:test";
import { ApiError, createApiClient, describeFailure, UNAVAILABLE_SENTENCE } from "./client.ts";

// A real HTTP server, so the client's fetch, headers and body parsing run for real.
const seen: Array<{ path: string; auth: string | null; type: string | null; body: string }> = [];
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  async fetch(req) {
    const url = new URL(req.url);
    seen.push({
      path: url.pathname,
      auth: req.headers.get("authorization"),
      type: req.headers.get("content-type"),
      body: await req.text(),
    });
    switch (url.pathname) {
      case "/ok":
        return Response.json({ message: "ok", n: 1 }, { status: 202 });
      case "/conflict":
        return Response.json({ error: "The pet already has an appointment at that time" }, { status: 409 });
      case "/invalid":
        return Response.json({ error: "Invalid email: bad", details: { field: "email" } }, { status: 400 });
      case "/down":
        return Response.json({ error: "Service unavailable" }, { status: 503 });
      case "/html":
        return new Response("<html>proxy error</html>", { status: 502 });
      case "/slow":
        await Bun.sleep(2_000);
        return Response.json({});
      default:
        return Response.json({ error: "Not found" }, { status: 404 });
    }
  },
});
afterAll(() => server.stop(true));
const baseUrl = `http://127.0.0.1:${server.port}`;

describe("createApiClient", () => {
  test("a 2xx answers its JSON and status; JSON body and bearer token are sent", async () => {
    const client = createApiClient({ baseUrl, token: () => "tok-1" });
    const res = await client.call<{ message: string; n: number }>({
      method: "POST",
      path: "/ok",
      body: { a: 1 },
    });
    expect(res).toEqual({ status: 202, body: { message: "ok", n: 1 } });
    expect(seen.at(-1)).toEqual({
      path: "/ok",
      auth: "Bearer tok-1",
      type: "application/json",
      body: '{"a":1}',
    });
  });

  test("no token: no Authorization header", async () => {
    await createApiClient({ baseUrl }).call({ path: "/ok" });
    expect(seen.at(-1)?.auth).toBeNull();
  });

  test("an API error keeps the API's sentence and the field it named", async () => {
    const client = createApiClient({ baseUrl });
    const conflict = await client.call({ path: "/conflict" }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ApiError);
    expect((conflict as ApiError).status).toBe(409);
    expect((conflict as ApiError).message).toBe("The pet already has an appointment at that time");
    const invalid = (await client.call({ path: "/invalid" }).catch((e: unknown) => e)) as ApiError;
    expect([invalid.status, invalid.message, invalid.field]).toEqual([400, "Invalid email: bad", "email"]);
  });

  test("503 and a non-JSON 502 say temporarily unavailable, try again", async () => {
    const client = createApiClient({ baseUrl });
    const down = (await client.call({ path: "/down" }).catch((e: unknown) => e)) as ApiError;
    expect(down.message).toBe(`Service unavailable. ${UNAVAILABLE_SENTENCE}`);
    const html = (await client.call({ path: "/html" }).catch((e: unknown) => e)) as ApiError;
    expect(html.message).toBe(UNAVAILABLE_SENTENCE);
  });

  test("nothing listening, or past the deadline: status 0 and the unavailable sentence", async () => {
    const closed = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    const deadUrl = `http://127.0.0.1:${closed.port}`;
    closed.stop(true);
    const refused = (await createApiClient({ baseUrl: deadUrl })
      .call({ path: "/x" })
      .catch((e: unknown) => e)) as ApiError;
    expect([refused.status, refused.message]).toEqual([0, UNAVAILABLE_SENTENCE]);
    const slow = (await createApiClient({ baseUrl, timeoutMs: 100 })
      .call({ path: "/slow" })
      .catch((e: unknown) => e)) as ApiError;
    expect([slow.status, slow.message]).toEqual([0, UNAVAILABLE_SENTENCE]);
  });
});

describe("describeFailure", () => {
  test("each status class gets words a person can act on", () => {
    expect(describeFailure(401, { error: "Unauthorized" }).message).toBe(
      "Your sign-in was not accepted (Unauthorized): paste a fresh token.",
    );
    expect(describeFailure(403, { error: "Forbidden" }).message).toBe(
      "You are not allowed to do this (Forbidden).",
    );
    expect(describeFailure(408, { error: "Request timed out" }).message).toBe(
      `Request timed out. ${UNAVAILABLE_SENTENCE}`,
    );
    expect(describeFailure(429, { error: "You're being rate limited" }).message).toBe(
      "You're being rate limited: wait a few seconds, then try again.",
    );
    expect(describeFailure(500, { error: "Internal error (request id r1)" }).message).toBe(
      "Something went wrong on the server (Internal error (request id r1)).",
    );
    expect(describeFailure(404, undefined).message).toBe("The request failed (status 404).");
  });
});
