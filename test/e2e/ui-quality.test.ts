// Proves every page a person meets (setup, login, dashboard, operators, terminals, pairing, events, venue, printers, card readers, the point of sale's admin pages, pair, terminal unlock) is usable on a 600x1024 touch tablet and a 390x844 touch phone: axe-core finds no WCAG A/AA or best-practice violation, every visible control is a touch target of at least 44x44 CSS px, and the phone never scrolls sideways; run in Chromium against a real `tibox serve` child process.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import {
  horizontalOverflowPx,
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
} from "../helpers/browser.ts";

// Browsers and boxes start slower on a loaded machine: hooks and tests get a minute, not 5 s.
setDefaultTimeout(60_000);

/** WCAG 2.5.5 (AAA) and Apple/Google guidance: 44 CSS px is the smallest comfortable touch target. */
const MIN_TARGET_PX = 44;
const ADMIN = { name: "Ada Admin", email: "ada@example.org", password: "correct horse battery" } as const;
const CASHIER = { name: "Camille Caisse", pin: "4821" } as const;
const VIEWPORT_NAMES: readonly ViewportName[] = ["tablet", "phone"];
/**
 * The box counts failed attempts (setup code, password, pairing code, PIN) per address and locks
 * the address after 5 within 15 minutes; every browser here comes from 127.0.0.1. So the pages
 * with an error are checked once, on the phone (the stricter viewport: narrow, sideways scroll
 * checked): 4 failures in all, and the cashier can still unlock afterwards.
 */
const ERROR_VIEWPORT: ViewportName = "phone";
/** Set E2E_SCREENSHOTS to a folder to keep a picture of every page checked, to look at (e2e-PAGE-VIEWPORT.png). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

interface SmallTarget {
  readonly what: string;
  readonly width: number;
  readonly height: number;
}

/**
 * Visible controls smaller than the minimum. A radio or checkbox inside a label is measured by its
 * label, which is what a finger hits (the whole label toggles it). Elements entirely outside the
 * page (the skip link parked at left:-999px until it gets keyboard focus) cannot be touched and
 * are left out.
 */
function smallTargets(page: Page): Promise<SmallTarget[]> {
  return page.evaluate((minPx) => {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, label:has(input[type=radio]), label:has(input[type=checkbox])";
    const small: Array<{ what: string; width: number; height: number }> = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>(selector))) {
      const style = getComputedStyle(element);
      if (style.visibility === "hidden" || element.getClientRects().length === 0) continue;
      if (element instanceof HTMLInputElement && (element.type === "radio" || element.type === "checkbox") && element.closest("label")) continue;
      const box = element.getBoundingClientRect();
      if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
      if (box.width >= minPx && box.height >= minPx) continue;
      const name = (element.getAttribute("aria-label") ?? element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 40);
      const id = element.id ? `#${element.id}` : "";
      const type = element instanceof HTMLInputElement ? `[type=${element.type}]` : "";
      small.push({ what: `${element.tagName.toLowerCase()}${id}${type} "${name}"`, width: Math.round(box.width), height: Math.round(box.height) });
    }
    return small;
  }, MIN_TARGET_PX);
}


/** The elements that stick out to the right, or whose text spills out of them, for the failure message. */
function overflowingElements(page: Page, deviceWidthPx: number): Promise<string[]> {
  return page.evaluate((deviceWidth) =>
    Array.from(document.querySelectorAll<HTMLElement>("body *"))
      .filter((element) => element.getBoundingClientRect().right > deviceWidth + 1 || (element.scrollWidth > element.clientWidth + 1 && getComputedStyle(element).overflowX === "visible"))
      .slice(0, 10)
      .map((element) => `${element.tagName.toLowerCase()}${element.className ? "." + String(element.className).replace(/\s+/g, ".") : ""} right=${Math.round(element.getBoundingClientRect().right)}`),
    deviceWidthPx,
  );
}

describe.skipIf(browserTestsSkipped())("pages on touch tablet and phone", () => {
  let box: RunningBox;
  let browser: Browser;
  let axe: string;
  /** Per viewport: a logged-in admin, a device being paired, and a visitor with no session. */
  const people = new Map<ViewportName, { admin: Page; device: Page; visitor: Page }>();

  async function check(page: Page, viewport: ViewportName, label: string): Promise<void> {
    expect(page.viewportSize()).toEqual(VIEWPORTS[viewport]);
    const violations = describeViolations(await axeViolations(page, axe));
    expect({ page: label, viewport, violations }).toEqual({ page: label, viewport, violations: [] });
    const small = await smallTargets(page);
    expect({ page: label, viewport, small }).toEqual({ page: label, viewport, small: [] });
    if (viewport === "phone") {
      const overflowPx = await horizontalOverflowPx(page, VIEWPORTS.phone.width);
      const culprits = overflowPx > 0 ? await overflowingElements(page, VIEWPORTS.phone.width) : [];
      expect({ page: label, overflowPx, culprits }).toEqual({ page: label, overflowPx: 0, culprits: [] });
    }
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `e2e-${label.replace(/\W+/g, "-")}-${viewport}.png`), fullPage: true });
  }

  async function submit(page: Page, buttonText: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(`main button:has-text("${buttonText}")`)]);
    return response?.status() ?? 0;
  }

  async function login(page: Page): Promise<void> {
    await page.goto("/login");
    await page.fill("#email", ADMIN.email);
    await page.fill("#password", ADMIN.password);
    await submit(page, fr["login.submit"]);
    expect(new URL(page.url()).pathname).toBe("/admin");
  }

  beforeAll(async () => {
    [box, browser] = await Promise.all([startBox(), launchBrowser()]);
    axe = axeSource();
    // Each person gets a context of their own: cookies (session, terminal) must not mix.
    for (const viewport of VIEWPORT_NAMES) {
      const [adminContext, deviceContext, visitorContext] = await Promise.all([0, 1, 2].map(() => touchContext(browser, viewport, { baseURL: box.url, bypassCSP: true })));
      people.set(viewport, {
        admin: await adminContext!.newPage(),
        device: await deviceContext!.newPage(),
        visitor: await visitorContext!.newPage(),
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    const code = await box?.stop();
    if (box) removeFolder(box.dataDir);
    expect(code).toBe(0);
  });

  const person = (viewport: ViewportName) => people.get(viewport)!;

  for (const viewport of VIEWPORT_NAMES) {
    test(`setup wizard on ${viewport}${viewport === ERROR_VIEWPORT ? ", also with an error" : ""}`, async () => {
      const page = person(viewport).admin;
      await page.goto("/setup");
      await check(page, viewport, "setup");
      if (viewport !== ERROR_VIEWPORT) return;
      // With an error shown too: the notice must pass the same checks.
      await page.fill("#setup_code", "00000000");
      await page.fill("#legal_name", "Les Amis du Quartier");
      await page.fill("#address", "12 rue des Lilas, 69001 Lyon");
      await page.fill("#admin_name", ADMIN.name);
      await page.fill("#admin_email", ADMIN.email);
      await page.fill("#admin_password", ADMIN.password);
      expect(await submit(page, fr["setup.submit"])).toBe(403);
      await check(page, viewport, "setup with an error");
    });
  }

  describe("once set up", () => {
    beforeAll(async () => {
      const tablet = person("tablet").admin;
      await tablet.goto("/setup");
      await tablet.fill("#setup_code", box.setupCode!);
      await tablet.fill("#legal_name", "Les Amis du Quartier");
      await tablet.fill("#address", "12 rue des Lilas, 69001 Lyon");
      await tablet.fill("#admin_name", ADMIN.name);
      await tablet.fill("#admin_email", ADMIN.email);
      await tablet.fill("#admin_password", ADMIN.password);
      await submit(tablet, fr["setup.submit"]);
      expect(new URL(tablet.url()).pathname).toBe("/admin");
      await login(person("phone").admin);
      // A cashier with a PIN, so the unlock page lists someone to pick.
      await tablet.goto("/admin/operators");
      await tablet.fill("#name", CASHIER.name);
      await tablet.selectOption("#role", "cashier");
      await tablet.fill("#pin", CASHIER.pin);
      await submit(tablet, fr["operators.add"]);
      expect(await tablet.locator(".notice.success").textContent()).toBe(fr["operators.created"]);
    });

    for (const viewport of VIEWPORT_NAMES) {
      test(`admin dashboard on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin");
        await check(page, viewport, "dashboard");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`operators on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/operators");
        await check(page, viewport, "operators");
        await page.click(`tbody tr:has-text("${CASHIER.name}") a`);
        await check(page, viewport, "operator edit");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`pairing page on ${viewport}, then pairing this viewport's device`, async () => {
        const { admin, device } = person(viewport);
        await admin.goto("/admin/terminals");
        await admin.selectOption("#kind", "till");
        await admin.fill("#name", `Caisse ${viewport}`);
        await submit(admin, fr["terminals.generate"]);
        const code = (await admin.locator("[data-testid=pairing-code]").textContent())?.trim() ?? "";
        expect(code).toMatch(/^\d{8}$/);
        await check(admin, viewport, "pairing");

        await device.goto(`/pair?code=${code}`);
        expect(await submit(device, fr["pair.submit"])).toBe(201);
        await check(device, viewport, "paired");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`terminals (with rows) on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/terminals");
        expect(await page.locator("tbody tr").count()).toBeGreaterThanOrEqual(1);
        await check(page, viewport, "terminals");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`events on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/events");
        expect(await page.locator("tbody tr").count()).toBeGreaterThanOrEqual(3);
        await check(page, viewport, "events");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`venue on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/venue");
        await check(page, viewport, "venue");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`printers (list, edit with a test print preview, a job) on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/printers");
        await page.fill("#new_name", `Cuisine ${viewport}`);
        await page.selectOption("#new_kind", "simulated");
        await page.fill("#new_address", `cuisine-${viewport}`);
        await submit(page, fr["printers.add"]);
        await submit(page, fr["printers.test_print"]);
        expect(await page.locator(".receipt .receipt-qr").count()).toBe(1);
        await check(page, viewport, "printer edit with preview");
        await page.goto("/admin/printers");
        expect(await page.locator("table.print-jobs tbody tr").count()).toBeGreaterThanOrEqual(1);
        await check(page, viewport, "printers");
        await page.click("table.print-jobs tbody tr a");
        await check(page, viewport, "print job");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`card readers (an agent to bind) on ${viewport}`, async () => {
        const added = await runTibox(["terminal", "add", "--data", box.dataDir, "--kind", "reader", "--name", `Pi ${viewport}`]);
        expect(added.exitCode).toBe(0);
        const page = person(viewport).admin;
        await page.goto("/admin/readers");
        expect(await page.locator("table.readers select").count()).toBeGreaterThanOrEqual(1);
        await check(page, viewport, "card readers");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`point of sale catalogue (a category, an item in low stock, points of sale, VAT, methods, settings) on ${viewport}`, async () => {
        const page = person(viewport).admin;
        await page.goto("/admin/pos/categories");
        await page.fill("#new_name", `Boissons ${viewport}`);
        await submit(page, fr["pos_categories.add"]);
        await check(page, viewport, "pos categories");
        await page.goto("/admin/pos/items");
        await page.fill("#name", `Limonade ${viewport}`);
        await page.fill("#price_0_amount", "3,50");
        await page.fill("#stock", "2");
        await page.fill("#low_stock_threshold", "5");
        await submit(page, fr["pos_items.add"]);
        expect(await page.locator("table.items tbody tr").count()).toBeGreaterThanOrEqual(1);
        await check(page, viewport, "pos items");
        await page.click(`table.items tbody tr:has-text("Limonade ${viewport}") a`);
        await check(page, viewport, "pos item edit");
        const pages: ReadonlyArray<readonly [string, string]> = [
          ["/admin/pos/points-of-sale", "pos points of sale"],
          ["/admin/pos/points-of-sale/main", "pos point of sale edit"],
          ["/admin/pos/vat-rates", "pos vat rates"],
          ["/admin/pos/payment-methods", "pos payment methods"],
          ["/admin/pos/settings", "pos settings"],
        ];
        for (const [path, label] of pages) {
          await page.goto(path);
          await check(page, viewport, label);
        }
      }, 20_000);
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`point of sale closures (a Z), reports (the hour chart) and sales on ${viewport}`, async () => {
        const page = person(viewport).admin;
        for (const [path, label] of [["/admin/pos/closures", "pos closures"], ["/admin/pos/reports", "pos reports"], ["/admin/pos/sales", "pos sales"]] as const) {
          await page.goto(path);
          await check(page, viewport, label);
        }
        // Closing the last ended business day (empty, or already closed by the other viewport) opens its Z.
        await page.goto("/admin/pos/closures");
        expect(await submit(page, fr["pos_closures.close"])).toBe(200);
        expect(await page.locator('[data-testid="ledger-head"]').count()).toBe(1);
        await check(page, viewport, "pos closure");
      }, 20_000);
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`login on ${viewport}${viewport === ERROR_VIEWPORT ? ", also with an error" : ""}`, async () => {
        const page = person(viewport).visitor;
        await page.goto("/login");
        await check(page, viewport, "login");
        if (viewport !== ERROR_VIEWPORT) return;
        await page.fill("#email", "nobody@example.org");
        await page.fill("#password", "wrong password");
        expect(await submit(page, fr["login.submit"])).toBe(401);
        await check(page, viewport, "login with an error");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`pair page on ${viewport}${viewport === ERROR_VIEWPORT ? ", also with an error" : ""}`, async () => {
        const page = person(viewport).visitor;
        await page.goto("/pair");
        await check(page, viewport, "pair");
        if (viewport !== ERROR_VIEWPORT) return;
        await page.fill("#code", "00000000");
        expect(await submit(page, fr["pair.submit"])).toBeGreaterThanOrEqual(400);
        await check(page, viewport, "pair with an error");
      });
    }

    for (const viewport of VIEWPORT_NAMES) {
      test(`terminal unlock on ${viewport}${viewport === ERROR_VIEWPORT ? " (also with an error)" : ""}, then unlocked`, async () => {
        const page = person(viewport).device;
        await page.goto("/terminal");
        expect(await page.locator("label.tile", { hasText: CASHIER.name }).count()).toBe(1);
        await check(page, viewport, "terminal unlock");
        if (viewport === ERROR_VIEWPORT) {
          await page.fill("#pin", "0000");
          expect(await submit(page, fr["terminal.unlock"])).toBe(401);
          await check(page, viewport, "terminal unlock with an error");
        }
        await page.fill("#pin", CASHIER.pin);
        await submit(page, fr["terminal.unlock"]);
        expect(await page.locator(".notice.success").count()).toBe(1);
        await check(page, viewport, "terminal unlocked");
      });
    }
  });
});
