import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { createGatewayHarness } from "../testing/harness.ts";
import { createAllowedMethods, notFoundOrMethodNotAllowed } from "./method-not-allowed.ts";

let h: Awaited<ReturnType<typeof createGatewayHarness>>;
beforeAll(async () => {
  h = await createGatewayHarness();
});
afterAll(async () => {
  await h.close();
});

const call = async (method: string, path: string) => {
  const res = await h.app.request(path, {
    method,
    headers: { "content-type": "application/json" },
    body: method === "GET" || method === "HEAD" ? undefined : "{}",
  });
  return { status: res.status, allow: res.headers.get("allow"), body: await res.json() };
};
const notAllowed = (allow: string) => ({ status: 405, allow, body: { error: "Method not allowed" } });

describe("405 with Allow on a known path (issue #19)", () => {
  test("REST routes: the methods the path serves, a JSON error body", async () => {
    expect(await call("PUT", "/api/owner/register")).toEqual(notAllowed("POST"));
    expect(await call("GET", "/api/owner/register")).toEqual(notAllowed("POST"));
    expect(await call("DELETE", "/api/owner/someone@asd.com/pets")).toEqual(notAllowed("GET, HEAD"));
    expect(await call("GET", "/api/owner/remove-data/someone@asd.com")).toEqual(notAllowed("DELETE"));
    expect(await call("PATCH", "/end-appointment")).toEqual(notAllowed("POST"));
    expect(await call("POST", "/status")).toEqual(notAllowed("GET, HEAD"));
    expect(await call("OPTIONS", "/api/veterinary/appointments")).toEqual(notAllowed("GET, HEAD"));
  });

  test("the Connect pass-through serves GET and POST on public RPCs; internal services stay 404", async () => {
    expect(await call("PUT", "/vetmesh.owner.v1.OwnerService/ListPets")).toEqual(
      notAllowed("GET, HEAD, POST"),
    );
    expect(await call("PUT", "/vetmesh.owner.v1.OwnerInternalService/GetOwner")).toEqual({
      status: 404,
      allow: null,
      body: { error: "Not found" },
    });
  });

  test("an unknown path is still 404 Not found, whatever the method", async () => {
    for (const method of ["GET", "POST", "PUT"]) {
      expect(await call(method, "/api/owner/no-such-thing/at/all")).toEqual({
        status: 404,
        allow: null,
        body: { error: "Not found" },
      });
    }
  });
});

describe("createAllowedMethods: derived from the route table, whatever it holds", () => {
  test("a route added later is found; middleware does not count", async () => {
    const app = new Hono();
    app.use("*", async (_c, next) => next());
    app.get("/things/:id", (c) => c.text("one"));
    app.notFound(notFoundOrMethodNotAllowed(app));
    app.on(["PUT", "DELETE"], "/things/:id", (c) => c.text("changed"));
    expect(createAllowedMethods(app.routes)("/things/7")).toEqual(["DELETE", "GET", "HEAD", "PUT"]);
    expect(createAllowedMethods(app.routes)("/other")).toEqual([]);
    const res = await app.request("/things/7", { method: "POST" });
    expect([res.status, res.headers.get("allow")]).toEqual([405, "DELETE, GET, HEAD, PUT"]);
    expect((await app.request("/nothing", { method: "POST" })).status).toBe(404);
  });
});
