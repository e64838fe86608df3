// Proves online sales end to end through the real router (app.handle) on a real SQLite box, with
// a Bun.serve stand-in for api.stripe.com: an anonymous buyer orders from the event's public page
// and pays on site (tickets with QR on a private page no other key opens); another pays online
// (held order, Checkout Session created with the order's id, places kept), then a Stripe event
// signed in the test with the endpoint secret marks it paid, and the same event sent again changes
// nothing; forged, unsigned and stale events are refused with their code and write nothing; the
// provider being down gives the places back; the hold job (croner, fake clock) expires a hold,
// closes its session at Stripe and frees the places for the next buyer. The admin settings page
// never shows a secret back and refuses bad keys with their code.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { FakeClock, silentLogger } from "../../src/kernel/index.ts";
import { scheduleHoldExpiry } from "../../src/jobs/index.ts";
import { findOrderByReference, orderTickets, readOnlineSalesSettings, saveOnlineSalesSettings, savePrice, type Order } from "../../src/ticketing/index.ts";
import { Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct } from "../helpers/orders.ts";
import { startStripeStandIn, type StripeStandIn } from "../helpers/stripe-server.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
const SECRET_KEY = "sk_test_51TiboxOnlineSalesKey0001";
const WEBHOOK_SECRET = "whsec_tiboxOnlineSalesTest0001";
const clock = new FakeClock(NOW);
let box: TestBox;
let standIn: StripeStandIn;
let eventId = "";
let fullId = "";
let reducedId = "";
let peers = 0;

beforeAll(async () => {
  standIn = startStripeStandIn();
  // Each request its own peer address unless the test names one: the rate limit is tested alone.
  box = testBox({ clock, stripeApiBaseUrl: standIn.baseUrl, addressOf: (request) => request.headers.get("x-test-peer") ?? `peer-${++peers}` });
  await setUp(box);
  eventId = makeEvent(box, NOW + 48 * HOUR, { title: "Jazz <Club>" });
  const product = makeProduct(box, eventId, { name: "Concert", priceMinor: 1250, quota: 3 });
  fullId = product.id;
  reducedId = box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Réduit", kind: "reduced", amountMinor: 800 }).id);
  box.writer.transact((tx) =>
    saveOnlineSalesSettings(tx, {
      onlineSalesEnabled: true,
      payOnSiteEnabled: true,
      holdMinutes: 15,
      stripeSecretKey: SECRET_KEY,
      stripeWebhookSecret: WEBHOOK_SECRET,
      publicBaseUrl: "https://billetterie.example.org",
      donationsEnabled: true,
      donationMinMinor: 100,
    }),
  );
});
afterAll(() => {
  box.dispose();
  standIn.stop();
});

/** Opens the event page like a browser (CSRF cookie, the form's key) and sends the form. */
async function order(fields: Record<string, string>, client = new Client(box)): Promise<{ response: Response; client: Client; orderKey: string }> {
  const page = await client.get(`/agenda/${eventId}`);
  const html = await page.text();
  const orderKey = /name="order_key" value="([^"]+)"/.exec(html)?.[1] ?? "";
  expect(orderKey.length).toBeGreaterThan(15);
  const response = await client.post(`/agenda/${eventId}/order`, { order_key: orderKey, buyer_name: "Léa Dupont", buyer_email: "lea@example.org", ...fields });
  return { response, client, orderKey };
}

function orderOfLocation(location: string): Order {
  const reference = /^\/orders\/([0-9A-Z]+)\?k=/.exec(location)?.[1] ?? "";
  return findOrderByReference(box.writer.sqlite, reference)!;
}

function count(table: string, where = "1 = 1", ...params: string[]): number {
  return box.writer.sqlite.query<{ n: number }, string[]>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).get(...params)!.n;
}

function stripeEvent(id: string, type: string, session: Record<string, unknown>): string {
  return JSON.stringify({ id, object: "event", type, data: { object: { object: "checkout.session", currency: "eur", ...session } } });
}

async function webhook(body: string, options: { timestampS?: number; secret?: string; header?: string | null } = {}) {
  const timestampS = options.timestampS ?? Math.floor(clock.nowMs() / 1000);
  const signature = createHmac("sha256", options.secret ?? WEBHOOK_SECRET).update(`${timestampS}.${body}`).digest("hex");
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  const header = options.header === undefined ? `t=${timestampS},v1=${signature}` : options.header;
  if (header !== null) headers["stripe-signature"] = header;
  const response = await box.app.handle(new Request("http://localhost/api/v1/payments/stripe/webhook", { method: "POST", headers, body }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function validTickets(orderId: string): number {
  return orderTickets(box.writer.sqlite, orderId).filter((ticket) => ticket.state === "valid").length;
}

describe("online orders from the public agenda", () => {
  test("the event page offers the form: prices, donation, both payments; escaped title", async () => {
    const html = await (await new Client(box).get(`/agenda/${eventId}`)).text();
    expect(html).toContain(`name="q_${fullId}"`);
    expect(html).toContain(`name="q_${reducedId}"`);
    expect(html).toContain('name="donation"');
    expect(html).toContain('value="online"');
    expect(html).toContain('value="on_site"');
    expect(html).toContain("Jazz &lt;Club&gt;");
    expect(html).not.toContain("Jazz <Club>");
  });

  test("pay on site: tickets issued at once with their QR on a private page; the same form again is the same order", async () => {
    const { response, client, orderKey } = await order({ [`q_${reducedId}`]: "1", payment: "on_site" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    const placed = orderOfLocation(location);
    expect(placed).toMatchObject({ state: "pay_on_site", channel: "online", totalMinor: 800, buyerEmail: "lea@example.org" });
    expect(validTickets(placed.id)).toBe(1);
    const page = await client.get(location);
    expect(page.status).toBe(200);
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    const html = await page.text();
    expect(html).toContain("À payer sur place");
    expect(html.match(/<svg/g)?.length).toBe(1);
    // The reference alone, or another key, opens nothing.
    expect((await client.get(`/orders/${placed.reference}`)).status).toBe(404);
    expect((await client.get(`/orders/${placed.reference}?k=${"A".repeat(22)}`)).status).toBe(404);
    // A double submit (same key) answers the same order and writes nothing.
    const again = await client.post(`/agenda/${eventId}/order`, { order_key: orderKey, buyer_name: "Léa Dupont", buyer_email: "lea@example.org", [`q_${reducedId}`]: "1", payment: "on_site" });
    expect(again.headers.get("location")).toBe(location);
    expect(count("orders", "buyer_email = ?", "lea@example.org")).toBe(1);
    // Cancelled by the buyer: the place comes back.
    const cancel = await client.post(`${location.replace("?", "/cancel?")}`, {});
    expect(cancel.status).toBe(200);
    expect(await cancel.text()).toContain("Commande annulée");
    expect(validTickets(placed.id)).toBe(0);
  });

  test("refusals come back on the form with their message, a new key, and nothing written", async () => {
    const before = count("orders");
    const none = await order({ payment: "on_site" });
    expect(none.response.status).toBe(400);
    expect(await none.response.text()).toContain("Choisissez au moins un billet");
    const noEmail = await order({ [`q_${fullId}`]: "1", payment: "on_site", buyer_email: "" });
    expect(noEmail.response.status).toBe(400);
    const tooMany = await order({ [`q_${fullId}`]: "4", payment: "on_site" });
    expect(tooMany.response.status).toBe(409);
    const badPayment = await order({ [`q_${fullId}`]: "1", payment: "bitcoin" });
    expect(badPayment.response.status).toBe(400);
    const html = await badPayment.response.text();
    expect(html).toContain("Choisissez un mode de paiement");
    expect(/name="order_key" value="([^"]+)"/.exec(html)?.[1]).not.toBe(badPayment.orderKey);
    expect(count("orders")).toBe(before);
  });

  test("pay online: a held order, a Checkout Session for it, then the signed event pays it once", async () => {
    const { response, client } = await order({ [`q_${fullId}`]: "2", donation: "5", payment: "online" });
    // Not a redirect (form-action 'self' would block it in a browser): a page that goes on to Stripe.
    expect(response.status).toBe(200);
    const step = await response.text();
    expect(step).toMatch(/<meta http-equiv="refresh" content="0;url=https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_standin\d+"/);
    expect(step).toMatch(/href="https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_standin\d+"/);
    const sent = standIn.requests.at(-1)!;
    const orderId = sent.form.get("client_reference_id")!;
    expect(sent.headers.get("authorization")).toBe(`Bearer ${SECRET_KEY}`);
    expect(sent.headers.get("idempotency-key")).toBe(orderId);
    expect(sent.form.get("metadata[order_id]")).toBe(orderId);
    expect(sent.form.get("line_items[0][price_data][unit_amount]")).toBe("1250");
    expect(sent.form.get("line_items[0][quantity]")).toBe("2");
    expect(sent.form.get("line_items[1][price_data][unit_amount]")).toBe("500");
    expect(sent.form.get("success_url")).toStartWith("https://billetterie.example.org/orders/");
    const held = box.writer.sqlite.query<{ state: string; provider: string; provider_ref: string; reference: string; total_minor: number }, [string]>("SELECT * FROM orders WHERE id = ?").get(orderId)!;
    expect(held).toMatchObject({ state: "held", provider: "stripe", total_minor: 3000 });
    expect(validTickets(orderId)).toBe(2);
    const successPath = new URL(sent.form.get("success_url")!).pathname + new URL(sent.form.get("success_url")!).search;
    const waiting = await (await client.get(successPath)).text();
    expect(waiting).toContain("Paiement en attente");
    expect(waiting).not.toContain("<svg");

    const body = stripeEvent("evt_paid_1", "checkout.session.completed", { id: held.provider_ref, client_reference_id: orderId, metadata: { order_id: orderId }, amount_total: 3000, payment_status: "paid" });
    const events = () => count("event_log", "kind = 'order.paid'");
    expect(await webhook(body)).toEqual({ status: 200, body: { received: true, outcome: "paid", duplicate: false } });
    const paid = box.writer.sqlite.query<{ state: string; payment_method: string }, [string]>("SELECT state, payment_method FROM orders WHERE id = ?").get(orderId)!;
    expect(paid).toEqual({ state: "paid", payment_method: "online" });
    const paidRecords = events();
    // Stripe sends it again: the same answer, nothing more.
    expect(await webhook(body)).toEqual({ status: 200, body: { received: true, outcome: "paid", duplicate: true } });
    expect(events()).toBe(paidRecords);
    expect(count("payment_events", "event_id = 'evt_paid_1'")).toBe(1);
    const page = await (await client.get(successPath)).text();
    expect(page).toContain("Payée");
    expect(page.match(/<svg/g)?.length).toBe(2);
  });

  test("forged, unsigned, stale events are refused with their code and write nothing; unknown orders are recorded", async () => {
    const body = stripeEvent("evt_forged", "checkout.session.completed", { id: "cs_x", client_reference_id: "01NOSUCHORDER0000000000000", amount_total: 1, payment_status: "paid" });
    const before = count("payment_events");
    expect((await webhook(body, { secret: "whsec_attacker" })).body.code).toBe("signature_invalid");
    expect((await webhook(body, { header: null })).body.code).toBe("signature_missing");
    const stale = await webhook(body, { timestampS: Math.floor(clock.nowMs() / 1000) - 301 });
    expect(stale).toMatchObject({ status: 400, body: { code: "signature_expired" } });
    expect(count("payment_events")).toBe(before);
    expect(await webhook(body)).toEqual({ status: 200, body: { received: true, outcome: "unknown_order", duplicate: false } });
    expect(count("payment_events")).toBe(before + 1);
  });

  test("a payment of another amount does not pay the order", async () => {
    const { response } = await order({ [`q_${reducedId}`]: "1", payment: "online" });
    expect(response.status).toBe(200);
    const sent = standIn.requests.at(-1)!;
    const orderId = sent.form.get("client_reference_id")!;
    const ref = box.writer.sqlite.query<{ provider_ref: string }, [string]>("SELECT provider_ref FROM orders WHERE id = ?").get(orderId)!.provider_ref;
    const body = stripeEvent("evt_short", "checkout.session.completed", { id: ref, client_reference_id: orderId, amount_total: 100, payment_status: "paid" });
    expect((await webhook(body)).body.outcome).toBe("amount_mismatch");
    expect(box.writer.sqlite.query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(orderId)!.state).toBe("held");
    // The checkout expires at Stripe: the held order is cancelled and its place comes back.
    const expired = stripeEvent("evt_expired_1", "checkout.session.expired", { id: ref, client_reference_id: orderId, amount_total: 800, payment_status: "unpaid" });
    expect((await webhook(expired)).body.outcome).toBe("cancelled");
    expect(validTickets(orderId)).toBe(0);
  });

  test("the provider down: the buyer is told, and the held places come back at once", async () => {
    standIn.failWith = { status: 500, message: "boom" };
    const before = count("tickets", "state = 'valid'");
    const { response } = await order({ [`q_${fullId}`]: "1", payment: "online" });
    expect(response.status).toBe(502);
    expect(await response.text()).toContain("Le service de paiement ne répond pas");
    expect(count("tickets", "state = 'valid'")).toBe(before);
  });

  test("a hold that runs out expires by the job (fake clock), its session is closed at Stripe, the places are free again", async () => {
    // 2 places are sold (the paid order); the last one is held online.
    const { response } = await order({ [`q_${fullId}`]: "1", payment: "online" });
    expect(response.status).toBe(200);
    const orderId = standIn.requests.at(-1)!.form.get("client_reference_id")!;
    const ref = box.writer.sqlite.query<{ provider_ref: string }, [string]>("SELECT provider_ref FROM orders WHERE id = ?").get(orderId)!.provider_ref;
    const soldOut = await order({ [`q_${fullId}`]: "1", payment: "on_site" });
    expect(soldOut.response.status).toBe(409);
    const job = scheduleHoldExpiry({ writer: box.writer, clock, logger: silentLogger, signer: box.signer, newId: box.deps.newId, providerFor: box.deps.payments.providerFor }, { timezone: "Europe/Paris", paused: true });
    try {
      clock.advance(14 * 60_000);
      job.trigger();
      await Bun.sleep(50);
      expect(box.writer.sqlite.query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(orderId)!.state).toBe("held");
      clock.advance(60_000);
      job.trigger();
      for (let i = 0; i < 100 && box.writer.sqlite.query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(orderId)!.state === "held"; i++) await Bun.sleep(10);
      for (let i = 0; i < 100 && !standIn.requests.some((request) => request.path.endsWith(`/${ref}/expire`)); i++) await Bun.sleep(10);
    } finally {
      job.stop();
    }
    expect(box.writer.sqlite.query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(orderId)!.state).toBe("expired");
    expect(validTickets(orderId)).toBe(0);
    expect(standIn.requests.some((request) => request.path === `/v1/checkout/sessions/${ref}/expire`)).toBe(true);
    // Stripe's late payment for the expired order is recorded, not applied.
    const late = stripeEvent("evt_late", "checkout.session.completed", { id: ref, client_reference_id: orderId, amount_total: 1250, payment_status: "paid" });
    expect((await webhook(late)).body.outcome).toBe("paid_after_close");
    const next = await order({ [`q_${fullId}`]: "1", payment: "on_site" });
    expect(next.response.status).toBe(303);
  });

  test("one address sending too much is slowed down (429)", async () => {
    const client = new Client(box);
    let last = 0;
    for (let i = 0; i < 31; i++) last = (await client.get(`/orders/AAAAAAAA?k=${"B".repeat(22)}`, { "x-test-peer": "198.51.100.7" })).status;
    expect(last).toBe(429);
  });
});

describe("the online-sales settings page", () => {
  test("admins only; secrets never shown back, only their last 4 characters; blank keeps; bad keys refused with their code", async () => {
    const admin = new Client(box);
    await admin.login();
    const page = await (await admin.get("/admin/ticketing/settings")).text();
    expect(page).toContain("…0001");
    expect(page).not.toContain(SECRET_KEY);
    expect(page).not.toContain(WEBHOOK_SECRET);
    expect(page).toContain("https://billetterie.example.org/api/v1/payments/stripe/webhook");
    const form = { online_sales_enabled: "1", pay_on_site_enabled: "1", hold_minutes: "20", public_base_url: "https://billetterie.example.org/", donation_min: "2,50", stripe_secret_key: "", stripe_webhook_secret: "" };
    const saved = await admin.post("/admin/ticketing/settings", form);
    expect(saved.status).toBe(200);
    expect(readOnlineSalesSettings(box.writer.sqlite)).toMatchObject({ holdMinutes: 20, donationMinMinor: 250, donationsEnabled: false, stripeSecretKey: SECRET_KEY, publicBaseUrl: "https://billetterie.example.org" });
    const record = box.writer.sqlite.query<{ detail: string }, []>("SELECT detail FROM event_log WHERE kind = 'config.online_sales_saved' ORDER BY seq DESC LIMIT 1").get()!;
    expect(record.detail).toContain('"stripe_secret_key_set":true');
    expect(record.detail).not.toContain(SECRET_KEY);
    const refused = await admin.post("/admin/ticketing/settings", { ...form, stripe_secret_key: "pk_live_notASecretKey" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("sk_live_");
    expect(readOnlineSalesSettings(box.writer.sqlite).stripeSecretKey).toBe(SECRET_KEY);
    expect((await admin.post("/admin/ticketing/settings", { ...form, hold_minutes: "2" })).status).toBe(400);
    // Donations on: the event is sold out by now, and a sold-out event keeps its form only for a donation.
    const removed = await admin.post("/admin/ticketing/settings", { ...form, pay_on_site_enabled: "1", donations_enabled: "1", stripe_remove: "1" });
    expect(removed.status).toBe(200);
    expect(readOnlineSalesSettings(box.writer.sqlite)).toMatchObject({ stripeSecretKey: "", stripeWebhookSecret: "" });
    // Without Stripe the event page offers pay on site only.
    const html = await (await new Client(box).get(`/agenda/${eventId}`)).text();
    expect(html).not.toContain('value="online"');
    expect(html).toContain('value="on_site"');
  });
});
