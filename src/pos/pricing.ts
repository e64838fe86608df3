/**
 * Pricing a cart from the catalogue. The server never trusts a price from a till: a line names an
 * item, one of its prices and a quantity, and the amount comes from the catalogue; only a free
 * price takes the customer's amount, and never below its minimum. Member prices and member-only
 * items need a member whose membership is valid now (see sales.ts); a lapsed member pays the full
 * price and is refused member-only items with `membership_required`. The same function prices the till's cart as items are added
 * ("add item", POST /api/v1/sales/quote) and the sale itself, so both always agree. A line of
 * item `tp_<ticket product id>` is a ticket, priced from the ticket's prices (ticket-items.ts); one of
 * item `mp_<membership product id>` a membership, priced by its product (membership-items.ts).
 */
import { fail, money, type Money } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { findItem, type Item, type ItemPrice } from "./catalogue.ts";
import { isTicketItemId, priceTicketLine, type TicketLineRef } from "./ticket-items.ts";
import { isMembershipItemId, priceMembershipLine, type MembershipLineRef } from "./membership-items.ts";
import { freeAmountOf } from "./order-items.ts";
import { FRANCHISE_MENTION, vatBreakdown, type VatLine } from "./vat.ts";

/** Bounds of one sale: lines, units of one line, payments. */
export const SALE_LIMITS = { lines: 100, quantityMax: 10_000, payments: 8 } as const;

export interface CartLineInput {
  readonly itemId: unknown;
  /** One of the item's prices; may be left out for an item's free price when `amount` is given. */
  readonly priceId?: unknown;
  /** The customer's amount for a free price, in cents; ignored for a fixed price. */
  readonly amount?: unknown;
  readonly quantity: unknown;
}

export interface PricedLine {
  readonly item: Item;
  readonly price: ItemPrice;
  readonly unitAmount: Money;
  readonly quantity: number;
  readonly amount: Money;
  readonly memberPrice: boolean;
  /** A ticket line (item `tp_<ticket product id>`, ticket-items.ts): the sale issues its tickets. */
  readonly ticket?: TicketLineRef | undefined;
  /** A membership line (item `mp_<membership product id>`, membership-items.ts): the sale's order grants it. */
  readonly membership?: MembershipLineRef | undefined;
}

export interface PricedCart {
  readonly lines: readonly PricedLine[];
  readonly total: Money;
  /** One line per VAT rate; empty under the VAT franchise. */
  readonly vat: readonly VatLine[];
  /** "TVA non applicable, art. 293 B du CGI" under the franchise, otherwise null. */
  readonly vatMention: string | null;
}

export interface PricingContext {
  readonly pointOfSale: string;
  /** Whether the customer is a member with a valid membership: member prices and member-only items apply. */
  readonly member: boolean;
  readonly vatStatus: "liable" | "franchise";
  /** Now, for the sale windows of ticket lines; without it, a ticket line's window is left to the sale. */
  readonly nowMs?: number | undefined;
}

export function checkQuantity(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > SALE_LIMITS.quantityMax) {
    fail("quantity_invalid", `a quantity is a whole number from 1 to ${SALE_LIMITS.quantityMax}`);
  }
  return value;
}

/** Reads a cart's lines from JSON input (the API's snake_case or the services' camelCase). */
export function cartLines(value: unknown): CartLineInput[] {
  if (!Array.isArray(value) || value.length === 0) fail("lines_required", "a sale has one line at least");
  if (value.length > SALE_LIMITS.lines) fail("cart_too_large", `a sale has at most ${SALE_LIMITS.lines} lines`);
  return value.map((line: unknown) => {
    if (line === null || typeof line !== "object" || Array.isArray(line)) fail("lines_invalid", "each line is an object");
    const raw = line as Record<string, unknown>;
    return { itemId: raw.itemId ?? raw.item_id, priceId: raw.priceId ?? raw.price_id, amount: raw.amount ?? raw.freeAmount, quantity: raw.quantity };
  });
}

function priceOf(item: Item, line: CartLineInput): ItemPrice {
  if (line.priceId === undefined || line.priceId === null) {
    const free = item.prices.find((price) => price.kind === "free");
    if (line.amount === undefined || !free) fail("price_unknown", `name one of the prices of ${item.name}`, { item_id: item.id });
    return free;
  }
  const price = typeof line.priceId === "string" ? item.prices.find((candidate) => candidate.id === line.priceId) : undefined;
  if (!price) fail("price_unknown", `${item.name} has no such price (the catalogue changed?)`, { item_id: item.id });
  return price;
}

function unitAmountOf(item: Item, price: ItemPrice, line: CartLineInput, member: boolean): { unit: Money; memberPrice: boolean } {
  if (price.kind === "fixed") {
    // A client's amount for a fixed price is ignored: the catalogue's is the price.
    if (member && price.memberAmount !== null) return { unit: money(price.memberAmount), memberPrice: true };
    return { unit: money(price.amount), memberPrice: false };
  }
  return { unit: freeAmountOf(line.amount, { itemId: item.id, name: item.name, minimumMinor: price.amount }), memberPrice: false };
}

/** Prices every line from the catalogue and computes the total and its VAT, or refuses with a code. */
export function priceCart(sqlite: Sqlite, context: PricingContext, lines: readonly CartLineInput[]): PricedCart {
  if (lines.length === 0) fail("lines_required", "a sale has one line at least");
  if (lines.length > SALE_LIMITS.lines) fail("cart_too_large", `a sale has at most ${SALE_LIMITS.lines} lines`);
  const cache = new Map<string, Item>();
  const priced: PricedLine[] = [];
  let total = 0;
  for (const line of lines) {
    const quantity = checkQuantity(line.quantity);
    if (typeof line.itemId !== "string" || line.itemId.length > 64) fail("item_unknown", "name an item by its id");
    if (isTicketItemId(line.itemId)) {
      const ticket = priceTicketLine(sqlite, context, line, quantity);
      total += ticket.amount;
      priced.push(ticket);
      continue;
    }
    if (isMembershipItemId(line.itemId)) {
      const membership = priceMembershipLine(sqlite, line, quantity);
      total += membership.amount;
      priced.push(membership);
      continue;
    }
    const item = cache.get(line.itemId) ?? findItem(sqlite, line.itemId);
    if (!item) fail("item_unknown", "no such item (the catalogue changed?)", { item_id: line.itemId });
    cache.set(item.id, item);
    if (!item.active) fail("item_inactive", `${item.name} is not sold any more`, { item_id: item.id });
    if (!item.pointsOfSale.includes(context.pointOfSale)) fail("item_not_at_point_of_sale", `${item.name} is not sold here`, { item_id: item.id });
    if (item.memberOnly && !context.member) fail("membership_required", `${item.name} is sold to members with a valid membership only`, { item_id: item.id });
    const price = priceOf(item, line);
    const { unit, memberPrice } = unitAmountOf(item, price, line, context.member);
    const amount = money(unit * quantity);
    total += amount;
    priced.push({ item, price, unitAmount: unit, quantity, amount, memberPrice });
  }
  const franchise = context.vatStatus === "franchise";
  const vat = franchise ? [] : vatBreakdown(priced.map((line) => ({ vatRateBp: line.item.vatRateBp, amount: line.amount })));
  return { lines: priced, total: money(total), vat, vatMention: franchise ? FRANCHISE_MENTION : null };
}
