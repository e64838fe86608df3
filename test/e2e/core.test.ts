// Proves the box's core journeys work end to end in a real browser against a real `tibox serve` child process on a real SQLite file: setup wizard (wrong code refused, hostile venue name shown as text), logout and login, pairing and unlocking a till, a cashier refused the admin pages, a password reset and a backup taken by the CLI beside the serving box, restore and verify, the language switch, and a confirmed revocation; the steps run in order and share one box, one Chromium and one context per person.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { en } from "../../ui/i18n/en.ts";
import { fr } from "../../ui/i18n/fr.ts";
import type { MessageKey } from "../../ui/i18n/index.ts";
import {
  browserTestsSkipped,
  launchBrowser,
  phoneContext,
  removeFolder,
  runTibox,
  startBox,
  tabletContext,
  tempFolder,
  type RunningBox,
} from "../helpers/browser.ts";

// Browsers and boxes start slower on a loaded machine: hooks and tests get a minute, not 5 s.
setDefaultTimeout(60_000);

const XSS_NAME = "Les Amis <script>window.__xss=1</script> du Quartier";
const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery" } as const;
const NEW_PASSWORD = "a brand new passphrase";
const CASHIER = { name: "Camille Caisse", pin: "4821" } as const;
/** An apostrophe and an ampersand, as French names have, and markup that must stay text. */
const TILL_NAME = "Caisse de l'accueil & <i>bar</i>";

/** The French message as a person reads it on the page (t() returns it HTML-escaped). */
function frText(key: MessageKey, vars: Record<string, string>): string {
  return fr[key].replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

interface Health {
  readonly status: string;
  readonly setup: string;
  readonly venue_id: string | null;
}

async function health(box: RunningBox): Promise<Health> {
  const response = await fetch(`${box.url}/healthz`);
  expect(response.status).toBe(200);
  return (await response.json()) as Health;
}

async function fillSetup(page: Page, setupCode: string): Promise<void> {
  await page.fill("#setup_code", setupCode);
  await page.fill("#legal_name", XSS_NAME);
  await page.fill("#address", "12 rue des Lilas, 69001 Lyon");
  await page.check("input[name=vat_status][value=franchise]");
  await page.selectOption("#timezone", "Europe/Paris");
  await page.fill("#currency", "EUR");
  await page.fill("#admin_name", ADMIN.name);
  await page.fill("#admin_email", ADMIN.email);
  await page.fill("#admin_password", ADMIN.password);
}

async function login(page: Page, email: string, password: string): Promise<number> {
  await page.goto("/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  const [response] = await Promise.all([page.waitForNavigation(), page.click(`button[type=submit]:has-text("${fr["login.submit"]}")`)]);
  return response?.status() ?? 0;
}

describe.skipIf(browserTestsSkipped())("core journeys in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let admin: BrowserContext;
  let adminPage: Page;
  let till: BrowserContext | undefined;
  let venueId = "";
  const folders: string[] = [];
  const otherBoxes: RunningBox[] = [];

  beforeAll(async () => {
    [box, browser] = await Promise.all([startBox(), launchBrowser()]);
    folders.push(box.dataDir);
    admin = await tabletContext(browser, { baseURL: box.url });
    adminPage = await admin.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    for (const other of otherBoxes) await other.stop().catch(() => undefined);
    const code = await box?.stop();
    expect(code).toBe(0);
    for (const folder of folders) removeFolder(folder);
  });

  test("(a) the setup wizard refuses a wrong code, then sets up with the right one and shows a hostile venue name as text", async () => {
    expect(box.setupCode).toMatch(/^\d{8}$/);
    const wrong = box.setupCode === "00000000" ? "11111111" : "00000000";
    await adminPage.goto("/");
    expect(new URL(adminPage.url()).pathname).toBe("/setup");

    await fillSetup(adminPage, wrong);
    const [refused] = await Promise.all([adminPage.waitForNavigation(), adminPage.click(`button:has-text("${fr["setup.submit"]}")`)]);
    expect(refused?.status()).toBe(403);
    await expect(adminPage.locator(".notice.error").textContent()).resolves.toBe(fr["error.setup_code_invalid"]);
    expect((await health(box)).setup).toBe("pending");
    // What was typed comes back (escaped), except the secrets.
    expect(await adminPage.inputValue("#legal_name")).toBe(XSS_NAME);
    expect(await adminPage.inputValue("#admin_password")).toBe("");

    await fillSetup(adminPage, box.setupCode!);
    await Promise.all([adminPage.waitForURL("**/admin"), adminPage.click(`button:has-text("${fr["setup.submit"]}")`)]);
    expect(await adminPage.locator("h1").textContent()).toBe(fr["dashboard.title"]);
    expect(await adminPage.locator(".stats dd").first().textContent()).toBe(XSS_NAME);
    expect(await adminPage.locator("header .brand").textContent()).toBe(XSS_NAME);
    expect(await adminPage.title()).toBe(`${fr["dashboard.title"]} · ${XSS_NAME}`);
    expect(await adminPage.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await adminPage.locator("main script, header script").count()).toBe(0);

    const after = await health(box);
    expect(after.setup).toBe("done");
    expect(after.venue_id).toMatch(/^[0-9A-Z]{26}$/);
    venueId = after.venue_id!;
    // The setup route is closed once the box is set up.
    await adminPage.goto("/setup");
    expect(new URL(adminPage.url()).pathname).toBe("/admin");
  });

  test("(b) logout, then a wrong password is refused and the right one logs in", async () => {
    await adminPage.goto("/admin");
    await Promise.all([adminPage.waitForURL("**/login"), adminPage.click(`header button:has-text("${fr["nav.logout"]}")`)]);
    await adminPage.goto("/admin");
    expect(new URL(adminPage.url()).pathname).toBe("/login");

    expect(await login(adminPage, ADMIN.email, "not the password")).toBe(401);
    expect(await adminPage.locator(".notice.error").textContent()).toBe(fr["error.login_failed"]);
    expect(await adminPage.inputValue("#email")).toBe(ADMIN.email);
    expect(await adminPage.inputValue("#password")).toBe("");

    await login(adminPage, ADMIN.email, ADMIN.password);
    expect(new URL(adminPage.url()).pathname).toBe("/admin");
    expect(await adminPage.locator("main > p").first().textContent()).toBe(frText("dashboard.welcome", { name: ADMIN.name }));
  });

  test("(c) an admin adds a cashier and pairs a till; the till pairs by code and the cashier unlocks it with the PIN", async () => {
    await adminPage.goto("/admin/operators");
    await adminPage.fill("#name", CASHIER.name);
    await adminPage.selectOption("#role", "cashier");
    await adminPage.fill("#pin", CASHIER.pin);
    await Promise.all([adminPage.waitForNavigation(), adminPage.click(`form.form button:has-text("${fr["operators.add"]}")`)]);
    expect(await adminPage.locator(".notice.success").textContent()).toBe(fr["operators.created"]);
    expect(await adminPage.locator("tbody tr", { hasText: CASHIER.name }).count()).toBe(1);

    await adminPage.goto("/admin/terminals");
    await adminPage.selectOption("#kind", "till");
    await adminPage.fill("#name", TILL_NAME);
    await Promise.all([adminPage.waitForNavigation(), adminPage.click(`button:has-text("${fr["terminals.generate"]}")`)]);
    // The terminal's name reads exactly as typed: not escaped twice, not interpreted.
    expect(await adminPage.locator("h1").textContent()).toBe(frText("terminals.pairing_title", { name: TILL_NAME }));
    expect(await adminPage.title()).toStartWith(frText("terminals.pairing_title", { name: TILL_NAME }));
    expect(await adminPage.locator("main i").count()).toBe(0);
    const code = (await adminPage.locator("[data-testid=pairing-code]").textContent())?.trim() ?? "";
    expect(code).toMatch(/^[0-9A-Z-]{4,12}$/);
    expect(await adminPage.locator(".qr svg").count()).toBe(1);

    till = await phoneContext(browser, { baseURL: box.url });
    const tillPage = await till.newPage();
    await tillPage.goto(`/pair?code=${encodeURIComponent(code)}`);
    expect(await tillPage.inputValue("#code")).toBe(code);
    const [paired] = await Promise.all([tillPage.waitForNavigation(), tillPage.click(`button:has-text("${fr["pair.submit"]}")`)]);
    expect(paired?.status()).toBe(201);
    expect(await tillPage.locator(".notice.success").textContent()).toBe(frText("pair.done", { name: TILL_NAME }));
    const terminalCookie = (await till.cookies()).find((cookie) => cookie.name === "tibox_terminal");
    expect(terminalCookie?.httpOnly).toBe(true);
    expect(await tillPage.evaluate(() => document.cookie)).not.toContain("tibox_terminal");

    await Promise.all([tillPage.waitForURL("**/terminal"), tillPage.click(`a:has-text("${fr["pair.continue"]}")`)]);
    expect(await tillPage.locator("h1").textContent()).toBe(TILL_NAME);
    expect(await tillPage.locator("main i").count()).toBe(0);
    await tillPage.locator("label.tile", { hasText: CASHIER.name }).click();
    await tillPage.fill("#pin", CASHIER.pin);
    await Promise.all([tillPage.waitForNavigation(), tillPage.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
    expect(new URL(tillPage.url()).pathname).toBe("/terminal");
    expect(await tillPage.locator(".notice.success").textContent()).toBe(frText("terminal.unlocked", { operator: CASHIER.name, terminal: TILL_NAME }));
    expect(await tillPage.locator(`button:has-text("${fr["terminal.lock"]}")`).count()).toBe(1);

    // The same code cannot pair a second device.
    const other = await phoneContext(browser, { baseURL: box.url });
    const otherPage = await other.newPage();
    await otherPage.goto(`/pair?code=${encodeURIComponent(code)}`);
    const [reused] = await Promise.all([otherPage.waitForNavigation(), otherPage.click(`button:has-text("${fr["pair.submit"]}")`)]);
    expect(reused?.status()).toBeGreaterThanOrEqual(400);
    expect(await otherPage.locator(".notice.error").count()).toBe(1);
    expect((await other.cookies()).some((cookie) => cookie.name === "tibox_terminal")).toBe(false);
    await other.close();
  });

  test("(d) the cashier unlocked on the till is refused the admin pages with 403", async () => {
    expect(till).toBeDefined();
    const tillPage = till!.pages()[0]!;
    for (const path of ["/admin/operators", "/admin/terminals", "/admin/venue", "/admin"]) {
      const response = await tillPage.goto(path);
      expect({ path, status: response?.status() }).toEqual({ path, status: 403 });
      expect(await tillPage.locator(".notice.error").textContent()).toBe(fr["error.forbidden"]);
    }
    // Nor can it post to them: the form would create an operator.
    const status = await tillPage.evaluate(async () => {
      const csrf = JSON.parse(document.body.getAttribute("hx-headers") ?? "{}")["X-CSRF-Token"] as string;
      const body = new URLSearchParams({ _csrf: csrf, name: "Mallory", role: "admin", email: "m@example.org", password: "mallory mallory" });
      return (await fetch("/admin/operators", { method: "POST", body })).status;
    });
    expect(status).toBe(403);
  });

  test("(e) `admin reset-password` beside the serving box: the old password fails, the new one logs in", async () => {
    const reset = await runTibox(["admin", "reset-password", "--data", box.dataDir, "--email", ADMIN.email, "--password", NEW_PASSWORD]);
    expect({ exitCode: reset.exitCode, stderr: reset.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(reset.stdout).toContain(`password reset for ${ADMIN.email}`);

    // The reset closed the admin's sessions: the open tab is sent to the login page.
    await adminPage.goto("/admin");
    expect(new URL(adminPage.url()).pathname).toBe("/login");
    expect(await login(adminPage, ADMIN.email, ADMIN.password)).toBe(401);
    expect(await adminPage.locator(".notice.error").textContent()).toBe(fr["error.login_failed"]);
    await login(adminPage, ADMIN.email, NEW_PASSWORD);
    expect(new URL(adminPage.url()).pathname).toBe("/admin");
  });

  test("(f) a backup taken while the box serves restores into a new folder that verify accepts and that serves the same venue", async () => {
    const backups = tempFolder("tibox-e2e-backup-");
    const restored = tempFolder("tibox-e2e-restored-");
    folders.push(backups, restored);

    const made = await runTibox(["backup", "--data", box.dataDir, "--to", backups]);
    expect({ exitCode: made.exitCode, stderr: made.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(made.lastLine).toStartWith(backups);
    expect(made.lastLine).toEndWith(".tibox");
    // The box kept serving during the backup.
    expect((await health(box)).status).toBe("ok");
    await adminPage.goto("/admin/events");
    expect(await adminPage.locator("tbody td", { hasText: "backup.created" }).count()).toBe(1);

    const back = await runTibox(["restore", "--from", made.lastLine, "--data", restored]);
    expect({ exitCode: back.exitCode, stderr: back.stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(back.stdout).toContain(`restored venue ${venueId}`);

    const verified = await runTibox(["verify", "--data", restored]);
    expect({ exitCode: verified.exitCode, last: verified.lastLine }).toEqual({ exitCode: 0, last: "sound" });

    const second = await startBox({ dataDir: restored });
    otherBoxes.push(second);
    expect(second.setupCode).toBeUndefined();
    const restoredHealth = await health(second);
    expect(restoredHealth).toMatchObject({ status: "ok", setup: "done", venue_id: venueId });
    expect(await second.stop()).toBe(0);
  });

  test("(f2) the served data folder is still sound after the CLI wrote beside the box (reset, backup) and the box wrote again", async () => {
    // One more event from the serving box after the CLI's appends: the chain must not fork.
    await adminPage.goto("/admin/venue");
    await Promise.all([adminPage.waitForNavigation(), adminPage.click(`button:has-text("${fr["venue.save"]}")`)]);
    expect(await adminPage.locator(".notice.success").textContent()).toBe(fr["venue.saved"]);
    const verified = await runTibox(["verify", "--data", box.dataDir]);
    expect({ exitCode: verified.exitCode, last: verified.lastLine }).toEqual({ exitCode: 0, last: "sound" });
  });

  test("(g) the language switch turns the login page to English and back to French", async () => {
    const visitor = await tabletContext(browser, { baseURL: box.url });
    const page = await visitor.newPage();
    await page.goto("/login");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("h1").textContent()).toBe(fr["login.title"]);

    await Promise.all([page.waitForNavigation(), page.click(`header button:has-text("${fr["lang.switch"]}")`)]);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("h1").textContent()).toBe(en["login.title"]);
    expect(await page.locator("label[for=password]").textContent()).toBe(en["login.password"]);
    // The choice sticks across pages.
    await page.goto("/pair");
    expect(await page.locator("h1").textContent()).toBe(en["pair.title"]);

    await page.goto("/login");
    await Promise.all([page.waitForNavigation(), page.click(`header button:has-text("${en["lang.switch"]}")`)]);
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    expect(await page.locator("h1").textContent()).toBe(fr["login.title"]);
    await visitor.close();
  });

  test("(h) revoking a terminal asks first: dismissed, nothing happens; accepted, the till is revoked and locked out", async () => {
    expect(till).toBeDefined();
    const revokes: string[] = [];
    adminPage.on("request", (request) => {
      if (request.url().endsWith("/revoke")) revokes.push(request.method());
    });
    await adminPage.goto("/admin/terminals");
    const row = adminPage.locator("tbody tr", { has: adminPage.locator(`input[value="${TILL_NAME}"]`) });
    expect(await row.count()).toBe(1);

    const asked: string[] = [];
    adminPage.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await row.locator(`button:has-text("${fr["terminals.revoke"]}")`).click();
    expect(asked).toEqual([fr["terminals.revoke_confirm"]]);
    await adminPage.reload();
    expect(revokes).toEqual([]);
    expect(await row.locator(`td[data-label="${fr["terminals.status"]}"]`).textContent()).toBe(fr["terminals.active"]);

    adminPage.once("dialog", (dialog) => void dialog.accept());
    await row.locator(`button:has-text("${fr["terminals.revoke"]}")`).click();
    await adminPage.locator("tbody tr", { hasText: fr["terminals.revoked"] }).waitFor();
    expect(revokes).toEqual(["POST"]);
    expect(new URL(adminPage.url()).pathname).toBe("/admin/terminals");

    const tillPage = till!.pages()[0]!;
    await tillPage.goto("/terminal");
    expect(await tillPage.locator("main p").first().textContent()).toBe(fr["terminal.not_paired"]);
  });
});
