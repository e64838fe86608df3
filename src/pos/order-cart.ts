/**
 * An order as a sale's cart. When a sale settles an order (the box office: an order paid in cash
 * or by bank terminal, or a pay-on-site order paid later; order-sales.ts), the sale's lines are
 * the order's lines at the order's own amounts: one sale line per order line, its unit and
 * quantity as the order recorded them, so a price changed since (or withdrawn) changes nothing.
 * Nothing comes from the client: the order is read here, server-side, by id. The VAT rate is the
 * product's (an order line does not store one; a donation bears none), and the VAT is computed
 * per rate like any receipt's (vat.ts).
 */
import { assert, fail, money } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findMembershipProduct } from "../membership/index.ts";
import { findEvent, findOrder, findPrice, findProduct, type Order, type OrderLine } from "../ticketing/index.ts";
import type { Item } from "./catalogue.ts";
import { membershipItemId } from "./membership-items.ts";
import { orderItem } from "./order-items.ts";
import type { PricedCart, PricedLine } from "./pricing.ts";
import { ticketItemId } from "./ticket-items.ts";
import { FRANCHISE_MENTION, vatBreakdown } from "./vat.ts";

/** The item id of a donation line (no catalogue item: a donation is not sold, it bears no VAT). */
export const DONATION_ITEM_ID = "donation";

/**
 * Calls the server's order function (it makes the order paid, linked to saleId) and checks what
 * it answers: an order paid, linked to this very sale, with something to pay. Refusals:
 * training_invalid (a training sale never settles a real order), lines_invalid and payments_invalid
 * (a client's lines or payments beside an order), order_not_linked, nothing_to_pay.
 */
export function settledOrder(tx: Tx, make: (saleId: string, atMs: number) => Order, context: { saleId: string; atMs: number; training: boolean; lines: unknown; payments: unknown }): Order {
  if (context.training) fail("training_invalid", "a training sale does not settle an order");
  if (context.lines !== undefined) fail("lines_invalid", "a sale that settles an order takes the order's lines");
  if (context.payments !== undefined) fail("payments_invalid", "a sale that settles an order is paid its total, in one payment");
  const made = make(context.saleId, context.atMs);
  // Read again from the table: the sale trusts what is stored, not what the function answered.
  const order = findOrder(tx.sqlite, made.id);
  if (!order || order.state !== "paid" || order.saleId !== context.saleId) fail("order_not_linked", "the order is not paid by this sale (already paid?)");
  if (order.totalMinor <= 0) fail("nothing_to_pay", "a free order is not a sale");
  return order;
}

/** An order's line as an item: the order's own unit as one fixed price, no point of sale (the sale is the order's, not a cart's). */
function itemOf(id: string, name: string, vatRateBp: number, amount: number, priceId: string, label: string): Item {
  return orderItem({ id, name, vatRateBp, position: 0, active: true, pointsOfSale: [], prices: [{ id: priceId, label, kind: "fixed", amount, memberAmount: null }] });
}

function lineItem(sqlite: Sqlite, line: OrderLine): Item {
  if (line.kind === "ticket") {
    const product = line.productId === null ? undefined : findProduct(sqlite, line.productId);
    assert(product !== undefined, "a ticket line names its product");
    const title = findEvent(sqlite, product.eventId)?.title ?? "";
    // Named as the till names a ticket ("Event · Product"), the price's label beside it.
    const priceLabel = (line.priceId === null ? undefined : findPrice(sqlite, line.priceId)?.label) ?? line.label;
    return itemOf(ticketItemId(product.id), title === "" ? product.name : `${title} · ${product.name}`, product.vatRateBp, line.unitMinor, line.priceId ?? product.id, priceLabel);
  }
  if (line.kind === "membership") {
    const product = line.productId === null ? undefined : findMembershipProduct(sqlite, line.productId);
    assert(product !== undefined, "a membership line names its product");
    return itemOf(membershipItemId(product.id), line.label, product.vatRateBp, line.unitMinor, product.id, line.label);
  }
  return itemOf(DONATION_ITEM_ID, line.label, 0, line.unitMinor, DONATION_ITEM_ID, line.label);
}

/** The order's lines as a priced cart (see the file's comment); the total is the order's. */
export function orderCart(sqlite: Sqlite, order: Order, vatStatus: "liable" | "franchise"): PricedCart {
  const lines = order.lines.map((line): PricedLine => {
    const item = lineItem(sqlite, line);
    return { item, price: item.prices[0]!, unitAmount: money(line.unitMinor), quantity: line.quantity, amount: money(line.amountMinor), memberPrice: false };
  });
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  assert(total === order.totalMinor, "an order's lines add up to its total");
  const franchise = vatStatus === "franchise";
  const vat = franchise ? [] : vatBreakdown(lines.map((line) => ({ vatRateBp: line.item.vatRateBp, amount: line.amount })));
  return { lines, total: money(total), vat, vatMention: franchise ? FRANCHISE_MENTION : null };
}
