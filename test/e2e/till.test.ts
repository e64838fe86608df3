// Proves the till in Chromium on a 600x1024 touch tablet, against a real `tibox serve
// --simulated-readers` child set up by the CLI (`tibox init`, `tibox terminal add`) and the pos
// services: a whole evening (a cashier unlocks with a staff card tap, opens the cash drawer,
// sells three items paid by a card tap and two paid in cash with change, tops a card up, empties
// another, a manager's PIN voids a sale, the drawer closes with the right expected cash), after
// which `tibox verify` passes and the journal's figures match; a double click on "pay" is one
// sale; a door terminal is refused; the order printer's trouble shows on the till; and every till
// screen passes axe-core with touch targets of 44 px at least.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { fr } from "../../ui/i18n/fr.ts";
import {
  axeSource,
  axeViolations,
  browserTestsSkipped,
  describeViolations,
  launchBrowser,
  removeFolder,
  runTibox,
  tempFolder,
  startBox,
  touchContext,
  VIEWPORTS,
  type RunningBox,
  type ViewportName,
  horizontalOverflowPx,
  smallTargets,
} from "../helpers/browser.ts";
import { CARD_A, CARD_B, CARD_C, CASHIER, DOOR, journal, MANAGER, setUpTillVenue, type TillVenue } from "../helpers/till.ts";

/** A journey step drives a browser and a box: seconds, not the unit tests' default 5 s. */
setDefaultTimeout(30_000);
/** Set E2E_SCREENSHOTS to a folder to keep a picture of every till screen checked. */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

/** Amounts as the page writes them (Intl, fr-FR): a no-break space before the euro sign. */
function eur(text: string): string {
  return text.replace(/ €/g, "\u00a0€");
}

/** An element's text with no-break spaces as plain ones, to compare with readable strings. */
async function textOf(target: Page, selector: string): Promise<string> {
  return ((await target.locator(selector).textContent()) ?? "").replace(/[\u00a0\u202f]/g, " ");
}

describe.skipIf(browserTestsSkipped())("the till, a whole evening in Chromium", () => {
  let box: RunningBox;
  let browser: Browser;
  let venue: TillVenue;
  let axe: string;
  const contexts: BrowserContext[] = [];
  let page: Page;

  beforeAll(async () => {
    const folder = tempFolder("tibox-till-e2e-");
    venue = await setUpTillVenue(folder);
    [box, browser] = await Promise.all([startBox({ dataDir: folder, args: ["--simulated-readers"] }), launchBrowser()]);
    axe = axeSource();
  });

  afterAll(async () => {
    await browser?.close();
    if (box) expect(await box.stop()).toBe(0);
    if (venue) removeFolder(venue.folder);
  });

  /** A till's browser: paired (its device token as the terminal cookie), event streams watched. */
  async function tillContext(options: { bypassCSP?: boolean; viewport?: ViewportName; token?: string } = {}): Promise<Page> {
    const context = await touchContext(browser, options.viewport ?? "tablet", { baseURL: box.url, bypassCSP: options.bypassCSP ?? false });
    contexts.push(context);
    await context.addCookies([{ name: "tibox_terminal", value: options.token ?? venue.tillToken, url: box.url }]);
    await context.addInitScript(() => {
      document.addEventListener("htmx:sseOpen", () => ((window as unknown as { sseOpen: boolean }).sseOpen = true));
    });
    return context.newPage();
  }

  async function streamOpen(target: Page): Promise<void> {
    await target.waitForFunction(() => (window as unknown as { sseOpen?: boolean }).sseOpen === true);
  }

  async function simulateTap(target: Page, uid: string, input = "#simulated-uid"): Promise<void> {
    await target.fill(input, uid);
    await target.click(`button:has-text("${fr["taps.simulate"]}")`);
  }

  async function addItem(target: Page, name: string): Promise<void> {
    const lines = await target.locator("[data-testid=cart-line]").count();
    const quantity = await target.locator(".cart").textContent();
    await target.click(`button.item:has-text("${name}")`);
    await target.waitForFunction(([before, text]) => document.querySelectorAll("[data-testid=cart-line]").length !== before || document.querySelector(".cart")?.textContent !== text, [lines, quantity] as const);
  }

  async function unlockWithPin(target: Page, name: string, pin: string, next = "/till"): Promise<void> {
    await target.goto(`/terminal?next=${encodeURIComponent(next)}`);
    await target.click(`label.tile:has-text("${name}")`);
    await target.fill("#pin", pin);
    await Promise.all([target.waitForURL(`**${next}`), target.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
  }

  async function check(target: Page, label: string, viewport: ViewportName = "tablet"): Promise<void> {
    expect(target.viewportSize()).toEqual(VIEWPORTS[viewport]);
    const violations = describeViolations(await axeViolations(target, axe));
    expect({ page: label, viewport, violations }).toEqual({ page: label, viewport, violations: [] });
    expect({ page: label, viewport, small: await smallTargets(target, { summary: true }) }).toEqual({ page: label, viewport, small: [] });
    if (viewport === "phone") expect({ page: label, overflowPx: await horizontalOverflowPx(target, VIEWPORTS.phone.width) }).toEqual({ page: label, overflowPx: 0 });
    if (SCREENSHOTS) await target.screenshot({ path: join(SCREENSHOTS, `e2e-till-${label.replace(/\W+/g, "-")}-${viewport}.png`), fullPage: true });
  }

  test("an unknown staff card tap says so and leaves the till locked", async () => {
    const other = await tillContext();
    await other.goto("/terminal?next=/till");
    await streamOpen(other);
    await simulateTap(other, "04BAD0BAD0BAD0", "#simulated-staff-uid");
    await other.waitForSelector(`#unlock-status:has-text("${fr["terminal.staff_card_unknown"].slice(0, 20)}")`);
    expect(new URL(other.url()).pathname).toBe("/terminal");
    // One browser per till from here: a second page of the same till would claim its taps too.
    await other.context().close();
  });

  test("a cashier unlocks the till with a staff card tap (simulated) and lands on the till", async () => {
    page = await tillContext();
    await page.goto("/till");
    expect(new URL(page.url()).pathname).toBe("/terminal");
    await streamOpen(page);
    const tapped = await runTibox(["tap", "--data", venue.folder, "--server", box.url, "--terminal", "Bar", "--uid", CASHIER.staffCard]);
    expect(tapped.lastLine).toBe("delivered");
    await page.waitForURL("**/till");
    expect(await page.locator("button.item").count()).toBe(5);
    expect(await textOf(page, ".till-who")).toContain(CASHIER.name);
  });

  test("the cash drawer opens with a counted float", async () => {
    await page.goto("/till/cash");
    await page.fill("#float", "100");
    await page.click(`button:has-text("${fr["till.cash_open"]}")`);
    await page.waitForSelector("[data-testid=cash-expected]");
    expect(await textOf(page, "[data-testid=cash-expected]")).toBe("100,00 €");
  });

  test("three items paid by a card tap: paid only once the box says so, with the receipt and what is left on the card", async () => {
    await page.goto("/till");
    await streamOpen(page);
    for (const name of ["Bière", "Soda", "Croque-monsieur"]) await addItem(page, name);
    expect(await textOf(page, "[data-testid=cart-total]")).toBe("10,00 €");
    await simulateTap(page, CARD_A);
    await page.waitForSelector("[data-testid=paid]");
    expect(await textOf(page, "[data-testid=paid]")).toContain("Payé — vente n° 1");
    const shown = await textOf(page, "#till-main");
    expect(shown).toContain("10,00 €");
    expect(shown).toContain("TVA 20 %");
    expect(await page.locator("[data-testid=receipt] svg").count()).toBe(1);
  });

  test("the kitchen printer is off: the till says so and keeps selling", async () => {
    // The print worker tries the kitchen's printer at once and marks it offline; the chip shows it at the next page.
    await page.goto("/till");
    for (let attempt = 0; attempt < 40 && (await page.locator("[data-testid=printer-chip]").count()) === 0; attempt++) {
      await Bun.sleep(250);
      await page.goto("/till");
    }
    expect(await textOf(page, "[data-testid=printer-chip]")).toBe("Imprimante « Cuisine » hors ligne — 1 ticket(s) en attente");
  });

  test("two items paid in cash, with the change computed", async () => {
    await page.goto("/till");
    await addItem(page, "Bière");
    await addItem(page, "Café");
    await page.click(`button:has-text("${fr["till.charge"].replace("{amount}", eur("5,00 €"))}")`);
    await page.waitForSelector(".pay-screen");
    await page.click(`.quick-cash button:has-text("${eur("10,00 €")}")`);
    await page.waitForSelector("[data-testid=pay-change]");
    expect(await textOf(page, "[data-testid=pay-change]")).toBe("5,00 €");
    await page.click(`button:has-text("${fr["till.confirm_payment"]}")`);
    await page.waitForSelector("[data-testid=paid]");
    expect(await textOf(page, "[data-testid=paid]")).toContain("vente n° 2");
    expect(await textOf(page, "[data-testid=done-change]")).toBe("5,00 €");
  });

  test("a new card is topped up with 20 € in cash", async () => {
    await page.goto("/till/topup");
    await streamOpen(page);
    await simulateTap(page, CARD_B);
    await page.waitForSelector(`button:has-text("${fr["till.topup_submit"]}")`);
    await page.click('label.tile:has-text("20,00")');
    await page.click(`button:has-text("${fr["till.topup_submit"]}")`);
    await page.waitForSelector("[data-testid=money-done]");
    expect(await textOf(page, "[data-testid=money-done]")).toBe("Carte rechargée de 20,00 €.");
  });

  test("another card is emptied: its 10 € given back in cash", async () => {
    await page.goto("/till/refund");
    await streamOpen(page);
    await simulateTap(page, CARD_C);
    await page.click(`button:has-text("${fr["till.refund_submit"].replace("{amount}", eur("10,00 €"))}")`);
    await page.waitForSelector("[data-testid=money-done]");
    expect(await textOf(page, "[data-testid=money-done]")).toBe("Carte vidée : 10,00 € rendus en espèces.");
  });

  test("a manager's PIN voids the cash sale", async () => {
    await page.goto("/till/sales");
    await page.click('tr[data-sale="2"] a:has-text("Annuler")');
    await page.fill("#void-reason", "erreur de saisie");
    await page.selectOption("#manager-id", { label: MANAGER.name });
    await page.fill("#manager-pin", MANAGER.pin);
    await page.click(`button:has-text("${fr["till.void_confirm"]}")`);
    await page.waitForSelector(`.notice.success:has-text("${fr["till.voided_done"].replace("{number}", "2")}")`);
    expect(await textOf(page, 'tr[data-sale="2"]')).toContain(fr["till.voided"]);
  });

  test("the cash drawer closes with the right expected cash", async () => {
    await page.goto("/till/cash");
    // 100 float + 10 handed over − 5 change − 5 given back by the void + 20 top-up − 10 refund
    expect(await textOf(page, "[data-testid=cash-expected]")).toBe("110,00 €");
    await page.fill("#counted", "110");
    await page.click(`button:has-text("${fr["till.cash_close"]}")`);
    await page.waitForSelector("[data-testid=cash-difference]");
    expect(await textOf(page, "[data-testid=cash-difference]")).toBe("0,00 €");
  });

  test("a double click on pay is one sale, and the same payment sent twice more is answered, not charged", async () => {
    const before = journal(venue.folder).sales.n;
    const sent: Array<{ body: string; key: string }> = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/till/sales") sent.push({ body: request.postData() ?? "", key: request.headers()["idempotency-key"] ?? "" });
    });
    await page.goto("/till");
    await addItem(page, "Soda");
    await page.click(`button:has-text("${fr["till.charge"].replace("{amount}", eur("2,00 €"))}")`);
    await page.click(`.quick-cash button:has-text("${eur("2,00 €")}")`);
    await page.dblclick(`button:has-text("${fr["till.confirm_payment"]}")`);
    await page.waitForSelector("[data-testid=paid]");
    expect(await textOf(page, "[data-testid=paid]")).toContain("vente n° 3");
    expect(sent.length).toBe(1);
    const answers = await page.evaluate(async (command) => {
      const csrf = (JSON.parse(document.body.getAttribute("hx-headers") ?? "{}") as Record<string, string>)["X-CSRF-Token"] ?? "";
      const send = () =>
        fetch("/till/sales", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "idempotency-key": command.key, "x-csrf-token": csrf, "hx-request": "true" }, body: command.body }).then(async (response) => ({
          status: response.status,
          sale: /vente n° (\d+)/.exec(await response.text())?.[1],
        }));
      return Promise.all([send(), send()]);
    }, sent[0]!);
    expect(answers).toEqual([{ status: 201, sale: "3" }, { status: 201, sale: "3" }]);
    expect(journal(venue.folder).sales.n).toBe(before + 1);
  });

  test("a door terminal, and a door volunteer on it, are refused at /till", async () => {
    const door = await tillContext({ token: venue.doorToken });
    await door.goto("/terminal");
    await door.click(`label.tile:has-text("${DOOR.name}")`);
    await door.fill("#pin", DOOR.pin);
    await Promise.all([door.waitForURL("**/terminal"), door.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
    const response = await door.goto("/till");
    expect(response?.status()).toBe(403);
    expect(await textOf(door, "main")).toContain(fr["till.not_a_till"]);
  });

  test("every till screen passes axe-core, with touch targets of 44 px", async () => {
    // The evening's page would claim the audit's taps (the same till): it is done.
    await page.context().close();
    const audit = await tillContext({ bypassCSP: true });
    await unlockWithPin(audit, MANAGER.name, MANAGER.pin);
    await check(audit, "till cart (empty)");
    await addItem(audit, "Bière");
    await addItem(audit, "Café");
    await check(audit, "till cart");
    await audit.click(`button:has-text("${fr["till.charge"].replace("{amount}", eur("5,00 €"))}")`);
    await audit.waitForSelector(".pay-screen");
    await check(audit, "till payment");
    await audit.click(`.quick-cash button:has-text("${eur("5,00 €")}")`);
    await audit.click(`button:has-text("${fr["till.confirm_payment"]}")`);
    await audit.waitForSelector("[data-testid=paid]");
    await check(audit, "till paid with receipt");
    await audit.goto("/till/topup");
    await streamOpen(audit);
    await check(audit, "till top-up waiting");
    await simulateTap(audit, CARD_A);
    await audit.waitForSelector(`button:has-text("${fr["till.topup_submit"]}")`);
    await check(audit, "till top-up");
    await audit.goto("/till/refund");
    await streamOpen(audit);
    await simulateTap(audit, CARD_A);
    await audit.waitForSelector("form.till-command button.danger");
    await check(audit, "till refund");
    await audit.goto("/till/sales");
    await check(audit, "till sales");
    await audit.goto("/till/sales/1");
    await check(audit, "till receipt");
    await audit.goto("/till/sales/3/void");
    await check(audit, "till void");
    await audit.goto("/till/cash");
    await check(audit, "till cash drawer");
    const phone = await tillContext({ bypassCSP: true, viewport: "phone" });
    await unlockWithPin(phone, MANAGER.name, MANAGER.pin);
    await addItem(phone, "Bière");
    await check(phone, "till cart", "phone");
    const locked = await tillContext({ bypassCSP: true });
    await locked.goto("/terminal?next=/till");
    await check(locked, "unlock with a staff card listener");
  });

  test("the journal holds what the evening sold, and tibox verify passes", async () => {
    const figures = journal(venue.folder);
    // Sales 1 (10 €, card), 2 (5 €, cash, voided), 3 (2 €, cash), 4 (5 €, the audit's cash sale). Top-ups are not sales.
    expect(figures.sales).toEqual({ n: 4, total: 2200 });
    expect(figures.voids).toBe(1);
    expect(figures.saleRecords).toBe(4);
    expect(figures.grandTotal).toBe(1700);
    expect(figures.payments).toBe(1);
    expect(figures.topups).toBe(1);
    expect(figures.refunds).toBe(1);
    expect(figures.orders).toBe(1);
    const verified = await runTibox(["verify", "--data", venue.folder]);
    expect({ code: verified.exitCode, out: verified.stdout + verified.stderr }).toMatchObject({ code: 0 });
  });
});
