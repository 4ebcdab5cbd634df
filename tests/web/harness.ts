/**
 * What the browser suites share: a private system, one Chromium, pages at a
 * desktop or phone size, the screen checks (screenshot non-blank, axe, no
 * sideways scrolling) and API seeding over real REST.
 */

import { expect } from "bun:test";
import { writeFileSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { artifactPath, inkOf, scrollWidth, seriousA11yViolations } from "../support/browser.ts";

/**
 * Saves a full-page screenshot as tests/.artifacts/web-<name>.png (gitignored)
 * and answers the share of its pixels that are drawn (a blank page is ~0).
 */
export async function screenshot(page: Page, name: string): Promise<{ path: string; ink: number }> {
  const png = await page.screenshot({ fullPage: true });
  const path = artifactPath(`web-${name}.png`);
  writeFileSync(path, png);
  return { path, ink: (await inkOf(page, png)).inked };
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A page at a size; actions and waits get a deadline long enough for a busy 2-core machine. */
export async function openPage(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport, locale: "en-GB", timezoneId: "UTC" });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  return page;
}

/**
 * The checks every main screen passes: a non-blank screenshot saved under
 * OUTPUT_DIR, no serious/critical axe violation, nothing wider than the viewport.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await page.locator("[aria-busy=true]").first().waitFor({ state: "detached" });
  const shot = await screenshot(page, name);
  expect({ name, blank: shot.ink < 0.02 }).toEqual({ name, blank: false });
  const violations = await seriousA11yViolations(page);
  expect({ name, violations }).toEqual({ name, violations: [] });
  const width = page.viewportSize()?.width ?? 0;
  expect({ name, scrollWidth: Math.min(await scrollWidth(page), width + 1) }).toEqual({
    name,
    scrollWidth: width,
  });
}

/** REST seeding for screens that start from existing data (`headers`: a bearer token in required mode). */
export function createSeeder(gateway: string, headers: Record<string, string> = {}) {
  const post = async <T>(path: string, body: unknown): Promise<T> => {
    const res = await fetch(`${gateway}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  return {
    async ownerWithPet(email: string, pet = { type: "Dog", race: "Beagle", name: "Biscuit" }) {
      await post("/api/owner/register", { email });
      const { petId } = await post<{ petId: string }>("/api/owner/register-pet", { email, ...pet });
      return petId;
    },
    async appointment(petId: string, dateTime: string, reason: string) {
      return (
        await post<{ appointmentId: string }>("/api/veterinary/make-appointment", { petId, dateTime, reason })
      ).appointmentId;
    },
  };
}

/** Polls `probe` until it answers a value or the deadline passes (state, not sleeps, decides). */
export async function eventually<T>(
  probe: () => T | undefined,
  what: string,
  deadlineMs = 90_000,
): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(250);
  }
}

/** `YYYY-MM-DD` n days from now (UTC, the browser context's zone). */
export function dayFromNow(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

export { mailTo } from "../support/mailbox.ts";
