/**
 * The front desk in a real Chromium against a private `make run`: a clinic
 * day end to end through the screens only (register, book, double-book
 * refused, end with notes, vaccination, the reminder in the mailbox, remove
 * data with confirmation and progress), each main screen checked (non-blank
 * screenshot, axe, no sideways scroll) on desktop and on a 390 px phone,
 * and keyboard use.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { browserSuite, launchBrowser } from "../support/browser.ts";
import { type RunningSystem, startSystem } from "../support/system.ts";
import {
  checkScreen,
  createSeeder,
  DESKTOP,
  dayFromNow,
  eventually,
  mailTo,
  openPage,
  PHONE,
} from "./harness.ts";

browserSuite("front desk in Chromium", () => {
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

  const heading = (page: Page, text: string) => page.getByRole("heading", { level: 1, name: text });

  test("a front-desk day: register, book, double-book refused in words, end with notes, vaccinate, reminder mailed, remove data", async () => {
    const page = await openPage(browser, DESKTOP);
    const email = `desk-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    const tomorrow = dayFromNow(1);

    await page.goto(`${system.gateway}/`);
    await page.getByRole("heading", { name: "Find an owner" }).waitFor();
    await checkScreen(page, "front-desk-home-desktop");

    // Register the owner, then their pet.
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByRole("button", { name: "Register owner" }).click();
    await heading(page, email).waitFor();
    await page.getByLabel("Name").fill("Biscuit");
    await page.getByLabel("Species").fill("Dog");
    await page.getByLabel("Breed").fill("Beagle");
    await page.getByRole("button", { name: "Register pet" }).click();
    await page.getByText("Biscuit is registered.").waitFor();
    await page.getByRole("link", { name: "Biscuit" }).waitFor();
    await checkScreen(page, "owner-desktop");

    // The pet's page: book, then the same time again is refused with the conflict in words.
    await page.getByRole("link", { name: "Biscuit" }).click();
    await heading(page, "Biscuit").waitFor();
    await page.getByLabel("Date and time").fill(`${tomorrow}T10:00`);
    await page.getByLabel("Reason").fill("Annual check-up");
    await page.getByRole("button", { name: "Book appointment" }).click();
    await page.getByText(/^Booked for /).waitFor();
    const appointments = page.locator("#appointments");
    await appointments.getByText("Annual check-up").waitFor();
    await page.getByRole("button", { name: "Book appointment" }).click();
    const conflict = page.getByRole("alert").filter({ hasText: "Not booked" });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain("this time clashes with another appointment of this pet");
    expect(await conflict.textContent()).toContain("already has an appointment at that time");

    // End it with consultation notes: the status and the medical history show it.
    await page.getByRole("button", { name: "End with notes…" }).click();
    await page.getByLabel("Consultation notes").fill("Healthy, 12.4 kg. Teeth fine.");
    await page.getByRole("button", { name: "End appointment" }).click();
    await appointments.getByText("Ended", { exact: true }).waitFor();
    await page.locator("#history").getByText("Healthy, 12.4 kg. Teeth fine.").waitFor();

    // A vaccination due in three days: its first reminder is already due, so the scanner mails it.
    await page.getByLabel("Vaccine").fill("Rabies");
    await page.getByLabel("Next due (optional)").fill(dayFromNow(3));
    await page.getByRole("button", { name: "Record vaccination" }).click();
    await page.getByText("Rabies recorded.").waitFor();
    await page.locator("#vaccinations").getByRole("cell", { name: "Rabies" }).waitFor();
    await page
      .locator("#reminders")
      .getByText(/^Rabies: /)
      .first()
      .waitFor();
    await checkScreen(page, "pet-desktop");
    const mail = await eventually(
      () => mailTo(join(system.dataDir, "mail"), email).find((text) => text.includes("Rabies")),
      "the reminder email in the mailbox folder",
    );
    expect(mail).toContain("Biscuit");

    // The calendar of that day lists the appointment; the week too.
    await page.goto(`${system.gateway}/#/calendar/day/${tomorrow}`);
    await page.locator("#calendar").getByRole("link", { name: "Annual check-up" }).waitFor();
    await checkScreen(page, "calendar-day-desktop");
    await page.getByRole("link", { name: "Week", exact: true }).first().click();
    await page.locator("#calendar").getByRole("link", { name: "Annual check-up" }).waitFor();
    await checkScreen(page, "calendar-week-desktop");

    // What the owner sees.
    await page.goto(`${system.gateway}/#/owner-view/${encodeURIComponent(email)}`);
    await page.getByRole("heading", { name: "Biscuit · Dog" }).waitFor();
    await page
      .getByText(/^Rabies/)
      .first()
      .waitFor();
    await checkScreen(page, "owner-view-desktop");

    // Remove everything: a confirmation (the email typed again), then progress until done.
    await page.goto(`${system.gateway}/#/owners/${encodeURIComponent(email)}`);
    await page.getByRole("button", { name: "Remove all data…" }).click();
    const confirm = page.getByRole("button", { name: "Remove everything" });
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByLabel("Owner's email, again").fill(email);
    await confirm.click();
    await page.getByText(`All data about ${email} has been removed.`).waitFor();
    await checkScreen(page, "removed-desktop");
    const gone = await fetch(`${system.gateway}/api/owner/${encodeURIComponent(email)}/pets`);
    expect(gone.status).toBe(404);
  }, 300_000);

  test("every main screen on a 390 px phone: readable, no sideways scrolling, no serious axe violation", async () => {
    const seed = createSeeder(system.gateway);
    const email = `phone-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    const petId = await seed.ownerWithPet(email);
    await seed.appointment(petId, `${dayFromNow(1)}T09:30:00.000Z`, "Vaccination visit");
    const page = await openPage(browser, PHONE);
    const screens: Array<[string, string, () => Promise<void>]> = [
      ["front-desk-home-phone", "#/", () => page.getByRole("heading", { name: "Find an owner" }).waitFor()],
      [
        "owner-phone",
        `#/owners/${encodeURIComponent(email)}`,
        () => page.getByRole("link", { name: "Biscuit" }).waitFor(),
      ],
      [
        "pet-phone",
        `#/owners/${encodeURIComponent(email)}/pets/${petId}`,
        () => page.locator("#appointments").getByText("Vaccination visit").waitFor(),
      ],
      [
        "calendar-week-phone",
        `#/calendar/week/${dayFromNow(1)}`,
        () => page.locator("#calendar").getByRole("link", { name: "Vaccination visit" }).waitFor(),
      ],
      [
        "owner-view-phone",
        `#/owner-view/${encodeURIComponent(email)}`,
        () => page.getByRole("heading", { name: "Biscuit · Dog" }).waitFor(),
      ],
    ];
    for (const [name, hash, ready] of screens) {
      await page.goto(`${system.gateway}/${hash}`);
      await ready();
      await checkScreen(page, name);
    }
  }, 180_000);

  test("keyboard only: Tab to the owner search, type, Enter opens the owner", async () => {
    const seed = createSeeder(system.gateway);
    const email = `keys-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
    await seed.ownerWithPet(email);
    const page = await openPage(browser, DESKTOP);
    await page.goto(`${system.gateway}/`);
    await page.getByRole("heading", { name: "Find an owner" }).waitFor();
    let presses = 0;
    while ((await page.evaluate("document.activeElement && document.activeElement.id")) !== "find-email") {
      expect(++presses).toBeLessThan(15);
      await page.keyboard.press("Tab");
    }
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
    await heading(page, email).waitFor();
    await page.getByRole("link", { name: "Biscuit" }).waitFor();
  }, 120_000);
});
