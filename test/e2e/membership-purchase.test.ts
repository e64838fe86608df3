// Proves buying a membership on a phone in Chromium: the box's app served by Bun.serve in this
// process; a visitor goes from the agenda to /adhesion, picks a free-price membership (amount
// above its minimum), fills name, e-mail and the venue's required custom field, chooses to pay on
// site, and lands on the order page saying the membership will be valid once paid; the box office
// marks the order paid and the same page then shows the membership's validity. axe-core finds no
// violation on /adhesion (with an error shown too) nor on the order page; no sideways scroll, and
// every control is a 44 px touch target.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { openBox, type Box } from "../../src/app.ts";
import { membershipOf, saveMemberField, saveMembershipProduct } from "../../src/membership/index.ts";
import { findOrderByReference, markOrderPaid, saveOnlineSalesSettings } from "../../src/ticketing/index.ts";
import { setUp } from "../helpers/box.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, expectPhoneFriendly, launchBrowser, phoneContext, removeFolder, tempFolder } from "../helpers/browser.ts";

setDefaultTimeout(60_000);


describe.skipIf(browserTestsSkipped())("buying a membership on a phone, in Chromium", () => {
  const folder = tempFolder("tibox-membership-e2e-");
  let box: Box;
  let server: ReturnType<typeof Bun.serve>;
  let browser: Browser;
  let origin = "";
  let productId = "";
  let cityId = "";

  beforeAll(async () => {
    box = openBox({ dataDir: folder });
    await setUp(box);
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => box.app.fetch(request) });
    origin = `http://127.0.0.1:${server.port}`;
    box.writer.transact((tx) => {
      saveMembershipProduct(tx, box.deps, { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 1500, position: 1 });
      productId = saveMembershipProduct(tx, box.deps, { name: "Soutien", description: "Prix libre", duration: "calendar_year", amountMinor: 500, freePrice: true, position: 2 }).id;
      cityId = saveMemberField(tx, box.deps, { label: "Ville", kind: "text", required: true }).id;
      saveOnlineSalesSettings(tx, { onlineSalesEnabled: true, payOnSiteEnabled: true, holdMinutes: 15, stripeSecretKey: "", stripeWebhookSecret: "", publicBaseUrl: origin, donationsEnabled: false, donationMinMinor: 100 });
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop(true);
    box?.close();
    removeFolder(folder);
  });

  test("from the agenda to /adhesion, pay on site, then valid once the box office marks it paid", async () => {
    const context = await phoneContext(browser, { baseURL: origin, bypassCSP: true });
    const page = await context.newPage();
    const source = axeSource();
    await page.goto("/agenda");
    // The agenda links to /adhesion in its content and in the public pages' footer.
    expect(await page.locator('footer.public-links a[href="/adhesion"]').count()).toBe(1);
    await Promise.all([page.waitForURL(/\/adhesion$/), page.click('main a[href="/adhesion"]')]);
    expect(await page.textContent("h1")).toBe("Adhérer");
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await expectPhoneFriendly(page);

    // Forgetting the required field: the form comes back with the error, what was typed kept.
    await page.check(`input[name="product_id"][value="${productId}"]`);
    await page.fill(`#a_${productId}`, "12");
    await page.fill("#buyer_name", "Inès Morel");
    await page.fill("#buyer_email", "ines@example.org");
    await page.check('input[name="payment"][value="on_site"]');
    await page.evaluate(() => document.querySelectorAll("[required]").forEach((input) => input.removeAttribute("required")));
    await Promise.all([page.waitForLoadState("load"), page.click('.membership-sale button[type="submit"]')]);
    expect(await page.textContent(".notice.error")).toContain("Ville");
    expect(await page.inputValue("#buyer_email")).toBe("ines@example.org");
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);

    await page.fill(`#field_${cityId}`, "Grenoble");
    await Promise.all([page.waitForURL(/\/orders\/[0-9A-Z]+\?k=/), page.click('.membership-sale button[type="submit"]')]);
    expect(await page.textContent(".order-state")).toContain("À payer sur place");
    expect(await page.textContent(".order-membership")).toContain("une fois la commande payée");
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await expectPhoneFriendly(page);

    const reference = /\/orders\/([0-9A-Z]+)\?/.exec(page.url())![1]!;
    const order = findOrderByReference(box.writer.sqlite, reference)!;
    expect(order).toMatchObject({ state: "pay_on_site", totalMinor: 1200 });
    box.writer.transact((tx) => markOrderPaid(tx, { newId: box.deps.newId, signer: box.signer }, { orderId: order.id, method: "cash", nowMs: Date.now(), timeZone: "Europe/Paris" }));
    expect(membershipOf(box.writer.sqlite, order.memberId!, Date.now()).valid).toBe(true);
    await page.reload();
    expect(await page.textContent(".order-state")).toContain("Payée");
    expect(await page.textContent('[data-testid="order-membership"]')).toContain("Soutien, valable du");
    await context.close();
  });
});
