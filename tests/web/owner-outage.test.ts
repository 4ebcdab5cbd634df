/**
 * Both owner instances SIGKILLed under an open front desk: the screen says
 * "temporarily unavailable" in words (never a blank page or a raw error),
 * and once the instances are started again the same screen recovers through
 * its "Try again" button. Also checks that the screen checks themselves can
 * fail (axe finds a real violation, a blank page counts as blank).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { browserSuite, launchBrowser, seriousA11yViolations } from "../support/browser.ts";
import { type RunningSystem, startSystem } from "../support/system.ts";
import { checkScreen, createSeeder, DESKTOP, openPage, screenshot } from "./harness.ts";

browserSuite("front desk outage in Chromium", () => {
  let system: RunningSystem;
  let browser: Browser;
  beforeAll(async () => {
    system = await startSystem();
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  }, 60_000);

  test("the screen checks can fail: axe reports a missing label, a blank page is blank", async () => {
    const page = await openPage(browser, DESKTOP);
    await page.setContent('<main><input type="text"><img src="data:,"></main>');
    const violations = await seriousA11yViolations(page);
    const ids = violations.map((v) => v.id);
    expect(ids).toContain("image-alt");
    expect(ids).toContain("label");
    await page.setContent("<body style='background:#fff'></body>");
    expect((await screenshot(page, "blank-control")).ink).toBe(0);
  }, 60_000);

  test("owner service killed: 'temporarily unavailable' in words, and the screen recovers after the restart", async () => {
    const seed = createSeeder(system.gateway);
    const seen = `outage-seen-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    const email = `outage-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    await seed.ownerWithPet(seen);
    // Never listed before the outage, so the gateway's pets cache cannot answer for it.
    await seed.ownerWithPet(email, { type: "Cat", race: "Siamese", name: "Miso" });
    const page = await openPage(browser, DESKTOP);
    await page.goto(`${system.gateway}/#/owners/${encodeURIComponent(seen)}`);
    await page.getByRole("link", { name: "Biscuit" }).waitFor();
    const ownerPage = `${system.gateway}/#/owners/${encodeURIComponent(email)}`;

    for (const row of system.processes.filter((one) => one.name.startsWith("owner-"))) {
      process.kill(row.pid, "SIGKILL");
    }
    expect(system.processes.filter((one) => one.name.startsWith("owner-")).length).toBe(2);
    await page.goto(ownerPage);
    const alert = page.getByRole("alert").filter({ hasText: "temporarily unavailable" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("try again");
    expect(await page.getByRole("heading", { level: 1, name: email }).isVisible()).toBe(true);
    // Nothing of the owner seen before is shown as if it were this one's.
    expect(await page.getByRole("link", { name: "Biscuit" }).count()).toBe(0);
    await checkScreen(page, "owner-outage-desktop");

    await system.startMissing();
    // The balancer and breaker take the instances back within seconds; each retry is one click.
    const pets = page.getByRole("link", { name: "Miso" });
    const deadline = Date.now() + 90_000;
    while (!(await pets.isVisible())) {
      expect(Date.now()).toBeLessThan(deadline);
      const retry = page.getByRole("button", { name: "Try again" });
      if (await retry.isVisible()) await retry.click();
      await Promise.race([
        pets.waitFor({ timeout: 2_000 }),
        page.getByRole("alert").waitFor({ timeout: 2_000 }),
      ]).catch(() => {});
    }
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 240_000);
});
