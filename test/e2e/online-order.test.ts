// Proves online ordering in Chromium on a phone: the box's app served by Bun.serve in this process
// (so that Stripe's API address can point at a local stand-in), a buyer fills the order form on
// the event's public page, chooses to pay online and lands on "Stripe" (checkout.stripe.com is
// answered by the test through Playwright's routing: nothing leaves the machine); the test then
// sends Stripe's signed event to the box's webhook, and the buyer's return page shows the paid
// order with its two QR codes. A second buyer pays on site and gets the order page with the QR
// code at once. axe-core finds no violation on the event page with its form, nor on the order page.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHmac } from "node:crypto";
import type { Browser } from "playwright-core";
import { openBox, type Box } from "../../src/app.ts";
import { createEvent, saveOnlineSalesSettings, saveProduct } from "../../src/ticketing/index.ts";
import { setUp } from "../helpers/box.ts";
import { axeSource, axeViolations, browserTestsSkipped, describeViolations, launchBrowser, phoneContext, removeFolder, tempFolder } from "../helpers/browser.ts";
import { startStripeStandIn, type StripeStandIn } from "../helpers/stripe-server.ts";

setDefaultTimeout(60_000);

const WEBHOOK_SECRET = "whsec_tiboxE2eOnlineOrder";

describe.skipIf(browserTestsSkipped())("ordering online from the agenda, in Chromium", () => {
  const folder = tempFolder("tibox-order-e2e-");
  let box: Box;
  let standIn: StripeStandIn;
  let server: ReturnType<typeof Bun.serve>;
  let browser: Browser;
  let origin = "";
  let eventId = "";
  let priceId = "";

  beforeAll(async () => {
    standIn = startStripeStandIn();
    box = openBox({ dataDir: folder, stripeApiBaseUrl: standIn.baseUrl });
    await setUp(box);
    server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (request) => box.app.fetch(request) });
    origin = `http://127.0.0.1:${server.port}`;
    const nowMs = Date.now();
    box.writer.transact((tx) => {
      const event = createEvent(tx, { signer: box.signer, newId: box.deps.newId }, { title: "Bal folk", description: "Au parc", imageUrl: null, startsAtMs: nowMs + 48 * 3_600_000, endsAtMs: nowMs + 51 * 3_600_000, doorsAtMs: nowMs + 47 * 3_600_000, capacity: null, tags: [], visibility: "public" });
      eventId = event.id;
      priceId = saveProduct(tx, { newId: box.deps.newId }, { eventId: event.id, name: "Entrée", priceMinor: 1000, quota: 50 }).id;
      saveOnlineSalesSettings(tx, { onlineSalesEnabled: true, payOnSiteEnabled: true, holdMinutes: 15, stripeSecretKey: "sk_test_e2eTiboxKey0001", stripeWebhookSecret: WEBHOOK_SECRET, publicBaseUrl: origin, donationsEnabled: false, donationMinMinor: 100 });
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    server?.stop(true);
    standIn?.stop();
    box?.close();
    removeFolder(folder);
  });

  test("pay online: Stripe's page, the signed event, the paid order with its tickets", async () => {
    const context = await phoneContext(browser, { baseURL: origin });
    await context.route("https://checkout.stripe.com/**", (route) => route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Stripe</title><h1>Stripe test checkout</h1>" }));
    const page = await context.newPage();
    await page.goto(`/agenda/${eventId}`);
    await page.fill(`#q_${priceId}`, "2");
    await page.fill("#buyer_name", "Camille Martin");
    await page.fill("#buyer_email", "camille@example.org");
    await page.check('input[name="payment"][value="online"]');
    await Promise.all([page.waitForURL(/^https:\/\/checkout\.stripe\.com\//), page.click('.online-order button[type="submit"]')]);
    expect(await page.textContent("h1")).toBe("Stripe test checkout");

    const sent = standIn.requests.at(-1)!;
    const orderId = sent.form.get("client_reference_id")!;
    const sessionId = page.url().split("/").at(-1)!;
    const body = JSON.stringify({
      id: "evt_e2e_1",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { id: sessionId, object: "checkout.session", client_reference_id: orderId, metadata: { order_id: orderId }, amount_total: 2000, currency: "eur", payment_status: "paid" } },
    });
    const t = Math.floor(Date.now() / 1000);
    const signature = createHmac("sha256", WEBHOOK_SECRET).update(`${t}.${body}`).digest("hex");
    const answer = await fetch(`${origin}/api/v1/payments/stripe/webhook`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${signature}` }, body });
    expect(await answer.json()).toEqual({ received: true, outcome: "paid", duplicate: false });

    // Stripe sends the buyer back to the success address.
    await page.goto(sent.form.get("success_url")!);
    expect(await page.textContent(".order-state")).toContain("Payée");
    expect(await page.locator(".ticket-qr svg").count()).toBe(2);
    await context.close();
  });

  test("pay on site: the order page with the QR at once; axe-core finds nothing on either page", async () => {
    const context = await phoneContext(browser, { baseURL: origin, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`/agenda/${eventId}`);
    const source = axeSource();
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await page.fill(`#q_${priceId}`, "1");
    await page.fill("#buyer_name", "Sam Durand");
    await page.fill("#buyer_email", "sam@example.org");
    await page.check('input[name="payment"][value="on_site"]');
    await Promise.all([page.waitForURL(/\/orders\/[0-9A-Z]+\?k=/), page.click('.online-order button[type="submit"]')]);
    expect(await page.textContent(".order-state")).toContain("À payer sur place");
    expect(await page.locator(".ticket-qr svg").count()).toBe(1);
    expect(describeViolations(await axeViolations(page, source))).toEqual([]);
    await context.close();
  });
});
