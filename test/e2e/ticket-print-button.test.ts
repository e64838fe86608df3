// Proves a ticket's admin page can be printed from a tablet, which has no Ctrl+P: in Chromium on a
// touch tablet, against the box's app served in-process, tapping "Imprimer cette page" calls the
// browser's print (window.print, counted by a stub installed before the page's scripts), and the
// button is left out of the printout (.no-print); axe-core finds nothing on the page.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser } from "playwright-core";
import { openBox, type Box } from "../../src/app.ts";
import { issueTicket } from "../../src/ticketing/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import { ADMIN, setUp } from "../helpers/box.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, launchBrowser, removeFolder, tabletContext, tempFolder } from "../helpers/browser.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";

setDefaultTimeout(60_000);

describe.skipIf(browserTestsSkipped())("printing a ticket's page from a tablet", () => {
  const folder = tempFolder("tibox-ticket-print-e2e-");
  let box: Box;
  let server: ReturnType<typeof Bun.serve>;
  let browser: Browser;
  let origin = "";
  let ticketId = "";

  beforeAll(async () => {
    box = openBox({ dataDir: folder });
    await setUp(box);
    const eventId = makeEvent(box, Date.now() + 2 * HOUR, { title: "Bal" });
    const product = makeProduct(box, eventId, { name: "Entrée" });
    ticketId = box.writer.transact((tx) => issueTicket(tx, { newId: box.deps.newId }, { productId: product.id, holderName: "Ada" })).id;
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => box.app.fetch(request) });
    origin = `http://127.0.0.1:${server.port}`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop(true);
    box?.close();
    removeFolder(folder);
  });

  test("the button opens the print dialog and is not printed", async () => {
    const context = await tabletContext(browser, { baseURL: origin, bypassCSP: true });
    await context.addInitScript(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => {
        (window as unknown as { printed: number }).printed += 1;
      };
    });
    const page = await context.newPage();
    await page.goto("/login");
    await page.fill("#email", ADMIN.email);
    await page.fill("#password", ADMIN.password);
    await Promise.all([page.waitForURL((url) => !url.pathname.startsWith("/login")), page.click(`button:has-text("${fr["login.submit"]}")`)]);
    await page.goto(`/admin/ticketing/tickets/${ticketId}`);
    const button = page.locator(`button:has-text("${fr["ticket.print_page"]}")`);
    await button.tap();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: "print" });
    expect(await button.isVisible()).toBe(false);
    await page.emulateMedia({ media: "screen" });
    expect(describeViolations(await axeViolations(page, axeSource()))).toEqual([]);
    await context.close();
  });
});
