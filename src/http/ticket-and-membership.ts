/**
 * "Become a member at the same time" on an event's order form (`/agenda/:id`): when membership
 * products are sold online, the form offers one of them beside the tickets. Chosen, the order is
 * ONE order (createMembershipOrder with the ticket and donation lines before the membership line),
 * paid on site or online like any order of the form; the membership is granted when the order is
 * paid, the tickets are issued as usual. The venue's required custom member fields are then
 * required, checked as /adhesion checks them (membership-choice.ts, members-common.ts and
 * createMembershipOrder: online answers only fill empty stored answers). Member prices in the same
 * order are not unlocked by this membership: it is not valid until paid (createOrder's rule).
 */
import { listMemberFields, listMembershipProducts, type MemberField, type MembershipProduct } from "../membership/index.ts";
import { field, type Ctx } from "./context.ts";
import { fieldAnswers } from "./members-common.ts";
import { chosenProduct, offers } from "./membership-choice.ts";

/** The membership products on sale and the custom fields they ask, or undefined when none is sold. */
export interface MembershipOption {
  readonly products: readonly MembershipProduct[];
  readonly fields: readonly MemberField[];
}

/** What the order form offers (online sales open is the caller's check). */
export function membershipOption(ctx: Ctx): MembershipOption | undefined {
  const sqlite = ctx.deps.writer.sqlite;
  const products = listMembershipProducts(sqlite, { activeOnly: true });
  if (products.length === 0) return undefined;
  return { products, fields: listMemberFields(sqlite, { activeOnly: true }) };
}

/** The form's view of the option: the offers, and the fields (their HTML `required` left to the server: the section is optional). */
export function membershipOptionView(option: MembershipOption) {
  return {
    products: offers(option.products),
    // A required field is marked "*" in its label but not required by the browser: it is required
    // only when a membership is chosen, which the server checks.
    fields: option.fields.map((memberField) => ({ ...memberField, required: false, label: memberField.required ? `${memberField.label} *` : memberField.label })),
  };
}

export interface ChosenMembership {
  readonly productId: string;
  readonly amountMinor: number | undefined;
  /** What it adds to the order's total (the chosen amount of a free price, else the product's price). */
  readonly totalMinor: number;
  readonly fieldValues: Record<string, string>;
}

/** The membership chosen on the order form (field product_id, "" for none), or undefined. */
export function chosenMembership(ctx: Ctx, option: MembershipOption | undefined): ChosenMembership | undefined {
  if (!option || field(ctx, "product_id") === "") return undefined;
  const { product, amountMinor } = chosenProduct(ctx, option.products);
  return { productId: product.id, amountMinor, totalMinor: amountMinor ?? product.amountMinor, fieldValues: fieldAnswers(ctx, option.fields) };
}
