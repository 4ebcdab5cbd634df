import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import {
  artifactPath,
  type BrowserGlobals,
  browserSuite,
  inkOf,
  launchBrowser,
  recordForeignRequests,
} from "../support/browser.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";

const METHODS = ["get", "post", "put", "patch", "delete"];
let system: RunningSystem;
let browser: Browser;

browserSuite("GET /docs in headless Chromium", () => {
  beforeAll(async () => {
    system = await startSystem();
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  }, STOP_BOUND_MS);

  test("lists every operation of /openapi.json, makes no request off the gateway, and draws a non-blank page", async () => {
    const spec = (await (await fetch(`${system.gateway}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(spec.paths)
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m} ${path}`),
      )
      .sort();
    expect(operations.length).toBeGreaterThanOrEqual(18);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const origin = new URL(system.gateway).origin;
    const foreign = recordForeignRequests(page, origin);
    const failed: string[] = [];
    page.on("requestfailed", (request) => failed.push(request.url()));
    const res = await page.goto(`${system.gateway}/docs`, { waitUntil: "load" });
    expect(res?.status()).toBe(200);
    // Swagger UI renders one .opblock per operation once it has fetched and parsed the spec.
    await page.waitForFunction(
      (n) => (globalThis as unknown as BrowserGlobals).document.querySelectorAll(".opblock").length >= n,
      operations.length,
      { timeout: 60_000 },
    );
    const listed = await page.$$eval(".opblock", (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector(".opblock-summary-method")?.textContent ?? "";
        const path = block.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
        return `${method.toLowerCase()} ${path}`;
      }),
    );
    expect(listed.sort()).toEqual(operations);
    await page.waitForLoadState("networkidle");
    expect(foreign).toEqual([]);
    expect(failed).toEqual([]);

    const path = artifactPath("docs-page.png");
    const png = await page.screenshot({ path, fullPage: true });
    const ink = await inkOf(page, png);
    // Swagger UI's method badges alone bring several colours; a blank or error page has one or two.
    expect(ink.inked).toBeGreaterThan(0.05);
    expect(ink.colours).toBeGreaterThan(20);
    await page.close();
  }, 120_000);
});
