import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createGatewayHarness } from "../testing/harness.ts";

type Harness = Awaited<ReturnType<typeof createGatewayHarness>>;
let h: Harness;

beforeAll(async () => {
  h = await createGatewayHarness();
});
afterAll(async () => {
  await h.close();
});

describe("GET /docs", () => {
  test("an HTML page whose every script and stylesheet is served by the gateway itself", async () => {
    const res = await h.app.request("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=UTF-8");
    const html = await res.text();
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(urls).toEqual(["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/init.js"]);
    expect(html).not.toMatch(/https?:\/\//);
  });

  test("the assets come from the installed swagger-ui-dist, with their content types", async () => {
    const css = await h.app.request("/docs/swagger-ui.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await css.text()).length).toBeGreaterThan(10_000);
    const bundle = await h.app.request("/docs/swagger-ui-bundle.js");
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await bundle.text()).toContain("SwaggerUIBundle");
    const init = await (await h.app.request("/docs/init.js")).text();
    expect(init).toContain('url: "/openapi.json"');
    expect(init).toContain("validatorUrl: null");
    expect((await h.app.request("/docs/other.js")).status).toBe(404);
  });
});
