// Proves that the box office's money is in the books, on a real box (VAT liable, fake clock)
// through the admin pages (cookies, CSRF): without a point of sale of kind box_office a cash sale
// and a "mark paid" are refused (box_office_point_of_sale_required) and write nothing in any
// table; with one, a cash order yields exactly one sale (the operator, no terminal, no cash
// session) with its signed fiscal record, and the same form twice is still one order and one
// sale; a pay-on-site order marked paid after a price change is one sale of the order's own
// amount; a refund voids the sale (tickets revoked); a till's cash session does not count the box
// office's cash; the day's Z (venue and box office) holds the sale, the void, the cash and the
// VAT at 5.5 %, the grand total moves by the net; the fiscal chain verifies; with two box offices
// the forms offer a select and the sale is recorded at the one chosen; a membership sold in cash
// and refunded voids its sale and ends the membership.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { cashFigures, closeDay, findCashSession, createSale, openCashSession, verifyFiscalJournal, type PosActor } from "../../src/pos/index.ts";
import { membershipOf, saveMembershipProduct } from "../../src/membership/index.ts";
import { savePrice } from "../../src/ticketing/index.ts";
import { ADMIN, Client } from "../helpers/box.ts";
import { addBoxOffice } from "../helpers/box-office.ts";
import { HOUR, makeEvent, makeProduct, rowCounts } from "../helpers/orders.ts";
import { line, posBox, seller, type PosBox } from "../helpers/pos.ts";

// 14:00 in Paris on Friday 10 May 2030: business day 2030-05-10 (it ends at 06:00 the next morning).
const NOW = Date.UTC(2030, 4, 10, 12, 0);
const DAY = "2030-05-10";

type SaleRow = { id: string; number: number; total: number; pos: string; terminal: string | null; operator: string | null; session: string | null; fiscal: number | null };

describe("box-office orders are point-of-sale sales", () => {
  let pos: PosBox;
  let admin: Client;
  let clock: FakeClock;
  let eventId = "";
  let productId = "";
  let keys = 0;
  const key = () => `box-pos-${++keys}`;
  const sqlite = () => pos.box.writer.sqlite;
  const count = (table: string) => sqlite().query<{ n: number }, []>(`SELECT count(*) AS n FROM ${table}`).get()!.n;
  const saleOfOrder = (orderId: string) =>
    sqlite()
      .query<SaleRow, [string]>(
        `SELECT s.id, s.number, s.total, s.point_of_sale AS pos, s.terminal_id AS terminal, s.operator_id AS operator, s.cash_session_id AS session, s.fiscal_seq AS fiscal
           FROM orders o JOIN sales s ON s.id = o.sale_id WHERE o.id = ?`,
      )
      .get(orderId);
  const orderIdOf = (response: Response) => response.headers.get("location")!.replace("?created=1", "").split("/").pop()!;
  const manager: PosActor = { scope: "operator:test-manager", idempotencyKey: "", role: "manager", operatorId: "test-manager", operatorName: "Maud", terminalId: null };

  beforeAll(async () => {
    clock = new FakeClock(NOW);
    pos = await posBox({ box: { clock } });
    admin = new Client(pos.box);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
    eventId = makeEvent(pos.box, NOW + 24 * HOUR, { title: "Concert" });
    productId = makeProduct(pos.box, eventId, { name: "Concert", priceMinor: 1500, vatRateBp: 550 }).id;
  });
  afterAll(() => pos.box.dispose());

  test("without a box office point of sale, cash and 'mark paid' are refused and write nothing; free and pay on site still work", async () => {
    const before = rowCounts(pos.box);
    const refused = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", buyer_name: "Ana", payment: "cash" });
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("créez d'abord un point de vente actif de type « Billetterie »");
    expect(rowCounts(pos.box)).toEqual(before);
    const onSite = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", buyer_name: "Ana", payment: "pay_on_site" });
    expect(onSite.status).toBe(303);
    const onSiteId = orderIdOf(onSite);
    const afterOrder = rowCounts(pos.box);
    const pay = await admin.post(`/admin/ticketing/orders/${onSiteId}/pay`, { method: "terminal" });
    expect(pay.status).toBe(409);
    expect(rowCounts(pos.box)).toEqual(afterOrder);
    expect(sqlite().query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(onSiteId)!.state).toBe("pay_on_site");
    // It is cancelled: it takes no part in what follows.
    expect((await admin.post(`/admin/ticketing/orders/${onSiteId}/cancel`, {})).status).toBe(200);
    expect(count("sales")).toBe(0);
    expect(count("fiscal_records")).toBe(0);
  });

  let cashOrderId = "";
  let cashSale: SaleRow;
  let sessionId = "";

  test("a cash order is exactly one sale of the box office, with its fiscal record; the same form twice is one order and one sale", async () => {
    addBoxOffice(pos.box);
    // A till's drawer is open all along, and the till sells a beer in cash.
    sessionId = pos.box.writer.transact((tx) => openCashSession(tx, pos.deps, seller("cashier"), { pointOfSale: "main", float: 10_000 })).id;
    pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller("cashier"), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    const form = { idempotency_key: key(), [`qty_${productId}`]: "2", buyer_name: "Marie Curie", buyer_email: "marie@example.org", buyer_phone: "06 00 00 00 01", holders: "Marie\nPierre", payment: "cash" };
    const sold = await admin.post(`/admin/ticketing/events/${eventId}/orders`, form);
    expect(sold.status).toBe(303);
    cashOrderId = orderIdOf(sold);
    const order = sqlite()
      .query<{ channel: string; state: string; method: string; name: string; email: string; phone: string; lang: string; total: number }, [string]>(
        "SELECT channel, state, payment_method AS method, buyer_name AS name, buyer_email AS email, buyer_phone AS phone, lang, total_minor AS total FROM orders WHERE id = ?",
      )
      .get(cashOrderId)!;
    expect(order).toEqual({ channel: "box_office", state: "paid", method: "cash", name: "Marie Curie", email: "marie@example.org", phone: "06 00 00 00 01", lang: "fr", total: 3000 });
    expect(sqlite().query<{ holder: string }, [string]>("SELECT holder_name AS holder FROM tickets WHERE order_id = ? ORDER BY holder_name").all(cashOrderId).map((row) => row.holder)).toEqual(["Marie", "Pierre"]);
    cashSale = saleOfOrder(cashOrderId)!;
    const adminId = sqlite().query<{ id: string }, [string]>("SELECT id FROM operators WHERE email = ?").get(ADMIN.email)!.id;
    expect(cashSale).toMatchObject({ total: 3000, pos: "billetterie", terminal: null, operator: adminId, session: null });
    expect(sqlite().query<{ n: number }, [string]>("SELECT count(*) AS n FROM sales WHERE point_of_sale = ?").get("billetterie")!.n).toBe(1);
    const record = sqlite().query<{ kind: string; payload: string }, [number]>("SELECT kind, payload FROM fiscal_records WHERE seq = ?").get(cashSale.fiscal!)!;
    expect(record.kind).toBe("sale");
    const payload = JSON.parse(record.payload) as { total: number; vat: unknown; payments: Array<{ method: string; amount: number }>; lines: Array<{ item_id: string; name: string; price_label: string; unit_amount: number; quantity: number; amount: number; vat_rate_bp: number }> };
    expect(payload.total).toBe(3000);
    expect(payload.vat).toEqual([{ rate_bp: 550, incl: 3000, vat: 156, excl: 2844 }]);
    expect(payload.payments).toEqual([{ method: "cash", amount: 3000, tendered: 3000, card_id: null, entry_seq: null }] as never);
    expect(payload.lines).toMatchObject([{ item_id: `tp_${productId}`, name: "Concert · Concert", price_label: "Plein tarif", unit_amount: 1500, quantity: 2, amount: 3000, vat_rate_bp: 550 }]);
    // The same form again: the same order, nothing more written.
    const counts = rowCounts(pos.box);
    const again = await admin.post(`/admin/ticketing/events/${eventId}/orders`, form);
    expect(again.status).toBe(303);
    expect(orderIdOf(again)).toBe(cashOrderId);
    expect(rowCounts(pos.box)).toEqual(counts);
  });

  test("a pay-on-site order marked paid after a price change is one sale of the order's own amount", async () => {
    const onSite = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", buyer_name: "Paul", payment: "pay_on_site" });
    const orderId = orderIdOf(onSite);
    expect(saleOfOrder(orderId)).toBeNull();
    pos.box.writer.transact((tx) => savePrice(tx, { newId: pos.box.deps.newId }, { id: productId, productId, label: "Plein tarif", kind: "full", amountMinor: 2000, active: true }));
    const sales = count("sales");
    const paid = await admin.post(`/admin/ticketing/orders/${orderId}/pay`, { method: "cash" });
    expect(paid.status).toBe(200);
    expect(count("sales")).toBe(sales + 1);
    const sale = saleOfOrder(orderId)!;
    expect(sale).toMatchObject({ total: 1500, pos: "billetterie", terminal: null, session: null });
    expect(sqlite().query<{ state: string; method: string }, [string]>("SELECT state, payment_method AS method FROM orders WHERE id = ?").get(orderId)).toEqual({ state: "paid", method: "cash" });
    expect(sqlite().query<{ unit: number; quantity: number }, [string]>("SELECT unit_amount AS unit, quantity FROM sale_lines WHERE sale_id = ?").all(sale.id)).toEqual([{ unit: 1500, quantity: 1 }]);
    // Paying it again is refused and writes nothing.
    const counts = rowCounts(pos.box);
    expect((await admin.post(`/admin/ticketing/orders/${orderId}/pay`, { method: "cash" })).status).toBe(409);
    expect(rowCounts(pos.box)).toEqual(counts);
  });

  test("a refund voids the sale and revokes the tickets; the till's drawer never counted the box office's cash", async () => {
    const refunded = await admin.post(`/admin/ticketing/orders/${cashOrderId}/refund`, {});
    expect(refunded.status).toBe(200);
    expect(sqlite().query<{ state: string }, [string]>("SELECT state FROM orders WHERE id = ?").get(cashOrderId)!.state).toBe("refunded");
    expect(sqlite().query<{ n: number }, [string]>("SELECT count(*) AS n FROM tickets WHERE order_id = ? AND state = 'revoked'").get(cashOrderId)!.n).toBe(2);
    expect(sqlite().query<{ n: number }, [string]>("SELECT count(*) AS n FROM sale_voids WHERE sale_id = ?").get(cashSale.id)!.n).toBe(1);
    // A second refund: already refunded, nothing written.
    const counts = rowCounts(pos.box);
    expect((await admin.post(`/admin/ticketing/orders/${cashOrderId}/refund`, {})).status).toBe(409);
    expect(rowCounts(pos.box)).toEqual(counts);
    const session = findCashSession(sqlite(), sessionId)!;
    expect(cashFigures(sqlite(), session)).toMatchObject({ cashSales: 450, cashVoids: 0, expected: 10_450 });
  });

  test("the day's Z holds the box office's sales, the void, the cash and the VAT at 5.5 %; the fiscal chain verifies", () => {
    clock.set(Date.UTC(2030, 4, 11, 5, 0)); // 07:00 in Paris the next morning: the business day has ended.
    const venueZ = pos.box.writer.transact((tx) => closeDay(tx, pos.deps, manager, { day: DAY }));
    const boxZ = pos.box.writer.transact((tx) => closeDay(tx, pos.deps, manager, { day: DAY, pointOfSale: "billetterie" }));
    // Box office: 3000 sold and voided, 1500 sold.
    expect(boxZ.totals).toMatchObject({ sales: 2, voids: 1, total: 1500, voided: 3000, payments: { cash: 1500 } });
    expect(boxZ.totals.vat).toEqual([{ rate_bp: 550, incl: 1500, vat: 78, excl: 1422 }]);
    // The venue: the till's beer (450 at 20 %) besides.
    expect(venueZ.totals).toMatchObject({ sales: 3, voids: 1, total: 1950, voided: 3000, payments: { cash: 1950 } });
    expect(venueZ.totals.vat).toEqual([
      { rate_bp: 2000, incl: 450, vat: 75, excl: 375 },
      { rate_bp: 550, incl: 1500, vat: 78, excl: 1422 },
    ]);
    expect(venueZ.grandTotal).toBe(1950);
    const check = verifyFiscalJournal(sqlite(), pos.box.signer.publicKey);
    expect(check).toMatchObject({ ok: true, grandTotal: 1950 });
  });

  test("with two box offices the forms offer a select; the one chosen records the sale; an unknown one is refused and writes nothing", async () => {
    addBoxOffice(pos.box, "guichet-2", "Guichet <2>");
    // The night has passed: the session timed out.
    admin = new Client(pos.box);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(303);
    const response = await admin.get(`/admin/ticketing/events/${eventId}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<select id="point_of_sale" name="point_of_sale">');
    expect(page).toContain(">Guichet &lt;2&gt;</option>");
    const yearId = pos.box.writer.transact((tx) => saveMembershipProduct(tx, pos.box.deps, { name: "Adhésion", duration: "rolling_year", amountMinor: 1500, position: 1 }).id);
    expect(await (await admin.get("/admin/members/sell")).text()).toContain('<select id="point_of_sale" name="point_of_sale">');
    const membership = await admin.post("/admin/members/sell", { order_key: "k".repeat(26), product_id: yearId, buyer_name: "Léa", buyer_email: "lea@example.org", payment: "cash", point_of_sale: "guichet-2" });
    expect(membership.status).toBe(303);
    const membershipOrderId = /orders\/([^?]+)/.exec(membership.headers.get("location")!)![1]!;
    expect(saleOfOrder(membershipOrderId)).toMatchObject({ total: 1500, pos: "guichet-2" });
    const memberId = sqlite().query<{ id: string }, [string]>("SELECT member_id AS id FROM orders WHERE id = ?").get(membershipOrderId)!.id;
    expect(membershipOf(sqlite(), memberId, clock.nowMs()).valid).toBe(true);
    // Refunded: the sale is voided and the membership ends.
    expect((await admin.post(`/admin/ticketing/orders/${membershipOrderId}/refund`, {})).status).toBe(200);
    expect(saleOfOrder(membershipOrderId)!.id).toBe(sqlite().query<{ id: string }, [string]>("SELECT sale_id AS id FROM sale_voids WHERE sale_id = ?").get(saleOfOrder(membershipOrderId)!.id)!.id);
    expect(membershipOf(sqlite(), memberId, clock.nowMs()).valid).toBe(false);
    const counts = rowCounts(pos.box);
    const unknown = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", payment: "cash", point_of_sale: "main" });
    expect(unknown.status).toBe(404); // point_of_sale_unknown
    expect(rowCounts(pos.box)).toEqual(counts);
    const sold = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", payment: "terminal", point_of_sale: "guichet-2" });
    expect(sold.status).toBe(303);
    expect(saleOfOrder(orderIdOf(sold))).toMatchObject({ total: 2000, pos: "guichet-2" });
    // Taking a pay-on-site order's payment: the same choice.
    const onSite = await admin.post(`/admin/ticketing/events/${eventId}/orders`, { idempotency_key: key(), [`qty_${productId}`]: "1", buyer_name: "Zoé", payment: "pay_on_site" });
    const onSitePath = `/admin/ticketing/orders/${orderIdOf(onSite)}`;
    expect(await (await admin.get(onSitePath)).text()).toContain('<select id="point_of_sale" name="point_of_sale">');
    expect((await admin.post(`${onSitePath}/pay`, { method: "cash", point_of_sale: "guichet-2" })).status).toBe(200);
    expect(saleOfOrder(orderIdOf(onSite))).toMatchObject({ total: 2000, pos: "guichet-2" });
  });
});
