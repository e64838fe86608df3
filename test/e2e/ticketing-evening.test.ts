// Proves issue #6's evening end to end in Chromium, against a real `tibox serve` child set up by
// the CLI (`tibox init`, `tibox terminal add`): an admin creates an event and its ticket type
// through the admin pages; at the till a cashier sells two tickets from the "Billets" section,
// paid in cash, and sees them on the paid sale's screen (printed on the receipt printer, and on
// their printable QR page); at the door a volunteer scans ticket 1 (green: admitted), scans it
// again (red: already_redeemed); the admin revokes ticket 2 on its page, and scanning it gives red
// revoked. The database then holds one paid till order linked to its sale, two tickets (one valid,
// one revoked) and exactly one admission, and `tibox verify` passes on the data folder.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { dataDir, openReadOnlyDatabase } from "../../src/db/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import {
  axeSource,
  axeViolations,
  browserTestsSkipped,
  describeViolations,
  launchBrowser,
  removeFolder,
  runTibox,
  smallTargets,
  startBox,
  tabletContext,
  tempFolder,
  type RunningBox,
} from "../helpers/browser.ts";
import { ADMIN_PASSWORD, CASHIER, DOOR, setUpTillVenue, type TillVenue } from "../helpers/till.ts";
import { createEventInAdmin, logIn } from "../helpers/admin-ui.ts";

setDefaultTimeout(60_000);

const TITLE = "Soirée <jazz> & swing";

/** A time as the admin types it in a datetime-local field, in the venue's timezone. */

function readDb<T>(folder: string, read: (sqlite: ReturnType<typeof openReadOnlyDatabase>) => T): T {
  const sqlite = openReadOnlyDatabase(dataDir(folder).databasePath);
  try {
    return read(sqlite);
  } finally {
    sqlite.close();
  }
}

describe.skipIf(browserTestsSkipped())("an evening of ticketing: admin, till, door", () => {
  let box: RunningBox;
  let browser: Browser;
  let venue: TillVenue;
  let stopped = false;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const folder = tempFolder("tibox-ticketing-e2e-");
    venue = await setUpTillVenue(folder);
    [box, browser] = await Promise.all([startBox({ dataDir: folder }), launchBrowser()]);
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    if (box && !stopped) await box.stop();
    if (venue) removeFolder(venue.folder);
  });

  /** A browser; `bypassCSP` only where axe-core is injected (the till: its CSP is test/e2e/till.test.ts's). */
  async function newPage(terminalToken?: string, bypassCSP = false): Promise<Page> {
    const context = await tabletContext(browser, { baseURL: box.url, bypassCSP });
    contexts.push(context);
    if (terminalToken) await context.addCookies([{ name: "tibox_terminal", value: terminalToken, url: box.url }]);
    return context.newPage();
  }

  /** axe-core finds nothing, and every control is 44 px at least. */
  async function checkScreen(page: Page, label: string): Promise<void> {
    expect({ label, violations: describeViolations(await axeViolations(page, axeSource())) }).toEqual({ label, violations: [] });
    expect({ label, small: await smallTargets(page, { summary: true }) }).toEqual({ label, small: [] });
  }

  async function unlock(page: Page, name: string, pin: string, next: string): Promise<void> {
    await page.goto(`/terminal?next=${encodeURIComponent(next)}`);
    await page.click(`label.tile:has-text("${name}")`);
    await page.fill("#pin", pin);
    await Promise.all([page.waitForURL(`**${next}`), page.click(`form:has(#pin) button:has-text("${fr["terminal.unlock"]}")`)]);
  }

  /** A scanner's text then Enter, as door.js takes it (the AZERTY decoding is door.test.ts's). */
  async function scan(door: Page, qr: string, result: "admitted" | "refused", text: string): Promise<void> {
    // The previous answer goes first, so the panel waited for is this scan's.
    await door.evaluate(() => {
      const panel = document.querySelector('[data-testid="door-panel"]');
      if (panel) panel.remove();
    });
    await door.fill("#door-scan", qr);
    await door.press("#door-scan", "Enter");
    const panel = door.locator(`[data-testid="door-panel"][data-result="${result}"]`, { hasText: text });
    await panel.waitFor({ timeout: 15_000 });
  }

  test("create an event, sell two tickets at the till, admit one twice at the door, revoke the other", async () => {
    // The admin creates the event (starting in 30 minutes: its tickets are valid from two hours before) and a ticket type.
    const admin = await newPage();
    await logIn(admin, "ada@example.org", ADMIN_PASSWORD);
    const startsAt = Date.now() + 30 * 60_000;
    const eventId = await createEventInAdmin(admin, TITLE, startsAt);
    await admin.fill("#new_product_name", "Entrée");
    await admin.fill("#new_product_price", "12,50");
    await admin.click(`button:has-text("${fr["box_office.add_product"]}")`);
    await admin.waitForLoadState("load");
    expect(readDb(venue.folder, (db) => db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM ticket_products WHERE event_id = ?").get(eventId)!.n)).toBe(1);

    // At the till: two tickets from the "Billets" section, paid in cash, the exact amount.
    const till = await newPage(venue.tillToken, true);
    await unlock(till, CASHIER.name, CASHIER.pin, "/till");
    const ticketButton = till.locator('[data-testid="ticket-item"]', { hasText: "Soirée <jazz> & swing" });
    await expect(ticketButton.count()).resolves.toBe(1);
    await ticketButton.click();
    await till.waitForSelector('[data-testid="cart-line"]');
    await ticketButton.click();
    await till.waitForFunction(() => document.querySelector('[data-testid="cart-line"] .qty')?.textContent === "2");
    expect((await till.textContent('[data-testid="cart-total"]'))!.replace(/\s/g, " ")).toContain("25,00");
    await checkScreen(till, "till cart with tickets");
    await till.click(`button:has-text("${fr["till.charge"].replace(" {amount}", "")}")`);
    await till.click(`button:has-text("${fr["till.exact"].replace(" {amount}", "")}")`);
    await till.click(`[data-testid="pay-command"] button`);
    await till.waitForSelector('[data-testid="paid"]');
    const ticketIds = await till.locator('[data-testid="sale-ticket"]').evaluateAll((items) => items.map((item) => item.getAttribute("data-ticket-id")!));
    expect(ticketIds).toHaveLength(2);
    await checkScreen(till, "till paid sale with tickets");
    // The receipt printer (simulated) takes the tickets; the printable page shows both QR codes.
    await till.click(`button:has-text("${fr["till_tickets.print"]}")`);
    await till.waitForSelector('[data-testid="tickets-printed"]');
    expect(await till.textContent('[data-testid="tickets-printed"]')).toContain("(2)");
    const orderPage = await till.getAttribute('[data-testid="sale-tickets-page"]', "href");
    const printable = await till.context().newPage();
    await printable.goto(orderPage!);
    expect(await printable.locator('[data-testid="printable-ticket"] figure.qr svg').count()).toBe(2);
    await checkScreen(printable, "till tickets page");
    await printable.close();

    const qrOf = (id: string) => readDb(venue.folder, (db) => db.query<{ qr: string }, [string]>("SELECT qr FROM tickets WHERE id = ?").get(id)!.qr);

    // At the door: ticket 1 is admitted, then refused as already redeemed.
    const door = await newPage(venue.doorToken);
    await unlock(door, DOOR.name, DOOR.pin, `/door?event=${eventId}`);
    await door.waitForSelector("#door-scan");
    await scan(door, qrOf(ticketIds[0]!), "admitted", fr["door.admitted"]);
    await scan(door, qrOf(ticketIds[0]!), "refused", "déjà passé");

    // The admin revokes ticket 2 on its page; the door refuses it as revoked.
    // The browser asks first: "Cancel" sends nothing and the ticket stays valid; "OK" revokes it.
    await admin.goto(`/admin/ticketing/tickets/${ticketIds[1]}`);
    const asked: string[] = [];
    admin.once("dialog", (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await admin.click(`button:has-text("${fr["ticket.revoke"]}")`);
    await admin.waitForTimeout(300);
    expect(asked).toEqual([fr["confirm.ticket_revoke"]]);
    expect(readDb(venue.folder, (db) => db.query<{ state: string }, [string]>("SELECT state FROM tickets WHERE id = ?").get(ticketIds[1]!)!.state)).toBe("valid");
    admin.once("dialog", (dialog) => void dialog.accept());
    await Promise.all([admin.waitForLoadState("load"), admin.click(`button:has-text("${fr["ticket.revoke"]}")`)]);
    await admin.waitForSelector(`text=${fr["ticket.revoked"]}`);
    await scan(door, qrOf(ticketIds[1]!), "refused", fr["door.refusal.revoked"]);

    // The database agrees: one paid till order linked to its cash sale, two tickets, one admission.
    const state = readDb(venue.folder, (db) => {
      const order = db.query<{ id: string; channel: string; state: string; payment_method: string; sale_id: string; total_minor: number }, [string]>(
        "SELECT o.id, o.channel, o.state, o.payment_method, o.sale_id, o.total_minor FROM orders o JOIN tickets t ON t.order_id = o.id WHERE t.id = ?",
      ).get(ticketIds[0]!)!;
      const sale = db.query<{ total: number; pays: string }, [string]>("SELECT s.total, (SELECT group_concat(method) FROM sale_payments WHERE sale_id = s.id) AS pays FROM sales s WHERE s.id = ?").get(order.sale_id)!;
      const tickets = db.query<{ id: string; state: string }, [string]>("SELECT id, state FROM tickets WHERE order_id = ? ORDER BY rowid").all(order.id);
      const admitted = db.query<{ ticket_id: string }, [string]>("SELECT ticket_id FROM checkins WHERE result = 'admitted' AND ticket_id IN (SELECT id FROM tickets WHERE event_id = ?)").all(eventId);
      const refused = db.query<{ code: string }, [string]>("SELECT code FROM checkins WHERE result = 'refused' AND ticket_id IN (SELECT id FROM tickets WHERE event_id = ?) ORDER BY rowid").all(eventId);
      return { order, sale, tickets, admitted, refused };
    });
    expect(state.order).toMatchObject({ channel: "till", state: "paid", payment_method: "cash", total_minor: 2_500 });
    expect(state.sale).toEqual({ total: 2_500, pays: "cash" });
    expect(state.tickets).toEqual([
      { id: ticketIds[0]!, state: "valid" },
      { id: ticketIds[1]!, state: "revoked" },
    ]);
    expect(state.admitted).toEqual([{ ticket_id: ticketIds[0]! }]);
    expect(state.refused.map((row) => row.code)).toEqual(["already_redeemed", "revoked"]);

    // `tibox verify` on the data folder, once the box has stopped.
    stopped = true;
    expect(await box.stop()).toBe(0);
    const verified = await runTibox(["verify", "--data", venue.folder]);
    expect({ exit: verified.exitCode, out: verified.lastLine }).toMatchObject({ exit: 0 });
  });
});
