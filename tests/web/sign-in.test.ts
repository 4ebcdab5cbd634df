/**
 * The front desk with access control on (AUTH_MODE=required): the app asks for
 * a token, says in words when one is refused, gives staff the front desk and
 * an owner only their own pets, and signs out. Tokens are real: signed with the
 * system's local key, as `make token` signs them.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { importJWK, SignJWT } from "jose";
import type { Browser, Page } from "playwright-core";
import { browserSuite, launchBrowser } from "../support/browser.ts";
import { type RunningSystem, STOP_BOUND_MS, startSystem } from "../support/system.ts";
import { type SystemTokens, systemTokens } from "../support/tokens.ts";
import { checkScreen, createSeeder, DESKTOP, openPage, PHONE } from "./harness.ts";

browserSuite("sign-in in Chromium (AUTH_MODE=required)", () => {
  let system: RunningSystem;
  let browser: Browser;
  let tokens: SystemTokens;
  const ownerEmail = `signin-${crypto.randomUUID().slice(0, 8)}@clinic.test`;
  const strangerEmail = `stranger-${crypto.randomUUID().slice(0, 8)}@clinic.test`;

  beforeAll(async () => {
    system = await startSystem({ env: { AUTH_MODE: "required" } });
    tokens = systemTokens(system.dataDir);
    const seed = createSeeder(system.gateway, await tokens.bearer("admin"));
    await seed.ownerWithPet(ownerEmail, { type: "Dog", race: "Beagle", name: "Biscuit" });
    await seed.ownerWithPet(strangerEmail, { type: "Cat", race: "Siamese", name: "Miso" });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  }, STOP_BOUND_MS);

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${system.gateway}/`);
    await page.getByLabel("Access token").fill(token);
    await page.getByRole("button", { name: "Sign in" }).click();
  }

  test("no token: the sign-in screen, not the front desk", async () => {
    const page = await openPage(browser, DESKTOP);
    await page.goto(`${system.gateway}/`);
    await page.getByRole("heading", { name: "Sign in to the clinic" }).waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await checkScreen(page, "sign-in-desktop");
  }, 120_000);

  test("a token signed by another key is refused in words, and the form stays", async () => {
    const { privateKey } = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ]);
    const jwk = await crypto.subtle.exportKey("jwk", privateKey);
    const forged = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "ES256", kid: tokens.privateJwk.kid })
      .setSubject("intruder")
      .setIssuer("vetmesh-local")
      .setAudience("vetmesh")
      .setExpirationTime("10m")
      .sign(await importJWK(jwk as Parameters<typeof importJWK>[0], "ES256"));
    const page = await openPage(browser, PHONE);
    await signIn(page, forged);
    await page.getByRole("alert").filter({ hasText: "That token was not accepted" }).waitFor();
    expect(await page.getByLabel("Access token").isVisible()).toBe(true);
    await checkScreen(page, "sign-in-refused-phone");
  }, 120_000);

  test("reception: the front desk with its role shown, and sign-out returns to the sign-in", async () => {
    const page = await openPage(browser, DESKTOP);
    await signIn(page, await tokens.token("reception"));
    await page.getByRole("navigation", { name: "Main" }).waitFor();
    expect(await page.locator(".who .badge").textContent()).toBe("reception");
    await page.getByLabel("Owner's email").fill(ownerEmail);
    await page.getByRole("button", { name: "Find" }).click();
    await page.getByRole("link", { name: "Biscuit" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in to the clinic" }).waitFor();
  }, 120_000);

  test("an owner sees their own pets only, whatever page they ask for", async () => {
    const page = await openPage(browser, PHONE);
    await signIn(page, await tokens.token("owner", ownerEmail));
    await page.getByRole("heading", { level: 1, name: ownerEmail }).waitFor();
    await page.getByText("Biscuit").first().waitFor();
    expect(await page.getByRole("navigation", { name: "Main" }).count()).toBe(0);
    await checkScreen(page, "owner-signed-in-phone");
    // Another owner's page by URL: still the signed-in owner's own view, nothing of the stranger.
    await page.goto(`${system.gateway}/#/owners/${encodeURIComponent(strangerEmail)}`);
    await page.getByRole("heading", { level: 1, name: ownerEmail }).waitFor();
    await page.getByText("Biscuit").first().waitFor();
    expect(await page.getByText("Miso").count()).toBe(0);
    expect(await page.getByText(strangerEmail).count()).toBe(0);
  }, 120_000);
});
