/**
 * Memberships at the till. A membership product (membership room) is sold at the till as an item
 * the catalogue does not store: its id is `mp_<membership product id>`, its one price the
 * product's (a fixed price, or a free price whose amount the customer chooses, at least the
 * product's minimum; the price's id is the product's id), its VAT the product's. A membership is a
 * member's: the sale needs a member card tapped (`member_required`, as for the catalogue's own
 * membership items). The sale turns the line into a membership line of its paid till order
 * (issueSaleTickets, createOrder in the sale's transaction), which grants the product's window
 * (rolling year, calendar year, month, custom days) to the card's member; voiding the sale
 * refunds the order and ends the membership (refundSaleOrder). One membership per sale, one unit.
 * Paid by the cashless card, cash or the card terminal, like a ticket.
 */
import { fail, money, type Money } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { findMembershipProduct, listMembershipProducts, type MembershipProduct } from "../membership/index.ts";
import type { Item, ItemPrice } from "./catalogue.ts";
import { activePointsOfSale, freeAmountOf, orderItem } from "./order-items.ts";
import type { CartLineInput, PricedLine } from "./pricing.ts";

export const MEMBERSHIP_ITEM_PREFIX = "mp_";

export function isMembershipItemId(itemId: unknown): itemId is string {
  return typeof itemId === "string" && itemId.startsWith(MEMBERSHIP_ITEM_PREFIX);
}

export function membershipItemId(productId: string): string {
  return `${MEMBERSHIP_ITEM_PREFIX}${productId}`;
}

/** What a priced membership line carries: the membership product sold. */
export interface MembershipLineRef {
  readonly productId: string;
}

function itemPriceOf(product: MembershipProduct): ItemPrice {
  return { id: product.id, label: product.name, kind: product.freePrice ? "free" : "fixed", amount: product.amountMinor, memberAmount: null };
}

function itemOf(sqlite: Sqlite, product: MembershipProduct): Item {
  return orderItem({
    id: membershipItemId(product.id),
    name: product.name,
    vatRateBp: product.vatRateBp,
    position: product.position,
    active: product.active,
    pointsOfSale: activePointsOfSale(sqlite),
    prices: [itemPriceOf(product)],
  });
}

/** The till item of a membership product (`mp_<id>`); undefined for an unknown product. */
export function findMembershipItem(sqlite: Sqlite, itemId: string): Item | undefined {
  if (!isMembershipItemId(itemId)) return undefined;
  const product = findMembershipProduct(sqlite, itemId.slice(MEMBERSHIP_ITEM_PREFIX.length));
  return product ? itemOf(sqlite, product) : undefined;
}

function unitOf(product: MembershipProduct, line: CartLineInput, itemId: string): Money {
  if (!product.freePrice) return money(product.amountMinor);
  return freeAmountOf(line.amount, { itemId, name: product.name, minimumMinor: product.amountMinor });
}

/**
 * Prices one membership line of a cart (pricing.ts calls it for `mp_` items). Refusals carry the
 * line's item_id: item_unknown, item_inactive, price_unknown (a price id that is not the
 * product's), quantity_invalid (more than one), amount_invalid, price_below_minimum. The member
 * card is checked by the sale (member_required).
 */
export function priceMembershipLine(sqlite: Sqlite, line: CartLineInput, quantity: number): PricedLine {
  const itemId = line.itemId as string;
  const product = findMembershipProduct(sqlite, itemId.slice(MEMBERSHIP_ITEM_PREFIX.length));
  if (!product) fail("item_unknown", "no such membership (the products changed?)", { item_id: itemId });
  if (!product.active) fail("item_inactive", `${product.name} is not sold any more`, { item_id: itemId });
  if (line.priceId !== undefined && line.priceId !== null && line.priceId !== product.id) fail("price_unknown", `${product.name} has no such price`, { item_id: itemId });
  if (quantity !== 1) fail("quantity_invalid", "one membership at a time", { item_id: itemId });
  const unitAmount = unitOf(product, line, itemId);
  return { item: itemOf(sqlite, product), price: itemPriceOf(product), unitAmount, quantity, amount: unitAmount, memberPrice: false, membership: { productId: product.id } };
}

export interface MembershipOffer {
  readonly itemId: string;
  readonly productId: string;
  readonly name: string;
  readonly duration: MembershipProduct["duration"];
  readonly customDays: number | null;
  readonly amountMinor: number;
  readonly freePrice: boolean;
}

/** The active membership products, as the till offers them. */
export function tillMembershipOffers(sqlite: Sqlite): MembershipOffer[] {
  return listMembershipProducts(sqlite, { activeOnly: true }).map((product) => ({
    itemId: membershipItemId(product.id),
    productId: product.id,
    name: product.name,
    duration: product.duration,
    customDays: product.customDays,
    amountMinor: product.amountMinor,
    freePrice: product.freePrice,
  }));
}
