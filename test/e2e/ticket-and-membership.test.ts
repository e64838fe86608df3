// Proves "become a member at the same time" on a phone in Chromium: the box's app served by
// Bun.serve in this process; a visitor opens an event's public page, takes a ticket, chooses a
// free-price membership (amount above its minimum), forgets the venue's required custom field (the
// browser does not require it: the section is optional; the server names it and keeps what was
// typed), fills it, pays on site and lands on one order page with the ticket's QR code and the
// membership valid once paid. axe-core finds no violation on the event page (with the error too)
// nor on the order page; no sideways scroll, and every control is a 44 px touch target.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { openBox, type Box } from "../../src/app.ts";
import { memberFieldValues, saveMemberField, saveMembershipProduct } from "../../src/membership/index.ts";
import { findOrderByReference, orderTickets, saveOnlineSalesSettings } from "../../src/ticketing/index.ts";
import { setUp } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, expectPhoneFriendly, launchBrowser, phoneContext, removeFolder, tempFolder } from "../helpers/browser.ts";

setDefaultTimeout(60_000);


describe.skipIf(browserTestsSkipped())("a ticket and a membership on a phone, in Chromium", () => {
  const folder = tempFolder("tibox-ticket-membership-e2e-");
  let box: Box;
  let server: ReturnType<typeof Bun.serve>;
  let browser: Browser;
  let origin = "";
  let eventId = "";
  let ticketProductId = "";
  let membershipId = "";
  let cityId = "";

  beforeAll(async () => {
    box = openBox({ dataDir: folder });
    await setUp(box);
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => box.app.fetch(request) });
    origin = `http://127.0.0.1:${server.port}`;
    eventId = makeEvent(box, Date.now() + 72 * HOUR, { title: "Bal folk" });
    ticketProductId = makeProduct(box, eventId, { name: "Entrée", priceMinor: 1000, quota: 20 }).id;
    box.writer.transact((tx) => {
      saveMembershipProduct(tx, box.deps, { name: "Adhésion annuelle", duration: "rolling_year", amountMinor: 1500, position: 1 });
      membershipId = saveMembershipProduct(tx, box.deps, { name: "Soutien", duration: "calendar_year", amountMinor: 500, freePrice: true, position: 2 }).id;
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

  test("one ticket and a free-price membership, the required field forgotten then given, paid on site: one order", async () => {
    const context = await phoneContext(browser, { baseURL: origin, bypassCSP: true });
    const page = await context.newPage();
    const source = axeSource();
    await page.goto(`/agenda/${eventId}`);
    expect(await page.textContent(".order-membership legend")).toBe("Adhérer en même temps");
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await expectPhoneFriendly(page);

    const priceInput = page.locator('.online-order input[name^="q_"]').first();
    await priceInput.fill("1");
    await page.check(`input[name="product_id"][value="${membershipId}"]`);
    await page.fill(`#a_${membershipId}`, "8");
    await page.fill("#buyer_name", "Inès Morel");
    await page.fill("#buyer_email", "ines@example.org");
    await page.check('input[name="payment"][value="on_site"]');
    // The browser lets the optional section's field empty; the server refuses, naming it.
    await Promise.all([page.waitForLoadState("load"), page.click('.online-order button[type="submit"]')]);
    expect(await page.textContent(".notice.error")).toContain("Ville");
    expect(await page.isChecked(`input[name="product_id"][value="${membershipId}"]`)).toBe(true);
    expect(await page.inputValue("#buyer_email")).toBe("ines@example.org");
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);

    await page.fill(`#field_${cityId}`, "Grenoble");
    await Promise.all([page.waitForURL(/\/orders\/[0-9A-Z]+\?k=/), page.click('.online-order button[type="submit"]')]);
    expect(await page.textContent(".order-state")).toContain("À payer sur place");
    expect(await page.textContent(".order-membership")).toContain("une fois la commande payée");
    expect(await page.locator(".order-ticket svg").count()).toBe(1);
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await expectPhoneFriendly(page);

    const reference = /\/orders\/([0-9A-Z]+)\?/.exec(page.url())![1]!;
    const order = findOrderByReference(box.writer.sqlite, reference)!;
    expect(order).toMatchObject({ state: "pay_on_site", totalMinor: 1800 });
    expect(order.lines.map((line) => [line.kind, line.productId])).toEqual([
      ["ticket", ticketProductId],
      ["membership", membershipId],
    ]);
    expect(orderTickets(box.writer.sqlite, order.id).length).toBe(1);
    expect(memberFieldValues(box.writer.sqlite, order.memberId!)).toEqual({ [cityId]: "Grenoble" });
    await context.close();
  });
});
