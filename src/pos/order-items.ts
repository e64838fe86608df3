/**
 * What the till items the catalogue does not store have in common: a ticket product
 * (ticket-items.ts), a membership product (membership-items.ts) and an order's line when a sale
 * settles an order (order-cart.ts). Each is sold through an order, so it is paid only by the
 * methods an order records, and it has no category, print group, accepted assets, stock or
 * catalogue membership days (an order grants a membership its product's own window). Each file
 * keeps its own rules: its id, name, prices and which points of sale offer it.
 */
import { fail, money, type Money } from "../kernel/index.ts";
import type { Sqlite } from "../db/index.ts";
import { CATALOGUE_LIMITS, type Item, type ItemPrice, type PaymentMethodCode } from "./catalogue.ts";

/** Payment methods of a line sold through an order: the ones an order can record (nfc_card is the order's "card"). */
export const TICKET_PAYMENT_METHODS: readonly PaymentMethodCode[] = ["nfc_card", "cash", "card_terminal"];

/** What differs between the items sold through an order; the rest is the same for all (see the file's comment). */
export interface OrderItemFields {
  readonly id: string;
  readonly name: string;
  readonly vatRateBp: number;
  readonly position: number;
  readonly active: boolean;
  readonly pointsOfSale: readonly string[];
  readonly prices: readonly ItemPrice[];
}

export function orderItem(fields: OrderItemFields): Item {
  return {
    id: fields.id,
    name: fields.name,
    categoryId: null,
    vatRateBp: fields.vatRateBp,
    printGroup: "",
    acceptedAssets: [],
    paymentMethods: TICKET_PAYMENT_METHODS,
    stock: null,
    lowStockThreshold: null,
    position: fields.position,
    active: fields.active,
    // Not the catalogue's rolling days: the order grants a membership its product's own window (sales.ts grants nothing for it).
    membershipDays: null,
    memberOnly: false,
    pointsOfSale: [...fields.pointsOfSale],
    prices: [...fields.prices],
  };
}

/** Every active point of sale (the catalogue's bound per item): a ticket or a membership is sold at all of them. */
export function activePointsOfSale(sqlite: Sqlite): string[] {
  const rows = sqlite.query<{ code: string }, [number]>("SELECT code FROM points_of_sale WHERE active = 1 ORDER BY code LIMIT ?").all(CATALOGUE_LIMITS.pointsOfSalePerItem);
  return rows.map((row) => row.code);
}

/**
 * The customer's amount for a free price: whole cents from 1 to the catalogue's maximum
 * (amount_invalid), at least the price's minimum (price_below_minimum, named by `name`). Refusals
 * carry the line's item_id.
 */
export function freeAmountOf(amount: unknown, price: { readonly itemId: string; readonly name: string; readonly minimumMinor: number }): Money {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 1 || amount > CATALOGUE_LIMITS.priceMaxMinor) {
    fail("amount_invalid", `a free price is a whole number of cents from 1 to ${CATALOGUE_LIMITS.priceMaxMinor}`, { item_id: price.itemId });
  }
  if (amount < price.minimumMinor) fail("price_below_minimum", `${price.name}: at least ${price.minimumMinor} cents`, { item_id: price.itemId, minimum: price.minimumMinor });
  return money(amount);
}
