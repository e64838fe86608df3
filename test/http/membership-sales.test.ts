// Proves selling memberships over HTTP on a real box through app.handle with browser-like clients
// and the local Stripe stand-in: /adhesion lists the active products (duration, price, a free
// price's amount with its minimum, the required custom fields) and the agenda links to it;
// refusals (a required field missing, a free price below its minimum, no product, a bad e-mail, a
// payment not offered, no CSRF token) answer their status and message and write nothing (row
// counts); paying on site makes a pay_on_site order whose membership is granted only when the box
// office marks it paid, then shown on the buyer's page; a known e-mail buys for the existing member,
// whose stored answers are kept unless given; paying online holds the order, goes to Stripe, and
// the signed event pays it and grants the membership; a refund ends it; the box office sells to a
// new person (cash) and to a member from their page (pay on site), and the order's admin page shows
// the membership; a cashier is refused; one address sending too many forms gets 429.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { insertSession } from "../../src/auth/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { findMember, insertMember, listMemberships, memberFieldValues, membershipOf, saveMemberField, saveMembershipProduct, setMemberFieldValues } from "../../src/membership/index.ts";
import { findOrderByReference, saveOnlineSalesSettings, type Order } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { addOperator, Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { rowCounts } from "../helpers/orders.ts";
import { startStripeStandIn, type StripeStandIn } from "../helpers/stripe-server.ts";
import { addBoxOffice } from "../helpers/box-office.ts";

const NOW = Date.UTC(2030, 2, 10, 9, 0);
const SECRET_KEY = "sk_test_51TiboxMembershipSales001";
const WEBHOOK_SECRET = "whsec_tiboxMembershipSales001";
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;
const clock = new FakeClock(NOW);
let box: TestBox;
let standIn: StripeStandIn;
let yearId = "";
let freeId = "";
let cityFieldId = "";
let volunteerFieldId = "";
let peers = 0;
let cashierId = "";

beforeAll(async () => {
  standIn = startStripeStandIn();
  box = testBox({ clock, stripeApiBaseUrl: standIn.baseUrl, addressOf: (request) => request.headers.get("x-test-peer") ?? `peer-${++peers}` });
  await setUp(box);
  addBoxOffice(box);
  box.writer.transact((tx) => {
    yearId = saveMembershipProduct(tx, box.deps, { name: "Adhésion <annuelle>", duration: "rolling_year", amountMinor: 1500, position: 1 }).id;
    freeId = saveMembershipProduct(tx, box.deps, { name: "Soutien", description: "Prix libre, dès 5 €", duration: "calendar_year", amountMinor: 500, freePrice: true, position: 2 }).id;
    saveMembershipProduct(tx, box.deps, { name: "Ancienne formule", duration: "month", amountMinor: 300, active: false });
    cityFieldId = saveMemberField(tx, box.deps, { label: "Ville", kind: "text", required: true, position: 1 }).id;
    volunteerFieldId = saveMemberField(tx, box.deps, { label: "Bénévole ?", kind: "checkbox", position: 2 }).id;
    saveOnlineSalesSettings(tx, {
      onlineSalesEnabled: true,
      payOnSiteEnabled: true,
      holdMinutes: 15,
      stripeSecretKey: SECRET_KEY,
      stripeWebhookSecret: WEBHOOK_SECRET,
      publicBaseUrl: "https://billetterie.example.org",
      donationsEnabled: false,
      donationMinMinor: 100,
    });
  });
  await addOperator(box, "manager", "Max Manager", MANAGER);
  cashierId = (await addOperator(box, "cashier", "Camille Caisse", { pin: "4321" })).id;
});
afterAll(() => {
  box.dispose();
  standIn.stop();
});

/** Opens /adhesion like a browser (CSRF cookie, the form's key) and sends the form. */
async function buy(fields: Record<string, string>, client = new Client(box)): Promise<{ response: Response; client: Client; orderKey: string }> {
  const html = await (await client.get("/adhesion")).text();
  const orderKey = /name="order_key" value="([^"]+)"/.exec(html)?.[1] ?? "";
  expect(orderKey.length).toBeGreaterThan(15);
  const form = { order_key: orderKey, product_id: yearId, buyer_name: "Léa Dupont", buyer_email: "lea@example.org", buyer_phone: "06 12 34 56 78", [`field_${cityFieldId}`]: "Lyon", payment: "on_site", ...fields };
  const response = await client.post("/adhesion", form);
  return { response, client, orderKey };
}

function orderOfLocation(location: string): Order {
  const reference = /^\/orders\/([0-9A-Z]+)\?k=/.exec(location)?.[1] ?? "";
  return findOrderByReference(box.writer.sqlite, reference)!;
}

function memberIdByEmail(email: string): string | undefined {
  return box.writer.sqlite.query<{ id: string }, [string]>("SELECT id FROM members WHERE email = ?").get(email)?.id;
}

async function webhook(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const timestampS = Math.floor(clock.nowMs() / 1000);
  const signature = createHmac("sha256", WEBHOOK_SECRET).update(`${timestampS}.${body}`).digest("hex");
  const response = await box.app.handle(
    new Request("http://localhost/api/v1/payments/stripe/webhook", { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": `t=${timestampS},v1=${signature}` }, body }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function staff(credentials: { email: string; password: string }): Promise<Client> {
  const client = new Client(box);
  expect((await client.login(credentials.email, credentials.password)).status).toBe(303);
  return client;
}

describe("the public membership page", () => {
  test("lists the active products with duration and price, the free price's amount, the fields; the agenda links to it", async () => {
    const page = await new Client(box).get("/adhesion");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Adhésion &lt;annuelle&gt;");
    expect(html).not.toContain("Adhésion <annuelle>");
    expect(html).toContain("un an de date à date");
    expect(html).toContain("15,00");
    expect(html).toContain("jusqu'au 31 décembre");
    expect(html).toContain(`name="a_${freeId}"`);
    expect(html).toContain("prix libre, à partir de 5,00");
    expect(html).not.toContain("Ancienne formule");
    expect(html).toContain(`name="field_${cityFieldId}"`);
    expect(html).toContain('value="online"');
    expect(html).toContain('value="on_site"');
    expect(await (await new Client(box).get("/agenda")).text()).toContain('href="/adhesion"');
    const english = await new Client(box).get("/membership");
    expect(english.status).toBe(303);
    expect(english.headers.get("location")).toBe("/adhesion");
  });

  test("refusals answer their status and message and write nothing", async () => {
    const before = rowCounts(box);
    const missing = await buy({ [`field_${cityFieldId}`]: "" });
    expect(missing.response.status).toBe(400);
    const missingHtml = await missing.response.text();
    expect(missingHtml).toContain("Le champ « Ville » est obligatoire.");
    // The form comes back with what was typed and a new key.
    expect(missingHtml).toContain('value="lea@example.org"');
    expect(/name="order_key" value="([^"]+)"/.exec(missingHtml)?.[1]).not.toBe(missing.orderKey);
    const below = await buy({ product_id: freeId, [`a_${freeId}`]: "4,99" });
    expect(below.response.status).toBe(400);
    expect(await below.response.text()).toContain("sous le minimum du prix libre");
    expect((await buy({ product_id: "" })).response.status).toBe(400);
    const inactive = box.writer.sqlite.query<{ id: string }, []>("SELECT id FROM membership_products WHERE active = 0").get()!.id;
    expect((await buy({ product_id: inactive })).response.status).toBe(404);
    expect((await buy({ buyer_email: "not-an-address" })).response.status).toBe(400);
    expect((await buy({ payment: "bitcoin" })).response.status).toBe(400);
    const client = new Client(box);
    await client.get("/adhesion");
    expect((await client.request("POST", "/adhesion", { form: { product_id: yearId, buyer_name: "X", buyer_email: "x@example.org", payment: "on_site" }, csrf: false })).status).toBe(403);
    expect(rowCounts(box)).toEqual(before);
  });

  test("pay on site: a pay_on_site order; the membership is granted only when the box office marks it paid", async () => {
    const { response, client, orderKey } = await buy({ [`field_${volunteerFieldId}`]: "1" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    const order = orderOfLocation(location);
    expect(order).toMatchObject({ state: "pay_on_site", channel: "online", totalMinor: 1500, buyerEmail: "lea@example.org" });
    expect(order.lines).toMatchObject([{ kind: "membership", productId: yearId, amountMinor: 1500 }]);
    const memberId = order.memberId!;
    expect(findMember(box.writer.sqlite, memberId)).toMatchObject({ name: "Léa Dupont", email: "lea@example.org" });
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Lyon", [volunteerFieldId]: "1" });
    expect(membershipOf(box.writer.sqlite, memberId, clock.nowMs())).toEqual({ valid: false, until: null });
    const pending = await (await client.get(location)).text();
    expect(pending).toContain("À payer sur place");
    expect(pending).toContain("L'adhésion sera valable une fois la commande payée.");
    // A double submit (same key) is the same order.
    const again = await client.post("/adhesion", { order_key: orderKey, product_id: yearId, buyer_name: "Léa Dupont", buyer_email: "lea@example.org", [`field_${cityFieldId}`]: "Lyon", payment: "on_site" });
    expect(again.headers.get("location")).toBe(location);
    expect(box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM orders").get()!.n).toBe(1);
    // The box office takes the money.
    const manager = await staff(MANAGER);
    expect((await manager.post(`/admin/ticketing/orders/${order.id}/pay`, { method: "cash" })).status).toBe(200);
    const status = membershipOf(box.writer.sqlite, memberId, clock.nowMs());
    expect(status.valid).toBe(true);
    // A rolling year from 10 March 2030 10:00 in Paris ends on 10 March 2031 10:00 (exclusive).
    expect(status.until).toBe(Date.UTC(2031, 2, 10, 9, 0));
    const paid = await (await client.get(location)).text();
    expect(paid).toContain("Adhésion : Adhésion &lt;annuelle&gt;, valable du 10/03/2030 au 10/03/2031.");
  });

  test("a known e-mail buys for the existing member; stored answers stay unless given", async () => {
    const memberId = box.writer.transact((tx) => {
      const member = insertMember(tx, box.deps.newId, { name: "Paul Martin", email: "paul@example.org" }, insertWallet(tx, box.deps.newId));
      setMemberFieldValues(tx, member.id, { [cityFieldId]: "Nantes", [volunteerFieldId]: "1" });
      return member.id;
    });
    const members = box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM members").get()!.n;
    const before = rowCounts(box);
    const { response } = await buy({ buyer_name: "Paul Martin", buyer_email: "PAUL@example.org", [`field_${cityFieldId}`]: "", product_id: freeId, [`a_${freeId}`]: "0" });
    // 0 is below the minimum of 5 €: refused, nothing written.
    expect(response.status).toBe(400);
    expect(rowCounts(box)).toEqual(before);
    const bought = await buy({ buyer_name: "Paul Martin", buyer_email: "PAUL@example.org", [`field_${cityFieldId}`]: "", product_id: freeId, [`a_${freeId}`]: "12,50" });
    expect(bought.response.status).toBe(303);
    const order = orderOfLocation(bought.response.headers.get("location")!);
    expect(order).toMatchObject({ memberId, totalMinor: 1250, state: "pay_on_site" });
    expect(box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM members").get()!.n).toBe(members);
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Nantes", [volunteerFieldId]: "1" });
    // Anyone may type a member's e-mail here: a stored answer is not changed from this public page.
    const moved = await buy({ buyer_name: "Paul Martin", buyer_email: "paul@example.org", [`field_${cityFieldId}`]: "Brest" });
    expect(moved.response.status).toBe(303);
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Nantes", [volunteerFieldId]: "1" });
  });

  test("pay online: held, Stripe checkout, the signed event pays it and grants the membership; a refund ends it", async () => {
    const { response, client } = await buy({ buyer_name: "Zoé Online", buyer_email: "zoe@example.org", payment: "online" });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<meta http-equiv="refresh" content="0;url=https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_standin\d+"/);
    const sent = standIn.requests.at(-1)!;
    const orderId = sent.form.get("client_reference_id")!;
    expect(sent.form.get("line_items[0][price_data][unit_amount]")).toBe("1500");
    const held = box.writer.sqlite.query<{ state: string; provider_ref: string; member_id: string }, [string]>("SELECT state, provider_ref, member_id FROM orders WHERE id = ?").get(orderId)!;
    expect(held.state).toBe("held");
    expect(listMemberships(box.writer.sqlite, held.member_id)).toEqual([]);
    const body = JSON.stringify({
      id: "evt_membership_paid",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { object: "checkout.session", currency: "eur", id: held.provider_ref, client_reference_id: orderId, metadata: { order_id: orderId }, amount_total: 1500, payment_status: "paid" } },
    });
    expect(await webhook(body)).toEqual({ status: 200, body: { received: true, outcome: "paid", duplicate: false } });
    expect(membershipOf(box.writer.sqlite, held.member_id, clock.nowMs()).valid).toBe(true);
    const success = new URL(sent.form.get("success_url")!);
    expect(await (await client.get(success.pathname + success.search)).text()).toContain("valable du 10/03/2030 au 10/03/2031");
    // Refunded at the box office: the membership is no longer valid.
    clock.advance(60_000);
    const manager = await staff(MANAGER);
    expect((await manager.post(`/admin/ticketing/orders/${orderId}/refund`, { method: "terminal" })).status).toBe(200);
    expect(membershipOf(box.writer.sqlite, held.member_id, clock.nowMs()).valid).toBe(false);
    expect(await (await client.get(success.pathname + success.search)).text()).toContain("Adhésion : Adhésion &lt;annuelle&gt;, terminée.");
  });
});

describe("the public page's rate limit", () => {
  test("one address sending too many forms is slowed down (429) and writes nothing", async () => {
    const client = new Client(box);
    await client.get("/adhesion");
    const before = rowCounts(box);
    let last = 0;
    for (let i = 0; i < 31 && last !== 429; i++) {
      last = (await client.request("POST", "/adhesion", { form: { order_key: "x", product_id: yearId }, headers: { "x-test-peer": "203.0.113.9" } })).status;
    }
    expect(last).toBe(429);
    expect(rowCounts(box)).toEqual(before);
  });
});

describe("the box office's membership form", () => {
  test("a manager sells to a new person for cash, and to a member from their page to pay on site; a cashier is refused", async () => {
    const manager = await staff(MANAGER);
    const page = await manager.get("/admin/members/sell");
    expect(page.status).toBe(200);
    const html = await page.text();
    const orderKey = /name="order_key" value="([^"]+)"/.exec(html)?.[1] ?? "";
    expect(html).toContain('value="cash"');
    const before = rowCounts(box);
    const missing = await manager.post("/admin/members/sell", { order_key: orderKey, product_id: yearId, buyer_name: "Nina Guichet", buyer_email: "nina@example.org", payment: "cash" });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Le champ « Ville » est obligatoire.");
    const free = await manager.post("/admin/members/sell", { order_key: orderKey, product_id: yearId, buyer_name: "Nina Guichet", buyer_email: "nina@example.org", [`field_${cityFieldId}`]: "Lille", payment: "free" });
    expect(free.status).toBe(400);
    expect(rowCounts(box)).toEqual(before);
    const sold = await manager.post("/admin/members/sell", { order_key: orderKey, product_id: yearId, buyer_name: "Nina Guichet", buyer_email: "nina@example.org", [`field_${cityFieldId}`]: "Lille", payment: "cash" });
    expect(sold.status).toBe(303);
    const orderId = /^\/admin\/ticketing\/orders\/([^?]+)\?created=1$/.exec(sold.headers.get("location")!)?.[1] ?? "";
    const order = box.writer.sqlite.query<{ state: string; channel: string; payment_method: string; member_id: string; operator_name: string; total_minor: number }, [string]>("SELECT * FROM orders WHERE id = ?").get(orderId)!;
    expect(order).toMatchObject({ state: "paid", channel: "box_office", payment_method: "cash", operator_name: "Max Manager" });
    expect(order.total_minor).toBeGreaterThan(0);
    expect(membershipOf(box.writer.sqlite, order.member_id, clock.nowMs()).valid).toBe(true);
    // The cash is a sale of the box office's point of sale: one line, the membership at the order's amount.
    const sale = box.writer.sqlite
      .query<{ total: number; pos: string; item: string; amount: number }, [string]>(
        "SELECT s.total, s.point_of_sale AS pos, l.item_id AS item, l.amount FROM orders o JOIN sales s ON s.id = o.sale_id JOIN sale_lines l ON l.sale_id = s.id WHERE o.id = ?",
      )
      .all(orderId);
    expect(sale).toEqual([{ total: order.total_minor, pos: "billetterie", item: `mp_${yearId}`, amount: order.total_minor }]);
    const adminPage = await manager.get(`/admin/ticketing/orders/${orderId}`);
    expect(adminPage.status).toBe(200);
    expect(await adminPage.text()).toContain("Adhésion : Adhésion &lt;annuelle&gt;, valable du 10/03/2030 au 10/03/2031.");

    // From a member's page: no buyer fields, the member's stored answers kept.
    const memberId = memberIdByEmail("paul@example.org")!;
    const memberPage = await (await manager.get(`/admin/members/${memberId}`)).text();
    expect(memberPage).toContain(`href="/admin/members/sell?member=${memberId}"`);
    const form = await (await manager.get(`/admin/members/sell?member=${memberId}`)).text();
    expect(form).toContain('name="member_id"');
    expect(form).not.toContain('name="buyer_email"');
    const key = /name="order_key" value="([^"]+)"/.exec(form)?.[1] ?? "";
    const onSite = await manager.post("/admin/members/sell", { order_key: key, member_id: memberId, product_id: freeId, [`a_${freeId}`]: "5", payment: "on_site" });
    expect(onSite.status).toBe(303);
    const second = box.writer.sqlite.query<{ state: string; member_id: string; total_minor: number }, []>("SELECT state, member_id, total_minor FROM orders ORDER BY created_at_ms DESC, rowid DESC LIMIT 1").get()!;
    expect(second).toEqual({ state: "pay_on_site", member_id: memberId, total_minor: 500 });
    expect(memberFieldValues(box.writer.sqlite, memberId)[cityFieldId]).toBe("Nantes");

    const cashier = new Client(box);
    cashier.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, cashierId, null)).cookieValue);
    expect((await cashier.get("/admin/members/sell")).status).toBe(403);
  });
});
