/**
 * Selling memberships over HTTP. Public: `GET /adhesion` lists the venue's active membership
 * products (duration, price; an amount field for a free price with its minimum) with a form (name,
 * e-mail, phone, the custom member fields, pay on site or online); `POST /adhesion` makes the order
 * (CSRF like every form, the online order form's per-address rate limit, its idempotent form key)
 * and sends the buyer to their order page `/orders/:reference?k=` (online-sales.ts), which shows the
 * membership once paid. Paying online goes through the same held order and checkout as tickets
 * (continueToPayment in online-sales.ts); paying on site grants the membership when the box office
 * marks the order paid. Box office: `GET|POST /admin/members/sell` (staff), the same form with
 * cash, terminal, free or pay on site, optionally for a member named by `?member=<id>`; it ends on
 * the order's admin page. The order and the answers are written by createMembershipOrder.
 */
import { fail } from "../kernel/index.ts";
import { findRegisterMember, listMemberFields, listMembershipProducts, type MemberField, type MembershipProduct } from "../membership/index.ts";
import { createMembershipOrder, readOnlineSalesSettings, type OrderPayment } from "../ticketing/index.ts";
import { boxOfficePointsOfSale, isBoxOfficeSaleMethod, sellAtBoxOffice } from "../pos/index.ts";
import { MembershipBoxOfficePage, MembershipPublicPage } from "../../ui/pages/membership-sales.tsx";
import { field, operationDeps, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attemptMemberForm, fieldAnswers, venueTimeZone } from "./members-common.ts";
import { chosenProduct, offers } from "./membership-choice.ts";
import { continueToPayment, currentProvider, keepPrivate, newOrderKey, orderFormBuyer, orderFormKey, tooMany } from "./online-sales.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { pagePosActor } from "./pos-admin-views.ts";
import { eventActor, STAFF } from "./wallet-views.ts";

const ANYONE = { kind: "anyone" } as const;
const BOX_OFFICE_PAYMENTS = ["cash", "terminal", "free", "on_site"] as const;

function nowMs(ctx: Ctx): number {
  return ctx.deps.clock.nowMs();
}

/** The ticket order form's buyer, and the phone the membership form asks too. */
function formBuyer(ctx: Ctx): { name: string; email: string; phone: string } {
  return { ...orderFormBuyer(ctx), phone: field(ctx, "buyer_phone").trim() };
}

// The public page.

interface PublicOffer {
  readonly products: MembershipProduct[];
  readonly fields: MemberField[];
  readonly payments: string[];
  readonly closed: boolean;
}

function publicOffer(ctx: Ctx): PublicOffer {
  const sqlite = ctx.deps.writer.sqlite;
  const settings = readOnlineSalesSettings(sqlite);
  const payments = [...(currentProvider(ctx, settings) ? ["online"] : []), ...(settings.payOnSiteEnabled ? ["on_site"] : [])];
  const products = listMembershipProducts(sqlite, { activeOnly: true });
  const fields = listMemberFields(sqlite, { activeOnly: true });
  return { products, fields, payments, closed: !settings.onlineSalesEnabled || products.length === 0 || payments.length === 0 };
}

/** Whether /adhesion sells anything now (the agenda links to it then). */
export function membershipsOnSale(ctx: Ctx): boolean {
  return !publicOffer(ctx).closed;
}

function publicPage(ctx: Ctx, options: { typed?: ReadonlyMap<string, string>; error?: string; status?: number } = {}): Response {
  const offer = publicOffer(ctx);
  const page = MembershipPublicPage({
    view: view(ctx),
    products: offers(offer.products),
    fields: offer.fields,
    payments: offer.payments,
    orderKey: newOrderKey(ctx),
    typed: options.typed ?? new Map(),
    error: options.error,
    closed: offer.closed,
  });
  return html(String(page), options.status ?? 200);
}

function publicPayment(ctx: Ctx, offer: PublicOffer, totalMinor: number, holdMinutes: number): OrderPayment {
  // Nothing to pay (a free price at 0): paid as free, whatever was chosen.
  if (totalMinor === 0) return { state: "paid", method: "free" };
  const choice = field(ctx, "payment");
  if (!offer.payments.includes(choice)) fail("payment_choice_invalid", "choose a payment offered");
  return choice === "online" ? { state: "held", holdUntilMs: nowMs(ctx) + holdMinutes * 60_000 } : { state: "pay_on_site" };
}

async function buyMembership(ctx: Ctx): Promise<Response> {
  const limited = tooMany(ctx);
  if (limited) return limited;
  const { deps } = ctx;
  const offer = publicOffer(ctx);
  const settings = readOnlineSalesSettings(deps.writer.sqlite);
  const provider = currentProvider(ctx, settings);
  const created = await attemptMemberForm(ctx, offer.fields, async () => {
    if (offer.closed) fail("online_sales_closed", "memberships are not sold online now");
    const orderKey = orderFormKey(ctx);
    const { product, amountMinor } = chosenProduct(ctx, offer.products);
    const payment = publicPayment(ctx, offer, amountMinor ?? product.amountMinor, settings.holdMinutes);
    const buyer = formBuyer(ctx);
    const input = {
      productId: product.id,
      amountMinor,
      buyer,
      fieldValues: fieldAnswers(ctx, offer.fields),
      channel: "online" as const,
      payment,
      idempotencyKey: `membership:${orderKey}`,
      lang: ctx.lang,
      nowMs: nowMs(ctx),
      actor: "buyer",
      timeZone: venueTimeZone(ctx),
    };
    return deps.writer.submit((tx) => createMembershipOrder(tx, { newId: deps.newId, signer: deps.signer, random: deps.random }, input));
  });
  const again = (message: string, code: string) => publicPage(ctx, { typed: ctx.fields, error: message, status: statusForCode(code) });
  if (!created.ok) return again(created.message, created.code);
  return continueToPayment(ctx, created.value, provider, settings, again);
}

// The box office's form.

function namedMember(ctx: Ctx, id: string): { id: string; name: string } | undefined {
  if (!id) return undefined;
  const member = findRegisterMember(ctx.deps.writer.sqlite, id);
  if (!member || member.erasedAtMs !== null) fail("member_unknown", "no such member");
  return { id: member.id, name: member.name };
}

function boxOfficePage(ctx: Ctx, options: { typed?: ReadonlyMap<string, string>; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const typed = options.typed ?? new Map<string, string>();
  const member = namedMember(ctx, typed.get("member_id") ?? ctx.url.searchParams.get("member") ?? "");
  const page = MembershipBoxOfficePage({
    view: view(ctx),
    products: offers(listMembershipProducts(sqlite, { activeOnly: true })),
    fields: listMemberFields(sqlite, { activeOnly: true }),
    payments: BOX_OFFICE_PAYMENTS,
    orderKey: newOrderKey(ctx),
    typed,
    member,
    error: options.error,
    boxOffices: boxOfficePointsOfSale(sqlite).map(({ code, name }) => ({ code, name })),
  });
  return keepPrivate(html(String(page), options.status ?? 200));
}

function boxOfficePayment(choice: string): OrderPayment {
  switch (choice) {
    case "cash":
    case "terminal":
    case "free":
      return { state: "paid", method: choice };
    case "on_site":
      return { state: "pay_on_site" };
    default:
      return fail("payment_choice_invalid", "choose a payment");
  }
}

async function sellMembership(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const sqlite = deps.writer.sqlite;
  const fields = listMemberFields(sqlite, { activeOnly: true });
  const created = await attemptMemberForm(ctx, fields, async () => {
    const orderKey = orderFormKey(ctx);
    const member = namedMember(ctx, field(ctx, "member_id"));
    const { product, amountMinor } = chosenProduct(ctx, listMembershipProducts(sqlite, { activeOnly: true }));
    const payment = boxOfficePayment(field(ctx, "payment"));
    const buyer = member ? { name: member.name } : formBuyer(ctx);
    const input = {
      productId: product.id,
      amountMinor,
      buyer,
      fieldValues: fieldAnswers(ctx, fields),
      memberId: member?.id,
      channel: "box_office" as const,
      payment,
      idempotencyKey: `membership-box:${orderKey}`,
      operatorName: ctx.session?.operatorName ?? "",
      lang: ctx.lang,
      nowMs: nowMs(ctx),
      actor: eventActor(ctx),
      timeZone: venueTimeZone(ctx),
    };
    const orderDeps = { newId: deps.newId, signer: deps.signer, random: deps.random };
    return deps.writer.submit((tx) => {
      // Cash and the card terminal are money: a point-of-sale sale settles the order (pos/order-sales.ts).
      if (payment.state === "paid" && isBoxOfficeSaleMethod(payment.method)) {
        const actor = { ...pagePosActor(ctx), idempotencyKey: `box-office:${input.idempotencyKey}` };
        const sold = sellAtBoxOffice(tx, operationDeps(ctx), actor, {
          pointOfSale: field(ctx, "point_of_sale"),
          method: payment.method,
          orderKey: input.idempotencyKey,
          order: (saleId) => createMembershipOrder(tx, orderDeps, { ...input, saleId }),
        });
        return sold.order;
      }
      return createMembershipOrder(tx, orderDeps, input);
    });
  });
  if (!created.ok) return boxOfficePage(ctx, { typed: ctx.fields, error: created.message, status: statusForCode(created.code) });
  return redirect(`/admin/ticketing/orders/${encodeURIComponent(created.value.id)}?created=1`);
}

export const membershipSalesRoutes: readonly Route[] = [
  { method: "GET", path: "/adhesion", access: ANYONE, handle: (ctx) => publicPage(ctx) },
  { method: "POST", path: "/adhesion", access: ANYONE, handle: buyMembership },
  { method: "GET", path: "/membership", access: ANYONE, handle: () => redirect("/adhesion") },
  { method: "GET", path: "/admin/members/sell", access: STAFF, handle: (ctx) => boxOfficePage(ctx) },
  { method: "POST", path: "/admin/members/sell", access: STAFF, handle: sellMembership },
];
