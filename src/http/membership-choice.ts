/**
 * The membership chosen on a form, shared by the membership forms (membership-sales.ts: /adhesion
 * and the box office) and the event's order form (ticket-and-membership.ts: "become a member at
 * the same time"), apart from both so that neither imports the other.
 */
import { fail } from "../kernel/index.ts";
import type { MembershipProduct } from "../membership/index.ts";
import { field, type Ctx } from "./context.ts";
import { parseEuros } from "./till-state.ts";

/** What a form shows of the membership products on sale. */
export function offers(products: readonly MembershipProduct[]) {
  return products.map(({ id, name, description, duration, customDays, amountMinor, freePrice }) => ({ id, name, description, duration, customDays, amountMinor, freePrice }));
}

/** The product chosen on the form and the amount of a free price (createOrder checks the minimum). */
export function chosenProduct(ctx: Ctx, products: readonly MembershipProduct[]): { product: MembershipProduct; amountMinor: number | undefined } {
  const id = field(ctx, "product_id");
  if (!id) fail("membership_product_required", "choose a membership");
  const product = products.find((candidate) => candidate.id === id);
  if (!product) fail("membership_product_unknown", "no such membership product");
  if (!product.freePrice) return { product, amountMinor: undefined };
  const amountMinor = parseEuros(field(ctx, `a_${product.id}`), { allowZero: true }) ?? fail("amount_invalid", "a chosen amount is in euros");
  return { product, amountMinor };
}
