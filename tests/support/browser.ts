import { describe } from "bun:test";
/**
 * Headless Chromium for browser tests: Debian's `chromium` (installed by
 * `.ci/run` when missing) driven by playwright-core, which ships no browser of
 * its own. Flags keep it offline and quiet: no background networking, no
 * component updates, no sync, no QUIC, so a page's only requests are its own.
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { ROOT } from "./process.ts";

/** The Chromium binary, or undefined when none is installed (tests then skip, saying so). */
export const CHROMIUM_PATH: string | undefined = Bun.which("chromium") ?? undefined;

/** Launches headless Chromium with the flags that work on these machines (no sandbox as root, no GPU). */
export async function launchBrowser(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error("chromium is not installed (apt-get install -y chromium)");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Folder for screenshots and other test output (ignored by git). */
export function artifactPath(name: string): string {
  const dir = join(ROOT, "tests", ".artifacts");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}

/** Records every URL the page requests whose origin is not `origin` (data: and blob: URLs are local). */
export function recordForeignRequests(page: Page, origin: string): string[] {
  const foreign: string[] = [];
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (url.origin !== origin) foreign.push(request.url());
  });
  return foreign;
}

/** The few browser globals page functions use (the workspace compiles without the DOM lib). */
export interface BrowserGlobals {
  document: {
    createElement(tag: "canvas"): {
      width: number;
      height: number;
      getContext(kind: "2d"): {
        drawImage(image: unknown, x: number, y: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      } | null;
    };
    querySelectorAll(selector: string): { length: number };
  };
  Image: new () => { src: string; width: number; height: number; decode(): Promise<void> };
}

/**
 * How much of a PNG is drawn: the share of pixels that differ from its
 * top-left pixel, and the number of distinct colours (sampled), measured by
 * decoding it on a canvas in the page. A blank page is ~0 and 1.
 */
export async function inkOf(page: Page, png: Buffer): Promise<{ inked: number; colours: number }> {
  return page.evaluate(async (base64) => {
    const { document, Image } = globalThis as unknown as BrowserGlobals;
    const image = new Image();
    image.src = `data:image/png;base64,${base64}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    if (!context) throw new Error("no 2d context");
    context.drawImage(image, 0, 0);
    const { data } = context.getImageData(0, 0, image.width, image.height);
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < data.length; i += 4) {
      const differs =
        data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3];
      if (differs) inked++;
      if (i % 64 === 0) colours.add(((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0));
    }
    return { inked: inked / (data.length / 4), colours: colours.size };
  }, png.toString("base64"));
}

/** Whether Chromium launches here; the reason when it does not (a suite puts it in its skipped name). */
export const browserProbe: { ok: true } | { ok: false; reason: string } = await (async () => {
  try {
    const browser = await launchBrowser();
    await browser.close();
    return { ok: true as const };
  } catch (error) {
    const first = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
    return { ok: false as const, reason: `Chromium cannot be launched (${first})` };
  }
})();

/**
 * A describe block that runs only where Chromium launches; elsewhere it is
 * skipped under a name that says so and why (`<name> — skipped: <reason>`).
 */
export function browserSuite(name: string, body: () => void): void {
  if (browserProbe.ok) describe(name, body);
  else describe.skip(`${name} — skipped: ${browserProbe.reason}`, body);
}

/** One accessibility finding of axe-core. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

let axeSource: string | undefined;

/**
 * Runs axe-core inside the page (evaluated over the DevTools protocol, which
 * the page's CSP does not block) and answers its serious and critical violations.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await Bun.file(createRequire(import.meta.url).resolve("axe-core/axe.min.js")).text();
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    "window.axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => ({ target: n.target })) })))",
  )) as AxeViolation[];
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}

/** The page's widest content: more than the viewport means sideways scrolling on a phone. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate("document.documentElement.scrollWidth") as Promise<number>;
}
