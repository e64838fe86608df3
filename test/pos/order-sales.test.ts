// Proves the point of sale's side of box-office orders on a real SQLite file: each refusal of a
// sale that settles an order (an order not linked to the sale, a free order, a client's lines or
// payments beside the order, training, an order the ticketing room refuses, no box office, an
// unknown box office) and of a refund by void (a till order, an unpaid order) answers its stable
// code and leaves every table's row count as it was; and a till sale is unchanged by the new
// option (it still makes its own till order).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { createSale, refundOrderByVoid, sellAtBoxOffice, type PosActor } from "../../src/pos/index.ts";
import { createOrder, type OrderPayment } from "../../src/ticketing/index.ts";
import { addBoxOffice } from "../helpers/box-office.ts";
import { HOUR, makeEvent, makeProduct, refusalOf, rowCounts } from "../helpers/orders.ts";
import { posBox, seller, type PosBox } from "../helpers/pos.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);

describe("sales that settle orders: refusals write nothing", () => {
  let pos: PosBox;
  let priceId = "";
  let smallPriceId = "";
  let keys = 0;
  const admin: PosActor = { scope: "operator:a", idempotencyKey: "", role: "admin", operatorId: "a", operatorName: "Ada", terminalId: null };
  const orderDeps = () => ({ newId: pos.box.deps.newId, signer: pos.box.signer, random: pos.box.deps.random });
  const newOrder = (tx: Parameters<typeof createOrder>[0], payment: OrderPayment, saleId: string | null, price = priceId, quantity = 1) =>
    createOrder(tx, orderDeps(), { lines: [{ kind: "ticket", priceId: price, quantity }], buyer: { name: "B" }, channel: "box_office", payment, idempotencyKey: `os-${++keys}`, saleId, nowMs: NOW });
  /** Runs a command in a transaction and answers its refusal's code, checking that no table changed. */
  const refusedCleanly = (run: (tx: Parameters<typeof createOrder>[0]) => unknown): string => {
    const before = rowCounts(pos.box);
    const code = refusalOf(() => pos.box.writer.transact(run));
    expect(rowCounts(pos.box)).toEqual(before);
    return code;
  };

  beforeAll(async () => {
    pos = await posBox({ box: { clock: new FakeClock(NOW) } });
    const eventId = makeEvent(pos.box, NOW + 24 * HOUR);
    priceId = makeProduct(pos.box, eventId, { name: "Concert", priceMinor: 1200 }).id;
    smallPriceId = makeProduct(pos.box, eventId, { name: "Petite jauge", priceMinor: 1000, quota: 1 }).id;
  });
  afterAll(() => pos.box.dispose());

  test("no box office: box_office_point_of_sale_required, before the order is made", () => {
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "cash", order: (saleId) => newOrder(tx, { state: "paid", method: "cash" }, saleId) }))).toBe("box_office_point_of_sale_required");
    addBoxOffice(pos.box);
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { pointOfSale: "main", method: "cash", order: (saleId) => newOrder(tx, { state: "paid", method: "cash" }, saleId) }))).toBe("point_of_sale_unknown");
  });

  test("the order must be paid and linked to this sale, with something to pay", () => {
    const existing = pos.box.writer.transact((tx) => newOrder(tx, { state: "paid", method: "cash" }, null));
    // An order made earlier (not linked to this sale) cannot be settled by it.
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "cash", order: () => existing }))).toBe("order_not_linked");
    // A pay-on-site order left unpaid by the function is not linked either.
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "cash", order: () => newOrder(tx, { state: "pay_on_site" }, null) }))).toBe("order_not_linked");
    // A 0 € order (a product priced 0) is not a sale: it moves no money.
    const freeEvent = makeEvent(pos.box, NOW + 48 * HOUR, { title: "Gratuit" });
    const freePrice = makeProduct(pos.box, freeEvent, { name: "Invitation", priceMinor: 0 }).id;
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "cash", order: (saleId) => newOrder(tx, { state: "paid", method: "cash" }, saleId, freePrice) }))).toBe("nothing_to_pay");
  });

  test("a client's lines or payments, or training, beside an order are refused; the order's own refusals refuse the sale", () => {
    const make = (tx: Parameters<typeof createOrder>[0]) => ({ make: (saleId: string) => newOrder(tx, { state: "paid", method: "cash" }, saleId), method: "cash" as const });
    expect(refusedCleanly((tx) => createSale(tx, pos.deps, admin, { pointOfSale: "billetterie", lines: [{ itemId: `tp_${priceId}`, quantity: 1 }], payments: undefined }, { order: make(tx) }))).toBe("lines_invalid");
    expect(refusedCleanly((tx) => createSale(tx, pos.deps, admin, { pointOfSale: "billetterie", lines: undefined, payments: [{ method: "cash", amount: 1 }] }, { order: make(tx) }))).toBe("payments_invalid");
    expect(refusedCleanly((tx) => createSale(tx, pos.deps, admin, { pointOfSale: "billetterie", lines: undefined, payments: undefined, training: true }, { order: make(tx) }))).toBe("training_invalid");
    expect(refusedCleanly((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "cash", order: (saleId) => newOrder(tx, { state: "paid", method: "cash" }, saleId, smallPriceId, 2) }))).toBe("sold_out");
  });

  test("a refund by void: a till order is refund_needs_void, an unpaid one order_not_refundable; a till sale still makes its own order", () => {
    const till = pos.box.writer.transact((tx) =>
      createSale(tx, pos.deps, seller("manager"), { pointOfSale: "main", lines: [{ itemId: `tp_${priceId}`, priceId, quantity: 1 }], payments: [{ method: "cash", amount: 1200 }] }),
    );
    expect(till.orderId).not.toBeNull();
    expect(pos.box.writer.sqlite.query<{ channel: string; sale: string }, [string]>("SELECT channel, sale_id AS sale FROM orders WHERE id = ?").get(till.orderId!)).toEqual({ channel: "till", sale: till.saleId });
    expect(refusedCleanly((tx) => refundOrderByVoid(tx, pos.deps, admin, { orderId: till.orderId! }))).toBe("refund_needs_void");
    const unpaid = pos.box.writer.transact((tx) => newOrder(tx, { state: "pay_on_site" }, null));
    expect(refusedCleanly((tx) => refundOrderByVoid(tx, pos.deps, admin, { orderId: unpaid.id }))).toBe("order_not_refundable");
    expect(refusedCleanly((tx) => refundOrderByVoid(tx, pos.deps, admin, { orderId: "nope" }))).toBe("order_unknown");
    // A cashier may not refund (a void is a manager's).
    const sold = pos.box.writer.transact((tx) => sellAtBoxOffice(tx, pos.deps, admin, { method: "terminal", order: (saleId) => newOrder(tx, { state: "paid", method: "terminal" }, saleId) }));
    expect(sold.sale).toMatchObject({ total: 1200, pointOfSale: "billetterie", payments: [{ method: "card_terminal", amount: 1200 }] });
    expect(refusedCleanly((tx) => refundOrderByVoid(tx, pos.deps, { ...admin, role: "cashier" }, { orderId: sold.order.id }))).toBe("manager_required");
    const voided = pos.box.writer.transact((tx) => refundOrderByVoid(tx, pos.deps, admin, { orderId: sold.order.id, reason: "test" }));
    expect(voided.refundedOrders).toEqual([sold.order.id]);
  });
});
