/**
 * Tickets at the till. A ticket product is sold at the till as an item the catalogue does not
 * store: its id is `tp_<ticket product id>`, its prices are the product's active prices (ids kept),
 * its VAT the product's. The same pricing (pricing.ts) quotes the till's cart and prices the sale,
 * so both agree; the sale then turns its ticket lines into one paid till order (createOrder in the
 * ticketing room), in the sale's transaction, so a ticketing refusal (sold_out, sale_closed,
 * per_order_limit...) refuses the whole sale and writes nothing. Voiding the sale refunds the
 * order without moving money again (the void already reverses the payments) and revokes its
 * tickets. Quotas are the products': the till and the box office share them.
 *
 * Price kinds: full and reduced are fixed prices; member is a fixed price for a customer whose
 * member card was tapped and whose membership is valid (`membership_required` otherwise); free
 * is the customer's amount, at least the price's minimum. A ticket can be paid by card (the
 * cashless wallet), cash or the card terminal: a cheque or an "offered" sale has no order payment
 * method, so such items refuse them (payment_method_not_accepted).
 */
import { fail, type Money, money } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findMember } from "../membership/index.ts";
import {
  createOrder,
  findEvent,
  findPrice,
  findProduct,
  listPrices,
  listProducts,
  listUpcomingEvents,
  orderTickets,
  planOrder,
  placesLeft,
  type OrderInput,
  type OrderLineInput,
  type TicketedEvent,
  type TicketPrice,
  type TicketProduct,
} from "../ticketing/index.ts";
import type { OperationDeps } from "../wallet/index.ts";
import type { Item, ItemPrice, PaymentMethodCode } from "./catalogue.ts";
import { activePointsOfSale, freeAmountOf, orderItem } from "./order-items.ts";
import type { CartLineInput, PricedLine, PricingContext } from "./pricing.ts";

export const TICKET_ITEM_PREFIX = "tp_";

/** Payment methods of a ticket line: the ones an order can record (order-items.ts). */
export { TICKET_PAYMENT_METHODS } from "./order-items.ts";

/** The order's method for each of TICKET_PAYMENT_METHODS. */
const ORDER_METHOD: Readonly<Partial<Record<PaymentMethodCode, string>>> = { nfc_card: "card", cash: "cash", card_terminal: "terminal" };

/** Upcoming events read for the till's grid (the agenda's own bound applies too). */
export const TILL_TICKET_LIMITS = { events: 20 } as const;

export function isTicketItemId(itemId: unknown): itemId is string {
  return typeof itemId === "string" && itemId.startsWith(TICKET_ITEM_PREFIX);
}

export function ticketItemId(productId: string): string {
  return `${TICKET_ITEM_PREFIX}${productId}`;
}

/** What a priced ticket line carries beyond an ordinary line: the ticketing ids and the price's kind. */
export interface TicketLineRef {
  readonly productId: string;
  readonly priceId: string;
  readonly eventId: string;
  readonly priceKind: TicketPrice["kind"];
}

function itemPriceOf(price: TicketPrice): ItemPrice {
  return { id: price.id, label: price.label, kind: price.kind === "free" ? "free" : "fixed", amount: price.amountMinor, memberAmount: null };
}

/** The item a ticket product is at the till: "Event · Product", the product's VAT, no stock, every point of sale. */
function itemOf(sqlite: Sqlite, event: TicketedEvent, product: TicketProduct, prices: readonly TicketPrice[]): Item {
  return orderItem({
    id: ticketItemId(product.id),
    name: `${event.title} · ${product.name}`,
    vatRateBp: product.vatRateBp,
    position: product.position,
    active: product.active,
    pointsOfSale: activePointsOfSale(sqlite),
    prices: prices.map(itemPriceOf),
  });
}

/** The till item of a ticket product (`tp_<id>`), with its active prices; undefined for an unknown product. */
export function findTicketItem(sqlite: Sqlite, itemId: string): Item | undefined {
  if (!isTicketItemId(itemId)) return undefined;
  const product = findProduct(sqlite, itemId.slice(TICKET_ITEM_PREFIX.length));
  const event = product && findEvent(sqlite, product.eventId);
  if (!product || !event) return undefined;
  return itemOf(sqlite, event, product, listPrices(sqlite, product.id, { activeOnly: true }));
}

/** Refuses when the product cannot be sold now (the order's own checks, early, so the till's cart drops the line with its reason). */
function checkOnSale(event: TicketedEvent, product: TicketProduct, itemId: string, nowMs: number | undefined): void {
  if (!product.active) fail("item_inactive", `${product.name} is not sold any more`, { item_id: itemId });
  if (nowMs === undefined) return;
  if (nowMs >= event.endsAtMs) fail("event_over", "this event is over", { item_id: itemId });
  if (product.saleFromMs !== null && nowMs < product.saleFromMs) fail("sale_not_open", "this product is not on sale yet", { item_id: itemId });
  if (nowMs >= (product.saleUntilMs ?? event.endsAtMs)) fail("sale_closed", "this product is no longer on sale", { item_id: itemId });
}

function ticketPriceOf(sqlite: Sqlite, product: TicketProduct, line: CartLineInput, itemId: string): TicketPrice {
  if (line.priceId === undefined || line.priceId === null) {
    const free = listPrices(sqlite, product.id, { activeOnly: true }).find((price) => price.kind === "free");
    if (line.amount === undefined || !free) fail("price_unknown", `name one of the prices of ${product.name}`, { item_id: itemId });
    return free;
  }
  const price = typeof line.priceId === "string" ? findPrice(sqlite, line.priceId) : undefined;
  if (!price || price.productId !== product.id) fail("price_unknown", `${product.name} has no such price (the prices changed?)`, { item_id: itemId });
  if (!price.active) fail("price_inactive", `${product.name}: this price is withdrawn`, { item_id: itemId });
  return price;
}

function unitOf(product: TicketProduct, price: TicketPrice, line: CartLineInput, itemId: string): Money {
  if (price.kind !== "free") return money(price.amountMinor);
  return freeAmountOf(line.amount, { itemId, name: product.name, minimumMinor: price.amountMinor });
}

/**
 * Prices one ticket line of a cart (pricing.ts calls it for `tp_` items). Refusals carry the
 * line's item_id: item_unknown, item_inactive, event_over, sale_not_open, sale_closed (with the
 * context's nowMs), price_unknown, price_inactive, membership_required (a member price without a
 * valid member), amount_invalid, price_below_minimum. Quotas are checked by the sale's order.
 */
export function priceTicketLine(sqlite: Sqlite, context: PricingContext, line: CartLineInput, quantity: number): PricedLine {
  const itemId = line.itemId as string;
  const product = findProduct(sqlite, itemId.slice(TICKET_ITEM_PREFIX.length));
  const event = product && findEvent(sqlite, product.eventId);
  if (!product || !event) fail("item_unknown", "no such ticket (the event changed?)", { item_id: itemId });
  checkOnSale(event, product, itemId, context.nowMs);
  const price = ticketPriceOf(sqlite, product, line, itemId);
  if (price.kind === "member" && !context.member) fail("membership_required", `${price.label}: a member price needs a member with a valid membership`, { item_id: itemId });
  const unitAmount = unitOf(product, price, line, itemId);
  const item = itemOf(sqlite, event, product, listPrices(sqlite, product.id, { activeOnly: true }));
  return {
    item,
    price: itemPriceOf(price),
    unitAmount,
    quantity,
    amount: money(unitAmount * quantity),
    memberPrice: price.kind === "member",
    ticket: { productId: product.id, priceId: price.id, eventId: event.id, priceKind: price.kind },
  };
}

// The sale's order.

export interface SaleTickets {
  readonly orderId: string | null;
  readonly orderReference: string | null;
  readonly ticketIds: readonly string[];
}

export const NO_TICKETS: SaleTickets = { orderId: null, orderReference: null, ticketIds: [] };

/**
 * The order's payment method from the sale's payments: the method that settled the largest part
 * (the first of equals). An order records one method; a split sale's full detail stays in the
 * sale's payments and its fiscal record.
 */
export function orderMethodOf(payments: ReadonlyArray<{ readonly method: PaymentMethodCode; readonly amount: number }>): string {
  let best: { method: PaymentMethodCode; amount: number } | undefined;
  for (const payment of payments) if (best === undefined || payment.amount > best.amount) best = payment;
  const method = best === undefined ? undefined : ORDER_METHOD[best.method];
  if (method === undefined) fail("payment_method_not_accepted", "a ticket is paid by card, cash or card terminal");
  return method;
}

export interface SaleTicketsInput {
  readonly saleId: string;
  readonly lines: readonly PricedLine[];
  readonly payments: ReadonlyArray<{ readonly method: PaymentMethodCode; readonly amount: number }>;
  readonly memberId: string | null;
  readonly training: boolean;
  readonly operatorName: string;
  readonly terminalId: string | null;
  /** For the event log: "operator:<id>" or the terminal's scope. */
  readonly actor: string;
  readonly nowMs: number;
  /** The venue's timezone, for a membership line's window (calendar year, month). */
  readonly timeZone?: string | undefined;
}

/**
 * The sale's ticket lines as one paid till order, in the sale's transaction (createOrder refuses
 * with its codes, and the whole sale with it). Its idempotency key is the sale's id: one order per
 * sale. A training sale checks the order exactly as a real one (planOrder: sold out, limits...)
 * and issues nothing.
 */
export function issueSaleTickets(tx: Tx, deps: OperationDeps, input: SaleTicketsInput): SaleTickets {
  // Membership lines (membership-items.ts) go in the same order: it grants them to the card's member.
  const orderLines = input.lines.filter((line) => line.ticket !== undefined || line.membership !== undefined);
  if (orderLines.length === 0) return NO_TICKETS;
  const member = input.memberId === null ? undefined : findMember(tx.sqlite, input.memberId);
  const order: OrderInput = {
    lines: orderLines.map((line): OrderLineInput =>
      line.membership !== undefined
        ? { kind: "membership", productId: line.membership.productId, amountMinor: line.unitAmount }
        : { kind: "ticket", priceId: line.ticket!.priceId, quantity: line.quantity, amountMinor: line.ticket!.priceKind === "free" ? line.unitAmount : undefined },
    ),
    buyer: { name: member?.name ?? "" },
    memberId: input.memberId,
    channel: "till",
    payment: { state: "paid", method: orderMethodOf(input.payments) },
    idempotencyKey: `sale:${input.saleId}`,
    operatorName: input.operatorName,
    terminalId: input.terminalId,
    saleId: input.saleId,
    nowMs: input.nowMs,
    actor: input.actor,
    timeZone: input.timeZone,
  };
  if (input.training) {
    planOrder(tx.sqlite, order);
    return NO_TICKETS;
  }
  const created = createOrder(tx, deps, order);
  return { orderId: created.id, orderReference: created.reference, ticketIds: orderTickets(tx.sqlite, created.id).map((ticket) => ticket.id) };
}

// The till's grid.

export interface TicketOffer {
  readonly itemId: string;
  readonly eventId: string;
  readonly eventTitle: string;
  readonly startsAtMs: number;
  readonly productName: string;
  readonly prices: readonly TicketPrice[];
  /** Places left (the product's quota and the event's capacity), null: no limit. */
  readonly left: number | null;
  readonly soldOut: boolean;
}

/** Ticket products the till offers now: upcoming events, active products on sale (sale window open) with an active price; sold-out ones too, marked. */
export function tillTicketOffers(sqlite: Sqlite, nowMs: number): TicketOffer[] {
  const offers: TicketOffer[] = [];
  for (const event of listUpcomingEvents(sqlite, nowMs, TILL_TICKET_LIMITS.events)) {
    for (const product of listProducts(sqlite, event.id)) {
      if (!product.active || (product.saleFromMs !== null && nowMs < product.saleFromMs) || nowMs >= (product.saleUntilMs ?? event.endsAtMs)) continue;
      const prices = listPrices(sqlite, product.id, { activeOnly: true });
      if (prices.length === 0) continue;
      const left = placesLeft(sqlite, event.id, product.id);
      offers.push({ itemId: ticketItemId(product.id), eventId: event.id, eventTitle: event.title, startsAtMs: event.startsAtMs, productName: product.name, prices, left, soldOut: left !== null && left <= 0 });
    }
  }
  return offers;
}
