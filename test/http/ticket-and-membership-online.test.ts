// Proves "become a member at the same time" on an event's public order form, over HTTP through the
// real router on a real SQLite box with browser-like clients and the local Stripe stand-in: the
// form offers the membership products (escaped, a free price's amount) and the custom fields with a
// hint that member prices are not unlocked; a ticket and a membership paid on site make ONE order
// (ticket lines + membership line), the tickets issued at once (the door says unpaid), the
// membership granted only when the box office takes the cash through its point of sale, the buyer's
// page and the order mail saying so; paid online through Stripe, the signed event pays it, the
// membership is valid and the tickets too; a required field missing, a free price under its
// minimum, or a member price without a valid membership (even with a membership in the same order)
// refuse the whole order and write nothing (row counts); without a membership the fields are not
// asked; an existing member's stored answers are only filled, never changed; member mode keeps its
// member as the order's member.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { FakeClock } from "../../src/kernel/index.ts";
import { insertMember, memberFieldValues, memberLinkToken, membershipOf, saveMemberField, saveMembershipProduct, setMemberFieldValues } from "../../src/membership/index.ts";
import { findOrder, findOrderByReference, orderTickets, saveOnlineSalesSettings, savePrice, type Order } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { addOperator, Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, rowCounts } from "../helpers/orders.ts";
import { startStripeStandIn, type StripeStandIn } from "../helpers/stripe-server.ts";
import { addBoxOffice } from "../helpers/box-office.ts";

const NOW = Date.UTC(2030, 2, 10, 9, 0);
const SECRET_KEY = "sk_test_51TiboxTicketMembership01";
const WEBHOOK_SECRET = "whsec_tiboxTicketMembership01";
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;
const clock = new FakeClock(NOW);
let box: TestBox;
let standIn: StripeStandIn;
let eventId = "";
let fullId = "";
let memberPriceId = "";
let yearId = "";
let freeId = "";
let cityFieldId = "";
let volunteerFieldId = "";
let peers = 0;

beforeAll(async () => {
  standIn = startStripeStandIn();
  box = testBox({ clock, stripeApiBaseUrl: standIn.baseUrl, addressOf: (request) => request.headers.get("x-test-peer") ?? `peer-${++peers}` });
  await setUp(box);
  addBoxOffice(box);
  eventId = makeEvent(box, NOW + 48 * HOUR, { title: "Bal folk" });
  const product = makeProduct(box, eventId, { name: "Entrée", priceMinor: 1200, quota: 50 });
  fullId = product.id;
  memberPriceId = box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 800 }).id);
  box.writer.transact((tx) => {
    yearId = saveMembershipProduct(tx, box.deps, { name: "Adhésion <annuelle>", duration: "rolling_year", amountMinor: 1500, position: 1 }).id;
    freeId = saveMembershipProduct(tx, box.deps, { name: "Soutien", duration: "calendar_year", amountMinor: 500, freePrice: true, position: 2 }).id;
    cityFieldId = saveMemberField(tx, box.deps, { label: "Ville <du membre>", kind: "text", required: true, position: 1 }).id;
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
});
afterAll(() => {
  box.dispose();
  standIn.stop();
});

/** Opens the event page like a browser (CSRF cookie, the form's key) and sends the form. */
async function order(fields: Record<string, string>, options: { client?: Client; token?: string } = {}): Promise<{ response: Response; client: Client }> {
  const client = options.client ?? new Client(box);
  const html = await (await client.get(`/agenda/${eventId}${options.token ? `?m=${options.token}` : ""}`)).text();
  const orderKey = /name="order_key" value="([^"]+)"/.exec(html)?.[1] ?? "";
  expect(orderKey.length).toBeGreaterThan(15);
  const form = { order_key: orderKey, buyer_name: "Léa Dupont", buyer_email: "lea@example.org", payment: "on_site", ...(options.token ? { m: options.token } : {}), ...fields };
  return { response: await client.post(`/agenda/${eventId}/order`, form), client };
}

function orderOfLocation(location: string): Order {
  const reference = /^\/orders\/([0-9A-Z]+)\?k=/.exec(location)?.[1] ?? "";
  return findOrderByReference(box.writer.sqlite, reference)!;
}

function validTickets(orderId: string): number {
  return orderTickets(box.writer.sqlite, orderId).filter((ticket) => ticket.state === "valid").length;
}

async function webhook(body: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const timestampS = Math.floor(clock.nowMs() / 1000);
  const signature = createHmac("sha256", WEBHOOK_SECRET).update(`${timestampS}.${body}`).digest("hex");
  const response = await box.app.handle(
    new Request("http://localhost/api/v1/payments/stripe/webhook", { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": `t=${timestampS},v1=${signature}` }, body }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("a ticket and a membership in one online order", () => {
  test("the event's form offers the memberships, the custom fields and the member price hint", async () => {
    const html = await (await new Client(box).get(`/agenda/${eventId}`)).text();
    expect(html).toContain("Adhérer en même temps");
    expect(html).toContain("elle ne donne pas droit aux tarifs adhérent de cette commande");
    expect(html).toContain(`name="product_id" value="${yearId}"`);
    expect(html).toContain('name="product_id" value=""');
    expect(html).toContain("Adhésion &lt;annuelle&gt;");
    expect(html).not.toContain("Adhésion <annuelle>");
    expect(html).toContain(`name="a_${freeId}"`);
    expect(html).toContain("Ville &lt;du membre&gt; *");
    expect(html).toContain(`name="field_${cityFieldId}"`);
    // The section is optional: the browser does not require the fields, the server does when a membership is chosen.
    expect(new RegExp(`name="field_${cityFieldId}"[^>]*required`).test(html)).toBe(false);
    // The member price is not offered outside member mode.
    expect(html).not.toContain(`name="q_${memberPriceId}"`);
  });

  test("pay on site: one order with ticket and membership lines; tickets issued unpaid; the membership granted when the box office takes the cash", async () => {
    const before = rowCounts(box);
    const { response, client } = await order({ [`q_${fullId}`]: "2", product_id: yearId, [`field_${cityFieldId}`]: "Lyon", [`field_${volunteerFieldId}`]: "1" });
    expect(response.status).toBe(303);
    const location = response.headers.get("location")!;
    const placed = orderOfLocation(location);
    expect(placed).toMatchObject({ state: "pay_on_site", channel: "online", totalMinor: 2 * 1200 + 1500, buyerEmail: "lea@example.org", saleId: null });
    expect(placed.lines).toMatchObject([
      { kind: "ticket", productId: fullId, quantity: 2, amountMinor: 2400 },
      { kind: "membership", productId: yearId, quantity: 1, amountMinor: 1500 },
    ]);
    expect(rowCounts(box).orders).toBe(before.orders! + 1);
    expect(rowCounts(box).members).toBe(before.members! + 1);
    const memberId = placed.memberId!;
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Lyon", [volunteerFieldId]: "1" });
    expect(validTickets(placed.id)).toBe(2);
    expect(orderTickets(box.writer.sqlite, placed.id).every((ticket) => ticket.memberId === memberId)).toBe(true);
    expect(membershipOf(box.writer.sqlite, memberId, clock.nowMs())).toEqual({ valid: false, until: null });
    // The buyer's page: both tickets with their QR, the membership pending.
    const pending = await (await client.get(location)).text();
    expect(pending).toContain("À payer sur place");
    expect(pending.match(/<svg/g)?.length).toBe(2);
    expect(pending).toContain("L'adhésion sera valable une fois la commande payée.");
    // The order's mail: the tickets and the membership, valid once paid.
    const mail = box.writer.sqlite.query<{ text_body: string }, [string]>("SELECT text_body FROM email_outbox WHERE ref_id = ? AND kind = 'order_tickets'").get(placed.id)!;
    expect(mail.text_body).toContain("Adhésion <annuelle> : sera valable une fois payée à l'accueil");
    expect(mail.text_body).toContain("Bal folk");
    // The box office takes the cash: a sale of its point of sale pays the order and grants the membership.
    const manager = new Client(box);
    expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
    expect((await manager.post(`/admin/ticketing/orders/${placed.id}/pay`, { method: "cash" })).status).toBe(200);
    const paid = findOrder(box.writer.sqlite, placed.id)!;
    expect(paid).toMatchObject({ state: "paid", paymentMethod: "cash" });
    expect(paid.saleId).not.toBeNull();
    const sale = box.writer.sqlite.query<{ total: number; pos: string }, [string]>("SELECT total, point_of_sale AS pos FROM sales WHERE id = ?").get(paid.saleId!)!;
    expect(sale).toEqual({ total: 3900, pos: "billetterie" });
    const status = membershipOf(box.writer.sqlite, memberId, clock.nowMs());
    expect(status).toEqual({ valid: true, until: Date.UTC(2031, 2, 10, 9, 0) });
    expect(validTickets(placed.id)).toBe(2);
    const after = await (await client.get(location)).text();
    expect(after).toContain("Adhésion : Adhésion &lt;annuelle&gt;, valable du 10/03/2030 au 10/03/2031.");
    const paidMail = box.writer.sqlite.query<{ text_body: string }, [string]>("SELECT text_body FROM email_outbox WHERE ref_id = ? AND kind != 'order_tickets'").get(placed.id)!;
    expect(paidMail.text_body).toContain("valable du 10/03/2030 au 10/03/2031");
  });

  test("paid online: held, Stripe checkout with both lines, the signed event pays it; membership and tickets valid", async () => {
    const { response, client } = await order({ [`q_${fullId}`]: "1", product_id: freeId, [`a_${freeId}`]: "7,50", [`field_${cityFieldId}`]: "Brest", buyer_name: "Zoé Online", buyer_email: "zoe@example.org", payment: "online" });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/<meta http-equiv="refresh" content="0;url=https:\/\/checkout\.stripe\.com\/c\/pay\/cs_test_standin\d+"/);
    const sent = standIn.requests.at(-1)!;
    const orderId = sent.form.get("client_reference_id")!;
    expect(sent.form.get("line_items[0][price_data][unit_amount]")).toBe("1200");
    expect(sent.form.get("line_items[1][price_data][unit_amount]")).toBe("750");
    const held = findOrder(box.writer.sqlite, orderId)!;
    expect(held).toMatchObject({ state: "held", totalMinor: 1950 });
    expect(held.lines.map((line) => line.kind)).toEqual(["ticket", "membership"]);
    expect(membershipOf(box.writer.sqlite, held.memberId!, clock.nowMs()).valid).toBe(false);
    const body = JSON.stringify({
      id: "evt_ticket_membership_paid",
      object: "event",
      type: "checkout.session.completed",
      data: { object: { object: "checkout.session", currency: "eur", id: held.providerRef, client_reference_id: orderId, metadata: { order_id: orderId }, amount_total: 1950, payment_status: "paid" } },
    });
    expect(await webhook(body)).toEqual({ status: 200, body: { received: true, outcome: "paid", duplicate: false } });
    expect(findOrder(box.writer.sqlite, orderId)!.state).toBe("paid");
    expect(membershipOf(box.writer.sqlite, held.memberId!, clock.nowMs()).valid).toBe(true);
    expect(validTickets(orderId)).toBe(1);
    expect(memberFieldValues(box.writer.sqlite, held.memberId!)).toEqual({ [cityFieldId]: "Brest" });
    const success = new URL(sent.form.get("success_url")!);
    const page = await (await client.get(success.pathname + success.search)).text();
    expect(page).toContain("Soutien, valable du 10/03/2030 au 31/12/2030");
    expect(page.match(/<svg/g)?.length).toBe(1);
  });

  test("a missing required field, a free price under its minimum, a member price without a valid membership: the whole order refused, nothing written", async () => {
    const before = rowCounts(box);
    const missing = await order({ [`q_${fullId}`]: "1", product_id: yearId, buyer_email: "new@example.org" });
    expect(missing.response.status).toBe(400);
    const html = await missing.response.text();
    expect(html).toContain("Le champ « Ville &lt;du membre&gt; » est obligatoire.");
    // The form comes back with what was typed.
    expect(html).toContain('value="new@example.org"');
    expect(html).toMatch(new RegExp(`name="product_id" value="${yearId}" checked`));
    const below = await order({ [`q_${fullId}`]: "1", product_id: freeId, [`a_${freeId}`]: "4,99", [`field_${cityFieldId}`]: "Lyon", buyer_email: "new@example.org" });
    expect(below.response.status).toBe(400);
    expect(await below.response.text()).toContain("sous le minimum du prix libre");
    expect((await order({ [`q_${fullId}`]: "1", product_id: "nope", buyer_email: "new@example.org" })).response.status).toBe(404);
    // The membership bought in this order is not valid until paid: it does not unlock a member price.
    const memberPrice = await order({ [`q_${memberPriceId}`]: "1", product_id: yearId, [`field_${cityFieldId}`]: "Lyon", buyer_email: "new@example.org" });
    expect(memberPrice.response.status).toBe(409);
    expect(await memberPrice.response.text()).toContain("Le tarif adhérent demande une adhésion valide.");
    const memberPriceOnline = await order({ [`q_${memberPriceId}`]: "1", product_id: yearId, [`field_${cityFieldId}`]: "Lyon", buyer_email: "new@example.org", payment: "online" });
    expect(memberPriceOnline.response.status).toBe(409);
    // A membership alone is sold on /adhesion: the event's form still needs a ticket.
    expect((await order({ product_id: yearId, [`field_${cityFieldId}`]: "Lyon", buyer_email: "new@example.org" })).response.status).toBe(400);
    expect(rowCounts(box)).toEqual(before);
  });

  test("without a membership the fields are not asked; an existing member's stored answers are only filled", async () => {
    const ticketsOnly = await order({ [`q_${fullId}`]: "1", product_id: "", buyer_email: "solo@example.org" });
    expect(ticketsOnly.response.status).toBe(303);
    const solo = orderOfLocation(ticketsOnly.response.headers.get("location")!);
    expect(solo.lines.map((line) => line.kind)).toEqual(["ticket"]);
    expect(solo.memberId).toBeNull();
    const memberId = box.writer.transact((tx) => {
      const member = insertMember(tx, box.deps.newId, { name: "Paul Martin", email: "paul@example.org" }, insertWallet(tx, box.deps.newId));
      setMemberFieldValues(tx, member.id, { [cityFieldId]: "Nantes" });
      return member.id;
    });
    const members = rowCounts(box).members;
    // The required field left empty keeps the stored answer; an answer typed here does not change it, an empty one is filled.
    const { response } = await order({ [`q_${fullId}`]: "1", product_id: yearId, [`field_${cityFieldId}`]: "Brest", [`field_${volunteerFieldId}`]: "1", buyer_name: "Paul Martin", buyer_email: "PAUL@example.org" });
    expect(response.status).toBe(303);
    const placed = orderOfLocation(response.headers.get("location")!);
    expect(placed.memberId).toBe(memberId);
    expect(rowCounts(box).members).toBe(members);
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Nantes", [volunteerFieldId]: "1" });
  });

  test("member mode: the member's token makes them the order's member; without a valid membership they still cannot take a member price", async () => {
    const memberId = box.writer.transact((tx) => insertMember(tx, box.deps.newId, { name: "Inès Membre", email: "ines@example.org" }, insertWallet(tx, box.deps.newId)).id);
    const token = memberLinkToken(box.signer, memberId);
    const page = await (await new Client(box).get(`/agenda/${eventId}?m=${token}`)).text();
    expect(page).toContain("Adhérer en même temps");
    expect(page).toContain('value="ines@example.org"');
    const before = rowCounts(box);
    const refused = await order({ [`q_${memberPriceId}`]: "1", product_id: yearId, [`field_${cityFieldId}`]: "Lille", buyer_name: "Inès Membre", buyer_email: "ines@example.org" }, { token });
    expect(refused.response.status).toBe(409);
    expect(rowCounts(box)).toEqual(before);
    const { response } = await order({ [`q_${fullId}`]: "1", product_id: yearId, [`field_${cityFieldId}`]: "Lille", buyer_name: "Inès Membre", buyer_email: "autre@example.org" }, { token });
    expect(response.status).toBe(303);
    const placed = orderOfLocation(response.headers.get("location")!);
    expect(placed).toMatchObject({ memberId, state: "pay_on_site", totalMinor: 2700 });
    expect(memberFieldValues(box.writer.sqlite, memberId)).toEqual({ [cityFieldId]: "Lille" });
    expect(membershipOf(box.writer.sqlite, memberId, clock.nowMs()).valid).toBe(false);
  });
});
