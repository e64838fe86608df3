/**
 * Memberships at the till's grid: the active membership products as items `mp_<id>` in their own
 * section ("Adhésions"), each button saying the product's duration and that a member card is
 * needed (the sale refuses with member_required otherwise; see src/pos/membership-items.ts).
 */
import { tillMembershipOffers } from "../pos/index.ts";
import type { Ctx } from "./context.ts";

/** The section's id: no catalogue category has it (catalogue ids are ULIDs). */
export const TILL_MEMBERSHIP_CATEGORY = "memberships";
const SECTION_COLOUR = "#2f6f4f";

function durationLabel(ctx: Ctx, duration: string, customDays: number | null): string {
  switch (duration) {
    case "rolling_year":
      return ctx.t("membership_sale.duration_rolling_year");
    case "calendar_year":
      return ctx.t("membership_sale.duration_calendar_year");
    case "month":
      return ctx.t("membership_sale.duration_month");
    default:
      return ctx.t("membership_sale.duration_days", { count: customDays ?? 0 });
  }
}

/** The grid's membership section and its items (none when no product is active). */
export function tillMembershipGrid(ctx: Ctx) {
  const offers = tillMembershipOffers(ctx.deps.writer.sqlite);
  if (offers.length === 0) return { categories: [], items: [] };
  return {
    categories: [{ id: TILL_MEMBERSHIP_CATEGORY, name: ctx.t("membership_sale.till_title"), colour: SECTION_COLOUR }],
    items: offers.map((offer) => ({
      id: offer.itemId,
      name: offer.name,
      categoryId: TILL_MEMBERSHIP_CATEGORY,
      prices: [
        {
          id: offer.productId,
          label: `${durationLabel(ctx, offer.duration, offer.customDays)} · ${ctx.t("membership_sale.till_needs_card")}`,
          kind: offer.freePrice ? ("free" as const) : ("fixed" as const),
          amount: offer.amountMinor,
          memberAmount: null,
        },
      ],
      soldOut: false,
    })),
  };
}
