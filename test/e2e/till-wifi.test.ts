// Proves a till survives its box going away in the middle of a payment, in Chromium against a
// real `tibox serve` child: the payment request of a card tap reaches the box, which records the
// sale, and is killed (SIGKILL) before its answer reaches the page; the page shows its banner
// within 3 s, keeps the cart and the payment, never says "paid", and sends the same payment
// again (same key, same bytes) until the box, restarted on the same data folder and port,
// answers: then it shows "paid", and the journal holds exactly one sale and one ledger payment
// for that key. A second payment killed before it reached the box is recorded once, after the
// restart, the same way.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page, Route } from "playwright-core";
import { dataDir, openReadOnlyDatabase } from "../../src/db/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { browserTestsSkipped, launchBrowser, removeFolder, runTibox, startBox, tabletContext, tempFolder, type RunningBox } from "../helpers/browser.ts";
import { freePort } from "../helpers/process.ts";
import { CARD_A, MANAGER, setUpTillVenue, type TillVenue } from "../helpers/till.ts";

setDefaultTimeout(60_000);
/** The brief: the banner shows within 3 s of the box going silent. */
const BANNER_WITHIN_MS = 3_000;
/** How long the box stays down: the page keeps retrying meanwhile. */
const OUTAGE_MS = 2_000;

interface KeyFigures {
  readonly sales: number;
  readonly payments: number;
  readonly answers: number;
}

function figuresOfKey(folder: string, terminalId: string, key: string): KeyFigures {
  const sqlite = openReadOnlyDatabase(dataDir(folder).databasePath);
  try {
    const count = (sql: string, ...params: string[]) => sqlite.query<{ n: number }, string[]>(sql).get(...params)!.n;
    const scope = `terminal:${terminalId}`;
    return {
      sales: count("SELECT count(*) AS n FROM sales WHERE scope = ? AND idempotency_key = ?", scope, key),
      payments: count("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'payment' AND scope = ? AND idempotency_key = ?", scope, `${key}#p0`),
      answers: count("SELECT count(*) AS n FROM idempotency_keys WHERE scope = ? AND key = ?", scope, key),
    };
  } finally {
    sqlite.close();
  }
}

function tillTerminalId(folder: string): string {
  const sqlite = openReadOnlyDatabase(dataDir(folder).databasePath);
  try {
    return sqlite.query<{ id: string }, []>("SELECT id FROM terminals WHERE kind = 'till' AND name = 'Bar'").get()!.id;
  } finally {
    sqlite.close();
  }
}

describe.skipIf(browserTestsSkipped())("the till when the Wi-Fi drops (the box killed mid-payment)", () => {
  let box: RunningBox;
  let browser: Browser;
  let venue: TillVenue;
  let port = 0;
  let page: Page;

  beforeAll(async () => {
    venue = await setUpTillVenue(tempFolder("tibox-till-wifi-"));
    port = await freePort();
    [box, browser] = await Promise.all([startBox({ dataDir: venue.folder, port, args: ["--simulated-readers"] }), launchBrowser()]);
    const context = await tabletContext(browser, { baseURL: box.url });
    await context.addCookies([{ name: "tibox_terminal", value: venue.tillToken, url: box.url }]);
    await context.addInitScript(() => {
      document.addEventListener("htmx:sseOpen", () => ((window as unknown as { sseOpen: boolean }).sseOpen = true));
    });
    page = await context.newPage();
    await page.goto("/terminal?next=/till");
    await page.click(`label.tile:has-text("${MANAGER.name}")`);
    await page.fill("#pin", MANAGER.pin);
    await Promise.all([page.waitForURL("**/till"), page.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
  });

  afterAll(async () => {
    await browser?.close();
    if (box) await box.stop();
    if (venue) removeFolder(venue.folder);
  });

  async function addItem(name: string): Promise<void> {
    const before = await page.locator(".cart").textContent();
    await page.click(`button.item:has-text("${name}")`);
    await page.waitForFunction((text) => document.querySelector(".cart")?.textContent !== text, before);
  }

  async function bannerShown(): Promise<boolean> {
    return page.locator("#till-offline").isVisible();
  }

  /**
   * Runs one payment through an outage: `cut` decides what happens to the first request (it may
   * let it reach the box first); the box is killed there, kept down, restarted on the same port.
   */
  async function payThroughOutage(cut: (route: Route) => Promise<void>): Promise<{ key: string; killedAtMs: number }> {
    let key = "";
    let killedAtMs = 0;
    let first = true;
    const killed = Promise.withResolvers<void>();
    await page.route("**/till/sales", async (route) => {
      if (!first) return route.continue();
      first = false;
      key = route.request().headers()["idempotency-key"] ?? "";
      await cut(route);
      killedAtMs = performance.now();
      killed.resolve();
    });
    await page.goto("/till");
    await page.waitForFunction(() => (window as unknown as { sseOpen?: boolean }).sseOpen === true);
    await addItem("Bière");
    await addItem("Soda");
    await page.fill("#simulated-uid", CARD_A);
    await page.click(`button:has-text("${fr["taps.simulate"]}")`);
    await killed.promise;

    await page.waitForSelector("#till-offline", { state: "visible", timeout: BANNER_WITHIN_MS });
    const bannerAfterMs = performance.now() - killedAtMs;
    expect(bannerAfterMs).toBeLessThan(BANNER_WITHIN_MS);
    // Down for a while: the payment is kept (and retried), the cart too, and nothing says "paid".
    await Bun.sleep(OUTAGE_MS);
    expect(await page.locator("[data-testid=paid]").count()).toBe(0);
    expect(await page.evaluate(() => JSON.parse(sessionStorage.getItem("tibox.till.pending") ?? "null")?.key)).toBe(key);
    expect(await page.locator(".command-pending").textContent()).toContain("nouvel envoi du même paiement");
    expect(await bannerShown()).toBe(true);

    box = await startBox({ dataDir: venue.folder, port, args: ["--simulated-readers"] });
    await page.waitForSelector("[data-testid=paid]", { timeout: 10_000 });
    await page.waitForSelector("#till-offline", { state: "hidden", timeout: 5_000 });
    await page.unroute("**/till/sales");
    return { key, killedAtMs };
  }

  test("the box records the sale, dies before answering; the page retries with the same key and shows the first answer", async () => {
    const { key } = await payThroughOutage(async (route) => {
      // The request reaches the box, which commits the sale; the box dies before the page hears back.
      await route.fetch();
      await box.kill();
      await route.abort("connectionreset");
    });
    expect(key).toMatch(/^[0-9A-Z]{26}$/);
    expect(await page.locator("[data-testid=paid]").textContent()).toContain("vente n° 1");
    expect(figuresOfKey(venue.folder, tillTerminalId(venue.folder), key)).toEqual({ sales: 1, payments: 1, answers: 1 });
  });

  test("the box dies before the payment reaches it: recorded once, after the restart", async () => {
    const { key } = await payThroughOutage(async (route) => {
      await box.kill();
      await route.continue().catch(() => undefined);
    });
    expect(await page.locator("[data-testid=paid]").textContent()).toContain("vente n° 2");
    expect(figuresOfKey(venue.folder, tillTerminalId(venue.folder), key)).toEqual({ sales: 1, payments: 1, answers: 1 });
  });

  test("after both outages the journal holds two sales and verifies", async () => {
    const sqlite = openReadOnlyDatabase(dataDir(venue.folder).databasePath);
    try {
      expect(sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM sales").get()!.n).toBe(2);
      expect(sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_entries WHERE kind = 'payment'").get()!.n).toBe(2);
    } finally {
      sqlite.close();
    }
    await box.stop();
    const verified = await runTibox(["verify", "--data", venue.folder]);
    expect(verified.exitCode).toBe(0);
    box = await startBox({ dataDir: venue.folder, port, args: ["--simulated-readers"] });
  });
});
