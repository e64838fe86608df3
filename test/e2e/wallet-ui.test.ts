// Proves the wallet's pages (treasury, cards and their printable sheet, members, assets, settings,
// and the card holder's page) are usable on a 600x1024 touch tablet and a 390x844 touch phone:
// axe-core finds no WCAG A/AA or best-practice violation, every visible control is a touch target
// of at least 44x44 CSS px, and the phone never scrolls sideways; in Chromium against a real
// `tibox serve` child process, with money moved through the device API first.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import {
  axeSource,
  axeViolations,
  browserTestsSkipped,
  describeViolations,
  launchBrowser,
  removeFolder,
  runTibox,
  startBox,
  touchContext,
  VIEWPORTS,
  type RunningBox,
  type ViewportName,
  horizontalOverflowPx,
  smallTargets,
} from "../helpers/browser.ts";

// Browsers and boxes start slower on a loaded machine: hooks and tests get a minute, not 5 s.
setDefaultTimeout(60_000);

const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery" } as const;
const VIEWPORT_NAMES: readonly ViewportName[] = ["tablet", "phone"];
const UID = "04A1B2C3";
/** Set E2E_SCREENSHOTS to a folder to keep a picture of every page checked (e2e-wallet-PAGE-VIEWPORT.png). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

describe.skipIf(browserTestsSkipped())("wallet pages on touch tablet and phone", () => {
  let box: RunningBox;
  let browser: Browser;
  let axe: string;
  let holderPath = "";
  let memberPath = "";
  const admins = new Map<ViewportName, Page>();
  const visitors = new Map<ViewportName, Page>();

  async function check(page: Page, viewport: ViewportName, label: string): Promise<void> {
    const violations = describeViolations(await axeViolations(page, axe));
    expect({ page: label, viewport, violations }).toEqual({ page: label, viewport, violations: [] });
    expect({ page: label, viewport, small: await smallTargets(page) }).toEqual({ page: label, viewport, small: [] });
    if (viewport === "phone") expect({ page: label, overflowPx: await horizontalOverflowPx(page, VIEWPORTS.phone.width) }).toEqual({ page: label, overflowPx: 0 });
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `e2e-wallet-${label.replace(/\W+/g, "-")}-${viewport}.png`), fullPage: true });
  }

  async function submit(page: Page, buttonText: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${buttonText}")`)]);
    return response?.status() ?? 0;
  }

  async function device(token: string, path: string, body: Record<string, unknown>, key: string): Promise<number> {
    const response = await fetch(`${box.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  beforeAll(async () => {
    [box, browser] = await Promise.all([startBox(), launchBrowser()]);
    axe = axeSource();
    for (const viewport of VIEWPORT_NAMES) {
      const [adminContext, visitorContext] = await Promise.all([0, 1].map(() => touchContext(browser, viewport, { baseURL: box.url, bypassCSP: true })));
      admins.set(viewport, await adminContext!.newPage());
      visitors.set(viewport, await visitorContext!.newPage());
    }
    const tablet = admins.get("tablet")!;
    await tablet.goto("/setup");
    await tablet.fill("#setup_code", box.setupCode!);
    await tablet.fill("#legal_name", "Les Amis du Quartier");
    await tablet.fill("#address", "12 rue des Lilas, 69001 Lyon");
    await tablet.fill("#admin_name", ADMIN.name);
    await tablet.fill("#admin_email", ADMIN.email);
    await tablet.fill("#admin_password", ADMIN.password);
    await submit(tablet, fr["setup.submit"]);
    const phone = admins.get("phone")!;
    await phone.goto("/login");
    await phone.fill("#email", ADMIN.email);
    await phone.fill("#password", ADMIN.password);
    await submit(phone, fr["login.submit"]);

    const added = await runTibox(["terminal", "add", "--data", box.dataDir, "--kind", "till", "--name", "Bar"]);
    expect(added.exitCode).toBe(0);
    const token = added.lastLine.trim();
    expect(await device(token, "/api/v1/wallet/topups", { card_uid: UID, asset: "EUR", amount: 2_550, method: "cash" }, "e2e-1")).toBe(201);
    expect(await device(token, "/api/v1/wallet/payments", { card_uid: UID, amount: 350, point_of_sale: "bar" }, "e2e-2")).toBe(201);

    await tablet.goto("/admin/members");
    await tablet.fill("#name", "Zoé Martin");
    await tablet.fill("#email", "zoe@example.org");
    await submit(tablet, fr["members.add"]);
    memberPath = new URL(tablet.url()).pathname;
    await tablet.fill("#card_uid", UID);
    expect(await submit(tablet, fr["members.attach_submit"])).toBe(200);
    await tablet.goto("/admin/cards");
    holderPath = (await tablet.locator("tbody a[href^='/c/']").first().getAttribute("href")) ?? "";
    expect(holderPath).toMatch(/^\/c\/[0-9a-f]{32}$/);
  });

  afterAll(async () => {
    await browser?.close();
    const code = await box?.stop();
    if (box) removeFolder(box.dataDir);
    expect(code).toBe(0);
  });

  const PAGES = ["/admin/wallet", "/admin/cards", "/admin/members", "/admin/assets", "/admin/assets/EUR", "/admin/wallet/settings"];

  for (const viewport of VIEWPORT_NAMES) {
    test(`admin wallet pages on ${viewport}`, async () => {
      const page = admins.get(viewport)!;
      for (const path of [...PAGES, memberPath]) {
        await page.goto(path);
        await check(page, viewport, path === memberPath ? "member" : path);
      }
    });

    test(`a refused form and the printable sheet on ${viewport}`, async () => {
      const page = admins.get(viewport)!;
      await page.goto("/admin/wallet/settings");
      await page.fill("#topup_cap", "douze");
      expect(await submit(page, fr["wallet_settings.save"])).toBe(400);
      await check(page, viewport, "settings with an error");
      await page.goto("/admin/cards");
      await page.fill("#count", "3");
      expect(await submit(page, fr["cards.sheet_submit"])).toBe(200);
      expect(await page.locator(".card-sheet svg").count()).toBe(3);
      await check(page, viewport, "sheet");
    });

    test(`the holder's page on ${viewport}, without a session`, async () => {
      const page = visitors.get(viewport)!;
      await page.goto(holderPath);
      expect(await page.locator("h1").textContent()).toBe(fr["holder.title"]);
      await check(page, viewport, "holder");
      await page.goto(`/c/${"0".repeat(32)}`);
      await check(page, viewport, "holder unknown");
    });
  }
});
