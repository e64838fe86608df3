// Proves the box office's pages on a real box through browser-like clients (cookies, CSRF): a
// manager adds a ticket type with limits, VAT and a sale window, adds and edits prices, sells
// several prices in one order (303 to the order page, tickets with printable links, escaped
// names), sells to pay on site then takes the payment and refunds, cancels an unpaid order; a
// refused sale comes back with its message, the typed form and no row written; the same form sent
// twice makes one order; orders are listed and searched; a form without its CSRF token and a
// cashier are refused (403) and write nothing. Money taken (cash, terminal) is a sale of the box
// office's point of sale (test/ticketing/box-office-pos.test.ts proves the books).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertSession, type Role } from "../../src/auth/index.ts";
import { FakeClock } from "../../src/kernel/index.ts";
import { grantMembership, insertMember } from "../../src/membership/index.ts";
import { findProduct, listPrices, savePrice } from "../../src/ticketing/index.ts";
import { insertWallet } from "../../src/wallet/index.ts";
import { addOperator, Client, setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, rowCounts } from "../helpers/orders.ts";
import { addBoxOffice } from "../helpers/box-office.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);
const MANAGER = { email: "manager@example.org", password: "long enough password" } as const;

describe("box office pages", () => {
  let box: TestBox;
  let manager: Client;
  let cashier: Client;
  let eventId = "";
  let keys = 0;
  const key = () => `sell-form-${++keys}`;
  const orderCount = () => box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM orders").get()!.n;

  async function sessionClient(role: Role, name: string, pin: string): Promise<Client> {
    const operator = await addOperator(box, role, name, { pin });
    const client = new Client(box);
    client.cookies.set("tibox_session", box.writer.transact((tx) => insertSession(tx, box.deps.random, operator.id, null)).cookieValue);
    return client;
  }

  beforeAll(async () => {
    box = testBox({ clock: new FakeClock(NOW) });
    await setUp(box);
    await addOperator(box, "manager", "Maud Manager", MANAGER);
    manager = new Client(box);
    expect((await manager.login(MANAGER.email, MANAGER.password)).status).toBe(303);
    cashier = await sessionClient("cashier", "Camille Caisse", "4821");
    eventId = makeEvent(box, NOW + 24 * HOUR, { title: "Concert <b>" });
  });
  afterAll(() => box.dispose());

  test("a ticket type with limits, VAT and a sale window; prices added and edited; refusals shown", async () => {
    const added = await manager.post(`/admin/ticketing/events/${eventId}/products`, {
      name: "Concert",
      price: "15",
      quota: "100",
      per_order_max: "6",
      per_person_max: "8",
      sale_from: "",
      sale_until: "2030-05-11T12:00",
      vat: "5,5",
      position: "1",
    });
    expect(added.status).toBe(200);
    const product = box.writer.sqlite.query<{ id: string }, []>("SELECT id FROM ticket_products WHERE name = 'Concert'").get()!;
    // 12:00 in Paris (CEST) is 10:00 UTC.
    expect(findProduct(box.writer.sqlite, product.id)).toMatchObject({ priceMinor: 1500, quota: 100, perOrderMax: 6, perPersonMax: 8, saleFromMs: null, saleUntilMs: Date.UTC(2030, 4, 11, 10, 0), vatRateBp: 550, position: 1 });
    const path = `/admin/ticketing/products/${product.id}`;
    const page = await (await manager.get(path)).text();
    expect(page).toContain('value="2030-05-11T12:00"');
    expect(page).toContain('value="15,00"');
    expect((await manager.post(`${path}/prices`, { label: 'Réduit "<i>', kind: "reduced", amount: "10", position: "", active: "1" })).status).toBe(200);
    expect((await manager.post(`${path}/prices`, { label: "Libre", kind: "free", amount: "5", position: "", active: "1" })).status).toBe(200);
    const prices = listPrices(box.writer.sqlite, product.id);
    expect(prices.map((price) => [price.label, price.kind, price.amountMinor])).toEqual([
      ["Plein tarif", "full", 1500],
      ['Réduit "<i>', "reduced", 1000],
      ["Libre", "free", 500],
    ]);
    // Labels are in attribute values there: the quote is escaped, so the value cannot be left.
    expect(await (await manager.get(path)).text()).toContain('value="Réduit &#34;<i>"');
    // Edit the first price: the product's price follows.
    expect((await manager.post(`${path}/prices`, { price_id: product.id, label: "Plein", kind: "full", amount: "16,50", position: "0", active: "1" })).status).toBe(200);
    expect(findProduct(box.writer.sqlite, product.id)!.priceMinor).toBe(1650);
    const refused = await manager.post(`${path}/prices`, { label: "", kind: "full", amount: "3", active: "1" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Donnez un libellé au prix.");
    const badKind = await manager.post(`${path}/prices`, { label: "VIP", kind: "vip", amount: "3", active: "1" });
    expect(await badKind.text()).toContain("Choisissez un type de prix.");
    const badLimit = await manager.post(path, { name: "Concert", quota: "100", per_order_max: "0", vat: "5,5", active: "1" });
    expect(badLimit.status).toBe(400);
    expect(await badLimit.text()).toContain("Une limite est un nombre entier");
    const saved = await manager.post(path, { name: "Concert", quota: "120", per_order_max: "", per_person_max: "8", sale_from: "", sale_until: "", vat: "20", position: "1", active: "1" });
    expect(saved.status).toBe(200);
    expect(findProduct(box.writer.sqlite, product.id)).toMatchObject({ quota: 120, perOrderMax: null, saleUntilMs: null, vatRateBp: 2000, priceMinor: 1650 });
    // The event page lists the prices and offers them in the sell form.
    const eventPage = await (await manager.get(`/admin/ticketing/events/${eventId}`)).text();
    expect(eventPage).toContain(`name="qty_${prices[1]!.id}"`);
    expect(eventPage).toContain(`name="amount_${prices[2]!.id}"`);
    expect(eventPage).not.toContain(`/admin/ticketing/events/${eventId}/tickets`);
  });

  test("without a box office point of sale the sell form says so up front; with one it does not", async () => {
    const warning = "il faut un point de vente de type « Billetterie »";
    const before = await (await manager.get(`/admin/ticketing/events/${eventId}`)).text();
    expect(before).toContain("Vendre");
    expect(before).toContain(warning);
    expect(before).toContain('href="/admin/pos/points-of-sale"');
    addBoxOffice(box);
    expect(await (await manager.get(`/admin/ticketing/events/${eventId}`)).text()).not.toContain(warning);
    // A refused new ticket type: its message is repeated inside its form (#add-product), far down on a phone.
    const refused = await manager.post(`/admin/ticketing/events/${eventId}/products`, { name: "", price: "10", vat: "5,5" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/id="add-product"><h3>[^<]*<\/h3><p class="notice error">[^<]+<\/p>/);
  });

  test("selling several prices: one order, its page with tickets, printable links, escaped names; the same form twice is one order", async () => {
    const product = box.writer.sqlite.query<{ id: string }, []>("SELECT id FROM ticket_products WHERE name = 'Concert'").get()!;
    const [full, reduced, free] = listPrices(box.writer.sqlite, product.id);
    const form = {
      idempotency_key: key(),
      [`qty_${full!.id}`]: "2",
      [`qty_${reduced!.id}`]: "1",
      [`qty_${free!.id}`]: "1",
      [`amount_${free!.id}`]: "7,50",
      buyer_name: "<script>alert(1)</script>",
      buyer_email: "ada@example.org",
      buyer_phone: "",
      holders: "Grace <b>\nLinus",
      payment: "cash",
    };
    const sold = await manager.post(`/admin/ticketing/events/${eventId}/orders`, form);
    expect(sold.status).toBe(303);
    const location = sold.headers.get("location")!;
    const order = box.writer.sqlite.query<{ id: string; total: number; state: string; method: string; reference: string }, []>(
      "SELECT id, total_minor AS total, state, payment_method AS method, reference FROM orders ORDER BY created_at_ms DESC, rowid DESC LIMIT 1",
    ).get()!;
    expect(location).toBe(`/admin/ticketing/orders/${order.id}?created=1`);
    expect([order.total, order.state, order.method]).toEqual([2 * 1650 + 1000 + 750, "paid", "cash"]);
    const page = await (await manager.get(location)).text();
    expect(page).toContain(order.reference);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>alert(1)</script>");
    expect(page).toContain("Grace &lt;b&gt;");
    expect(page).toContain("Concert &lt;b&gt;");
    const tickets = box.writer.sqlite.query<{ id: string; holder: string }, [string]>("SELECT id, holder_name AS holder FROM tickets WHERE order_id = ? ORDER BY rowid").all(order.id);
    expect(tickets.map((t) => t.holder)).toEqual(["Grace <b>", "Linus", "<script>alert(1)</script>", "<script>alert(1)</script>"]);
    for (const ticket of tickets) expect(page).toContain(`href="/admin/ticketing/tickets/${ticket.id}"`);
    expect(page).toContain(`action="/admin/ticketing/orders/${order.id}/refund"`);
    expect(page).not.toContain(`/cancel"`);
    // The ticket's page links back to its order.
    expect(await (await manager.get(`/admin/ticketing/tickets/${tickets[0]!.id}`)).text()).toContain(`href="/admin/ticketing/orders/${order.id}"`);
    // Sent again (a double click): the same order, nothing more.
    const before = rowCounts(box);
    const again = await manager.post(`/admin/ticketing/events/${eventId}/orders`, form);
    expect(again.headers.get("location")).toBe(location);
    expect(rowCounts(box)).toEqual(before);
  });

  test("a refused sale comes back with its message and the typed form, and writes nothing", async () => {
    const small = makeProduct(box, eventId, { name: "Petite jauge", quota: 1 });
    const before = rowCounts(box);
    const refused = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${small.id}`]: "2", buyer_name: "Marie Curie", payment: "cash" });
    expect(refused.status).toBe(409);
    const page = await refused.text();
    expect(page).toContain("Ce type de billet est complet.");
    // Said at the top and again inside the sell form, which the page's address scrolls to (#sell).
    expect(page).toMatch(/<form method="post" action="[^"]*\/orders#sell"[^>]*id="sell"><p class="notice error">Ce type de billet est complet\.<\/p>/);
    expect(page).toContain('value="Marie Curie"');
    expect(page).toMatch(new RegExp(`name="qty_${small.id}"[^>]*value="2"`));
    expect(rowCounts(box)).toEqual(before);
    const empty = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), buyer_name: "x", payment: "cash" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Choisissez au moins un billet.");
    const tooManyNames = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${small.id}`]: "1", holders: "A\nB", payment: "cash" });
    expect(await tooManyNames.text()).toContain("Au plus un nom de porteur par billet.");
    const free = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${small.id}`]: "1", payment: "free" });
    expect(await free.text()).toContain("gratuit seulement pour 0");
    expect(rowCounts(box)).toEqual(before);
  });

  test("a member price at the box office: refused for a buyer who is not a valid member, sold to the member found by the e-mail typed", async () => {
    const product = makeProduct(box, eventId, { name: "Adhérents", priceMinor: 1200 });
    const memberPrice = box.writer.transact((tx) => savePrice(tx, { newId: box.deps.newId }, { productId: product.id, label: "Adhérent", kind: "member", amountMinor: 600 }));
    const memberId = box.writer.transact((tx) => {
      const id = insertMember(tx, box.deps.newId, { name: "Rosa", email: "rosa@example.org" }, insertWallet(tx, box.deps.newId)).id;
      grantMembership(tx, box.deps.newId, { memberId: id, label: "Adhésion", validFromMs: NOW - HOUR, validUntilMs: NOW + 24 * HOUR });
      return id;
    });
    const stranger = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${memberPrice.id}`]: "1", buyer_email: "other@example.org", payment: "cash" });
    expect(stranger.status).toBe(409);
    expect(await stranger.text()).toContain("Le tarif adhérent demande une adhésion valide.");
    const sold = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${memberPrice.id}`]: "1", buyer_name: "Rosa", buyer_email: "ROSA@example.org", payment: "cash" });
    expect(sold.status).toBe(303);
    const orderId = sold.headers.get("location")!.split("/").pop()!.replace("?created=1", "");
    expect(box.writer.sqlite.query<{ member: string; total: number }, [string]>("SELECT member_id AS member, total_minor AS total FROM orders WHERE id = ?").get(orderId)).toEqual({ member: memberId, total: 600 });
  });

  test("pay on site, then the payment taken, then refunded; an unpaid order cancelled", async () => {
    const product = makeProduct(box, eventId, { name: "Sur place", priceMinor: 800 });
    const sold = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${product.id}`]: "2", buyer_name: "Pierre", payment: "pay_on_site" });
    expect(sold.status).toBe(303);
    const orderPath = sold.headers.get("location")!.replace("?created=1", "");
    const page = await (await manager.get(orderPath)).text();
    expect(page).toContain("À payer sur place");
    expect(page).toContain(`action="${orderPath}/pay"`);
    expect(page).toContain(`action="${orderPath}/cancel"`);
    const paid = await manager.post(`${orderPath}/pay`, { method: "terminal" });
    expect(paid.status).toBe(200);
    expect(await paid.text()).toContain("Commande encaissée.");
    const orderId = orderPath.split("/").pop()!;
    expect(box.writer.sqlite.query<{ state: string; method: string }, [string]>("SELECT state, payment_method AS method FROM orders WHERE id = ?").get(orderId)).toEqual({ state: "paid", method: "terminal" });
    // The terminal's money is a sale of the box office, of the order's amount, linked to the order.
    const sale = box.writer.sqlite
      .query<{ number: number; total: number; pos: string; method: string }, [string]>(
        "SELECT s.number, s.total, s.point_of_sale AS pos, p.method FROM orders o JOIN sales s ON s.id = o.sale_id JOIN sale_payments p ON p.sale_id = s.id WHERE o.id = ?",
      )
      .get(orderId)!;
    expect(sale).toMatchObject({ total: 1600, pos: "billetterie", method: "card_terminal" });
    expect(await (await manager.get(orderPath)).text()).toContain(`Rembourser (annule la vente n° ${sale.number})`);
    const cancelPaid = await manager.post(`${orderPath}/cancel`, {});
    expect(cancelPaid.status).toBe(409);
    expect(await cancelPaid.text()).toContain("une commande payée se rembourse");
    const refunded = await manager.post(`${orderPath}/refund`, { method: "terminal" });
    expect(refunded.status).toBe(200);
    expect(await refunded.text()).toContain("Commande remboursée, billets révoqués.");
    expect(box.writer.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM tickets WHERE order_id = ? AND state = 'revoked'").get(orderId)!.n).toBe(2);
    // Refunded by voiding its sale: the money leaves the books the way it came in.
    expect(box.writer.sqlite.query<{ n: number }, [number]>("SELECT count(*) AS n FROM sale_voids v JOIN sales s ON s.id = v.sale_id WHERE s.number = ?").get(sale.number)!.n).toBe(1);
    const unpaid = await manager.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${product.id}`]: "1", buyer_name: "Paul", payment: "pay_on_site" });
    const unpaidPath = unpaid.headers.get("location")!.replace("?created=1", "");
    const cancelled = await manager.post(`${unpaidPath}/cancel`, {});
    expect(await cancelled.text()).toContain("Commande annulée, billets révoqués.");
    expect((await manager.get("/admin/ticketing/orders/nope")).status).toBe(404);
    const kinds = box.writer.sqlite.query<{ kind: string }, []>("SELECT kind FROM event_log WHERE kind IN ('order.paid', 'order.refunded', 'order.cancelled') ORDER BY seq").all().map((row) => row.kind);
    expect(kinds).toEqual(["order.paid", "order.refunded", "order.cancelled"]);
  });

  test("the orders' list searches by reference, name and e-mail, and by event", async () => {
    const all = await (await manager.get("/admin/ticketing/orders")).text();
    expect(all).toContain("Pierre");
    expect(all).toContain("&lt;script&gt;");
    const pierre = box.writer.sqlite.query<{ reference: string }, []>("SELECT reference FROM orders WHERE buyer_name = 'Pierre'").get()!.reference;
    const byName = await (await manager.get("/admin/ticketing/orders?q=Pierre")).text();
    expect(byName).toContain(pierre);
    expect(byName).not.toContain("Paul");
    expect(await (await manager.get(`/admin/ticketing/orders?q=${pierre}`)).text()).not.toContain("Paul");
    expect(await (await manager.get("/admin/ticketing/orders?q=ada%40example")).text()).toContain("&lt;script&gt;");
    const other = makeEvent(box, NOW + 48 * HOUR, { title: "Bal" });
    expect(await (await manager.get(`/admin/ticketing/orders?event=${other}`)).text()).toContain("Aucune commande.");
    expect(await (await manager.get(`/admin/ticketing/orders?event=${eventId}`)).text()).toContain(pierre);
  });

  test("a form without its CSRF token is refused (403) and writes nothing; a cashier cannot open or sell (403)", async () => {
    const product = box.writer.sqlite.query<{ id: string }, []>("SELECT id FROM ticket_products WHERE name = 'Concert'").get()!;
    const before = orderCount();
    const forged = await manager.request("POST", `/admin/ticketing/events/${eventId}/orders`, { form: { idempotency_key: key(), [`qty_${product.id}`]: "1", payment: "cash" }, csrf: false });
    expect(forged.status).toBe(403);
    const forgedPrice = await manager.request("POST", `/admin/ticketing/products/${product.id}/prices`, { form: { label: "x", kind: "full", amount: "1", active: "1" }, csrf: false });
    expect(forgedPrice.status).toBe(403);
    expect(listPrices(box.writer.sqlite, product.id).some((price) => price.label === "x")).toBe(false);
    for (const path of ["/admin/ticketing/orders", `/admin/ticketing/products/${product.id}`]) expect((await cashier.get(path)).status).toBe(403);
    expect((await cashier.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${product.id}`]: "1", payment: "cash" })).status).toBe(403);
    expect(orderCount()).toBe(before);
    // The cashier's navigation has no box office; the manager's does.
    expect(await (await manager.get("/admin/ticketing/orders")).text()).toContain('href="/admin/ticketing/orders"');
  });
});
