import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGatewayHarness } from "../testing/harness.ts";
import { WEB_CSP } from "./static-site.ts";

const dir = mkdtempSync(join(tmpdir(), "gateway-web-"));
mkdirSync(join(dir, "site", "assets"), { recursive: true });
writeFileSync(join(dir, "site", "index.html"), "<!doctype html><title>front desk</title>");
writeFileSync(join(dir, "site", "assets", "main-abc123.js"), "console.log(1)");
writeFileSync(join(dir, "site", "assets", "main-abc123.css"), "body{}");
writeFileSync(join(dir, "site", "assets", "notes.txt"), "not an asset type");
writeFileSync(join(dir, "secret.js"), "outside the bundle");

const harnesses: Array<{ close(): Promise<void> }> = [];
async function gateway(webDir: string) {
  const h = await createGatewayHarness({ config: { WEB_DIR: webDir } });
  harnesses.push(h);
  return h.app;
}
afterAll(async () => {
  for (const h of harnesses) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

// What a browser sends when it navigates.
const html = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

describe("the web app at /", () => {
  test("an API client (no text/html in Accept) keeps the JSON 404 of / and of /status/..", async () => {
    const app = await gateway(join(dir, "site"));
    for (const accept of [undefined, "application/json", "*/*"]) {
      for (const path of ["/", "/status/.."]) {
        const res = await app.request(path, { headers: accept ? { accept } : {} });
        expect({ path, accept, status: res.status }).toEqual({ path, accept, status: 404 });
        expect(await res.json()).toEqual({ error: "Not found" });
      }
    }
  });

  test("GET / is index.html: HTML, never cached, a CSP of self only, the usual security headers", async () => {
    const app = await gateway(join(dir, "site"));
    const res = await app.request("/", { headers: html });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("<!doctype html><title>front desk</title>");
    expect(res.headers.get("vary")).toBe("Accept");
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toBe(WEB_CSP);
    expect(WEB_CSP).toContain("default-src 'self'");
    expect(WEB_CSP).not.toContain("unsafe-inline");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("HEAD / answers the headers without a body", async () => {
    const app = await gateway(join(dir, "site"));
    const res = await app.request("/", { method: "HEAD", headers: html });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await res.text()).toBe("");
  });

  test("hashed assets: their content type and a year's immutable cache", async () => {
    const app = await gateway(join(dir, "site"));
    const js = await app.request("/assets/main-abc123.js");
    expect(js.status).toBe(200);
    expect(await js.text()).toBe("console.log(1)");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const css = await app.request("/assets/main-abc123.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  test("anything that is not a bundle file is the API's 404, never a file outside the bundle", async () => {
    const app = await gateway(join(dir, "site"));
    for (const path of [
      "/assets/missing.js",
      "/assets/notes.txt",
      "/assets/..%2F..%2Fsecret.js",
      "/assets/%2e%2e%2fsecret.js",
      "/assets/.env",
      "/assets/",
      "/index.html",
    ]) {
      const res = await app.request(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect(await res.json()).toEqual({ error: "Not found" });
    }
  });

  test("the API is not shadowed: /api paths answer as before", async () => {
    const app = await gateway(join(dir, "site"));
    const status = await app.request("/api/status");
    expect(await status.json()).toEqual({ status: "ok" });
    const unknown = await app.request("/api/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: "Not found" });
  });

  test("a bundle that was never built: / says how to build it (503), not a blank page", async () => {
    const app = await gateway(join(dir, "nowhere"));
    const res = await app.request("/", { headers: html });
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      error: "The web app is not built: run make init (or bun packages/web/build.ts)",
    });
  });
});
