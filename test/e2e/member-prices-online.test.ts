// Proves member prices online in Chromium on a phone: a member with a valid membership opens their
// own page (/me/<token>), follows its "order at the member price" link to the event's page in
// member mode, finds their name and e-mail filled in, takes one ticket at the member price to pay
// on site and lands on the order page (its QR code, the member price's amount). axe-core finds no
// violation on the three pages, their controls are at least 44x44 CSS px, none scrolls sideways.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { openBox, type Box } from "../../src/app.ts";
import { grantMembership, insertMember, memberLinkToken } from "../../src/membership/index.ts";
import { createEvent, findOrderByReference, saveOnlineSalesSettings, savePrice, saveProduct } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { setUp } from "../helpers/box.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, horizontalOverflowPx, launchBrowser, phoneContext, PHONE, removeFolder, smallTargets, tempFolder } from "../helpers/browser.ts";

setDefaultTimeout(60_000);

const HOUR = 3_600_000;

describe.skipIf(browserTestsSkipped())("member prices online, in Chromium on a phone", () => {
  const folder = tempFolder("tibox-member-prices-e2e-");
  let box: Box;
  let server: ReturnType<typeof Bun.serve>;
  let browser: Browser;
  let origin = "";
  let memberId = "";
  let memberPriceId = "";

  beforeAll(async () => {
    box = openBox({ dataDir: folder });
    await setUp(box);
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => box.app.fetch(request) });
    origin = `http://127.0.0.1:${server.port}`;
    const nowMs = Date.now();
    box.writer.transact((tx) => {
      const event = createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Bal folk", description: "Au parc", imageUrl: null, startsAtMs: nowMs + 48 * HOUR, endsAtMs: nowMs + 51 * HOUR, doorsAtMs: nowMs + 47 * HOUR, capacity: null, tags: [], visibility: "public" });
      const product = saveProduct(tx, { newId: box.deps.newId }, { eventId: event.id, name: "Entrée", priceMinor: 1200, quota: 50 });
      memberPriceId = savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 700 }).id;
      saveOnlineSalesSettings(tx, { onlineSalesEnabled: true, payOnSiteEnabled: true, holdMinutes: 15, stripeSecretKey: "", stripeWebhookSecret: "", publicBaseUrl: origin, donationsEnabled: false, donationMinMinor: 100 });
      memberId = insertMember(tx, box.deps.newId, { name: "Mia Membre", email: "mia@example.org" }, insertWallet(tx, box.deps.newId)).id;
      grantMembership(tx, box.deps.newId, { memberId, label: "Adhésion", validFromMs: nowMs - 24 * HOUR, validUntilMs: nowMs + 300 * 24 * HOUR });
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop(true);
    box?.close();
    removeFolder(folder);
  });

  async function check(page: Page, label: string, source: string): Promise<void> {
    expect({ page: label, violations: describeViolations(await axeViolations(page, source)) }).toEqual({ page: label, violations: [] });
    expect({ page: label, small: await smallTargets(page) }).toEqual({ page: label, small: [] });
    expect({ page: label, overflowPx: await horizontalOverflowPx(page, PHONE.width) }).toEqual({ page: label, overflowPx: 0 });
  }

  test("from the member's page to a member price ticket paid on site", async () => {
    const context = await phoneContext(browser, { baseURL: origin, bypassCSP: true });
    const page = await context.newPage();
    const source = axeSource();
    await page.goto(`/me/${memberLinkToken(box.signer, memberId)}`);
    expect(await page.textContent("#member-prices-title")).toBe("Vos tarifs adhérent en ligne");
    await check(page, "member page", source);

    await Promise.all([page.waitForURL(/\/agenda\/[0-9A-Z]+\?m=/), page.click('.member-prices-online a:has-text("Commander au tarif adhérent")')]);
    expect(await page.inputValue("#buyer_name")).toBe("Mia Membre");
    expect(await page.inputValue("#buyer_email")).toBe("mia@example.org");
    expect(await page.locator(`#q_${memberPriceId}`).count()).toBe(1);
    await check(page, "event page in member mode", source);

    await page.fill(`#q_${memberPriceId}`, "1");
    await page.check('input[name="payment"][value="on_site"]');
    await Promise.all([page.waitForURL(/\/orders\/[0-9A-Z]+\?k=/), page.click('.online-order button[type="submit"]')]);
    expect(page.url()).not.toContain("m=");
    expect(await page.textContent(".order-state")).toContain("À payer sur place");
    expect(await page.locator(".ticket-qr svg").count()).toBe(1);
    expect(await page.textContent("main")).toContain("7,00");
    await check(page, "order page", source);

    const reference = /\/orders\/([0-9A-Z]+)\?/.exec(page.url())![1]!;
    expect(findOrderByReference(box.writer.sqlite, reference)).toMatchObject({ memberId, totalMinor: 700, state: "pay_on_site" });
    await context.close();
  });
});
