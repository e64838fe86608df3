/**
 * The box office's money goes through the point of sale. An order the box office is paid in cash
 * or by bank terminal (a new order, or a pay-on-site order settled later) is a sale of a point of
 * sale of kind `box_office`: createSale settles the order (order-cart.ts) in one transaction, so
 * the payment has its gapless sale number, its signed fiscal record, its place in the Z closures,
 * the grand total, the reports and the FEC, exactly like a sale at the till. A free order (0 €) or
 * one left to pay on site moves no money: no sale.
 *
 * The box office is an operator's page, not a paired terminal: the sale has the operator and no
 * terminal, hence no cash session (sessions are a till drawer's); its cash is counted by the Z of
 * its point of sale. A box-office order paid through a sale is refunded by voiding that sale
 * (voidSale: the compensating fiscal record, the order refunded, its tickets revoked, its
 * membership ended); an order paid by a till sale is refused here (`refund_needs_void`): that sale
 * may hold other items, so it is voided at the till or on the sales page.
 */
import { fail } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findOrder, type Order } from "../ticketing/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import { listPointsOfSale, type PointOfSale } from "./catalogue.ts";
import { createSale, voidSale, type PosActor, type SaleResult, type VoidResult } from "./sales.ts";

/** The box office's words for a payment (an order's) and the point of sale's. */
export const BOX_OFFICE_SALE_METHODS = { cash: "cash", terminal: "card_terminal" } as const;
export type BoxOfficeSaleMethod = keyof typeof BOX_OFFICE_SALE_METHODS;

export function isBoxOfficeSaleMethod(method: unknown): method is BoxOfficeSaleMethod {
  return method === "cash" || method === "terminal";
}

/** The active points of sale of kind box_office, by name. */
export function boxOfficePointsOfSale(sqlite: Sqlite): PointOfSale[] {
  return listPointsOfSale(sqlite).filter((pos) => pos.active && pos.kind === "box_office");
}

/**
 * The point of sale a box-office sale is recorded at: the one chosen (a code), or the first
 * active one of kind box_office. Refusals: box_office_point_of_sale_required (none: nothing is
 * created behind the admin's back), point_of_sale_unknown (a code that is not an active box office).
 */
export function boxOfficePointOfSale(sqlite: Sqlite, code?: unknown): PointOfSale {
  const open = boxOfficePointsOfSale(sqlite);
  if (open.length === 0) {
    fail("box_office_point_of_sale_required", "money taken at the box office is a point-of-sale sale: create an active point of sale of kind box office (Point of sale › Points of sale, /admin/pos/points-of-sale)");
  }
  if (code === undefined || code === null || code === "") return open[0]!;
  const chosen = open.find((pos) => pos.code === code);
  if (!chosen) fail("point_of_sale_unknown", "this is not an open box office");
  return chosen;
}

export interface BoxOfficeSaleInput {
  /** A box office's code; absent: the first one. */
  readonly pointOfSale?: unknown;
  readonly method: BoxOfficeSaleMethod;
  /**
   * Makes the order paid with this method and linked to saleId, in this transaction: createOrder
   * (channel box_office, payment paid, saleId) for a new order, markOrderPaid (saleId) for a
   * pay-on-site one. Its refusals refuse the sale, and nothing is written. atMs is the sale's
   * fiscal time, which may run ahead of the box's clock (fiscal.ts): an order checks its sale
   * windows against the clock, so callers pass the clock's now to the order.
   */
  readonly order: (saleId: string, atMs: number) => Order;
  /**
   * The new order's idempotency key (the form's): an order already made under it is answered
   * as it is, with no second sale (the same form sent twice). Absent when settling an order.
   */
  readonly orderKey?: string | undefined;
}

export interface BoxOfficeSale {
  readonly order: Order;
  /** The sale made now; null when the order already existed under the form's key (nothing written). */
  readonly sale: SaleResult | null;
}

/** One box-office sale settling one order; see the file's comment. */
export function sellAtBoxOffice(tx: Tx, deps: OperationDeps, actor: PosActor, input: BoxOfficeSaleInput): BoxOfficeSale {
  if (input.orderKey !== undefined) {
    const existing = tx.sqlite.query<{ id: string }, [string]>("SELECT id FROM orders WHERE idempotency_key = ?").get(input.orderKey);
    if (existing) return { order: findOrder(tx.sqlite, existing.id)!, sale: null };
  }
  const pos = boxOfficePointOfSale(tx.sqlite, input.pointOfSale);
  if (!isBoxOfficeSaleMethod(input.method)) fail("payment_method_invalid", "the box office takes cash or the card terminal");
  // No terminal: the box office is an operator's page, never a till's drawer (no cash session, no training).
  const boxActor: PosActor = { ...actor, terminalId: null };
  const sale = createSale(tx, deps, boxActor, { pointOfSale: pos.code, lines: undefined, payments: undefined }, { order: { make: input.order, method: BOX_OFFICE_SALE_METHODS[input.method] } });
  return { order: findOrder(tx.sqlite, sale.orderId!)!, sale };
}

/** The sale that paid an order: its number, or undefined. */
export function saleOfOrder(sqlite: Sqlite, order: Pick<Order, "saleId">): { number: number; voided: boolean } | undefined {
  if (order.saleId === null) return undefined;
  const row = sqlite
    .query<{ number: number; voided: number }, [string]>("SELECT s.number, EXISTS (SELECT 1 FROM sale_voids v WHERE v.sale_id = s.id) AS voided FROM sales s WHERE s.id = ? AND s.training = 0")
    .get(order.saleId);
  return row ? { number: row.number, voided: Boolean(row.voided) } : undefined;
}

/**
 * Refunds a box-office order paid through a sale by voiding the sale (managers; the reason is
 * kept on the void). Refusals: order_unknown, order_not_refundable (not paid), refund_needs_void
 * (paid by a till sale, or by no sale at all), already_voided, manager_required.
 */
export function refundOrderByVoid(tx: Tx, deps: OperationDeps, actor: PosActor, input: { readonly orderId: string; readonly reason?: unknown }): VoidResult {
  const order = findOrder(tx.sqlite, input.orderId);
  if (!order) fail("order_unknown", "no such order");
  if (order.state !== "paid") fail("order_not_refundable", `this order is ${order.state}`, { state: order.state });
  const sale = saleOfOrder(tx.sqlite, order);
  if (!sale) fail("refund_needs_void", "this order was not paid through a sale");
  if (order.channel !== "box_office") {
    fail("refund_needs_void", `this order was paid by sale ${sale.number} at the till, which may hold other items: void that sale at the till or on the sales page`, { sale_number: sale.number });
  }
  return voidSale(tx, deps, actor, { number: sale.number, reason: input.reason });
}
