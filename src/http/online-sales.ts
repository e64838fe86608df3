/**
 * Online orders from the public agenda (no login): the order form under an event's page,
 * `POST /agenda/:id/order` (CSRF like every form, and a per-address rate limit), and the buyer's
 * order page `/orders/:reference?k=<key>` with its return pages from the payment provider
 * (`/paid`, `/cancelled`) and its two buttons (pay now, cancel).
 *
 * Paying on site issues the tickets at once (the door answers `unpaid` until the box office takes
 * the money). Paying online creates a held order (its tickets keep the places until the hold
 * ends), then starts a checkout at the provider and sends the buyer there; the provider's
 * notification (payment-webhooks.ts) marks it paid. If the provider cannot be reached, the held
 * order is cancelled at once (its places come back) and the form shows the error with a new key.
 * The buyer reaches the provider's page through a small page (refresh and link), not a redirect:
 * the Content-Security-Policy's form-action 'self' forbids a form's redirect to another site.
 */
import { renderSVG } from "uqr";
import { fail, isAppError, limits } from "../kernel/index.ts";
import {
  attachCheckout,
  cancelOrder,
  createMembershipOrder,
  createOrder,
  findEvent,
  findOrderByReference,
  isEmailAddress,
  isListed,
  listEventPrices,
  listProducts,
  onlinePaymentConfigured,
  orderLinkKeyValid,
  orderPagePath,
  orderTickets,
  readOnlineSalesSettings,
  type Order,
  type OrderLineInput,
  type OrderPayment,
  type OnlineSalesSettings,
  type PaymentProvider,
  type TicketedEvent,
} from "../ticketing/index.ts";
import { AgendaEventPage } from "../../ui/pages/agenda.tsx";
import { orderMembershipsView } from "./order-memberships-view.ts";
import { CheckoutRedirectPage, OrderForm, OrderPage, OrderUnknownPage, type OrderFormPrice } from "../../ui/pages/online-order.tsx";
import { field, venueTimeZone, view, type Ctx } from "./context.ts";
import { keepMemberModePrivate, memberModeOf, memberWithPrices, type MemberMode } from "./member-prices-online.ts";
import { attemptMemberForm } from "./members-common.ts";
import { chosenMembership, membershipOption, membershipOptionView } from "./ticket-and-membership.ts";
import { statusForCode } from "./errors.ts";
import { attempt, errorText } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import { refuse, type Route } from "./router.ts";
import { parseEuros } from "./till-state.ts";

const ANYONE = { kind: "anyone" } as const;
const ORDER_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const QUANTITY_PATTERN = /^\d{1,2}$/;

function nowMs(ctx: Ctx): number {
  return ctx.deps.clock.nowMs();
}

/** The provider for the current settings, when online payment is configured. */
export function currentProvider(ctx: Ctx, settings: OnlineSalesSettings): PaymentProvider | undefined {
  return onlinePaymentConfigured(settings) ? ctx.deps.payments.providerFor(settings) : undefined;
}

/** Where the buyer comes back to: the public address of the settings, else the one they used. */
function baseUrl(ctx: Ctx, settings: OnlineSalesSettings): string {
  return settings.publicBaseUrl || ctx.url.origin;
}

export function tooMany(ctx: Ctx): Response | undefined {
  if (ctx.deps.payments.orderLimiter.hit(ctx.address, nowMs(ctx))) return undefined;
  const response = refuse(ctx, "too_many_requests", ctx.t("error.too_many_requests"), 429);
  response.headers.set("retry-after", String(Math.max(1, Math.ceil(ctx.deps.payments.orderLimiter.retryAfterMs(ctx.address, nowMs(ctx)) / 1000))));
  return response;
}

/** An order's address is a secret: no search engine, no Referer to other sites. */
export function keepPrivate(response: Response): Response {
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-robots-tag", "noindex, nofollow");
  return response;
}

// The order form on the event's page.

/**
 * The prices a buyer may take online: active, of an active product on sale now. Member prices only
 * with `withMemberPrices` (member mode, member-prices-online.ts; createOrder checks the membership).
 */
export function sellablePrices(ctx: Ctx, event: TicketedEvent, withMemberPrices = false): OrderFormPrice[] {
  const sqlite = ctx.deps.writer.sqlite;
  const now = nowMs(ctx);
  const products = new Map(listProducts(sqlite, event.id).map((product) => [product.id, product]));
  const prices: OrderFormPrice[] = [];
  for (const price of listEventPrices(sqlite, event.id)) {
    const product = products.get(price.productId);
    if (!product || !product.active || !price.active || (price.kind === "member" && !withMemberPrices)) continue;
    if ((product.saleFromMs !== null && now < product.saleFromMs) || now >= (product.saleUntilMs ?? event.endsAtMs)) continue;
    prices.push({
      id: price.id,
      productName: product.name,
      label: price.label,
      kind: price.kind,
      amountMinor: price.amountMinor,
      left: product.quota === null ? null : Math.max(0, product.quota - product.issued),
      perOrderMax: product.perOrderMax,
    });
  }
  return prices;
}

/** Every ticket price on sale has no place left: the agenda shows "Complet" beside the event. */
export function soldOut(ctx: Ctx, event: TicketedEvent): boolean {
  const prices = sellablePrices(ctx, event);
  return prices.length > 0 && prices.every((price) => price.left !== null && price.left <= 0);
}

export function newOrderKey(ctx: Ctx): string {
  return Buffer.from(ctx.deps.random(18)).toString("base64url");
}

/** The form's idempotency key as sent back (newOrderKey made it); a form without one is refused. */
export function orderFormKey(ctx: Ctx): string {
  const key = field(ctx, "order_key");
  if (!ORDER_KEY_PATTERN.test(key)) fail("order_form_invalid", "the form is incomplete; load the page again");
  return key;
}

/** Orders can be taken online now: online sales open and a way to pay (on site or online). */
export function onlineOrdersOpen(ctx: Ctx): boolean {
  const settings = readOnlineSalesSettings(ctx.deps.writer.sqlite);
  return settings.onlineSalesEnabled && (settings.payOnSiteEnabled || currentProvider(ctx, settings) !== undefined);
}

/**
 * The order section of an event's public page, or "" when nothing is sold online for it. In member
 * mode (member-prices-online.ts) with a valid membership it offers the member prices too, fills in
 * the member's name and e-mail and carries the token; an erased member or a lapsed membership
 * gets a notice that member prices need a valid membership.
 */
export function orderSection(ctx: Ctx, event: TicketedEvent, options: { typed?: ReadonlyMap<string, string>; error?: string; member?: MemberMode } = {}): string {
  const settings = readOnlineSalesSettings(ctx.deps.writer.sqlite);
  if (!settings.onlineSalesEnabled || nowMs(ctx) >= event.endsAtMs) return "";
  const mode = options.member ?? { kind: "none" };
  const member = memberWithPrices(mode);
  const prices = sellablePrices(ctx, event, member !== undefined);
  const payOnline = currentProvider(ctx, settings) !== undefined;
  if (prices.length === 0 || (!payOnline && !settings.payOnSiteEnabled)) return "";
  const typed = new Map(options.typed ?? []);
  if (mode.kind === "member") {
    // The member's own name and address, unless the buyer typed others.
    if (!typed.has("buyer_name")) typed.set("buyer_name", mode.member.name);
    if (!typed.has("buyer_email") && mode.member.email) typed.set("buyer_email", mode.member.email);
  }
  return String(
    OrderForm({
      view: view(ctx),
      eventId: event.id,
      prices,
      payOnSite: settings.payOnSiteEnabled,
      payOnline,
      donations: settings.donationsEnabled ? { minMinor: settings.donationMinMinor } : null,
      orderKey: newOrderKey(ctx),
      typed,
      error: options.error,
      memberToken: mode.kind === "member" ? mode.token : undefined,
      membership: optionView(ctx),
      memberNotice: mode.kind === "erased" || (mode.kind === "member" && !mode.valid) ? ctx.t("member_prices_online.needs_membership") : undefined,
    }),
  );
}

/** "Become a member at the same time" (ticket-and-membership.ts), when memberships are on sale. */
function optionView(ctx: Ctx) {
  const option = membershipOption(ctx);
  return option ? membershipOptionView(option) : undefined;
}

function eventPage(ctx: Ctx, event: TicketedEvent, section: string, status = 200): Response {
  const page = AgendaEventPage({ view: view(ctx), event, shareUrl: `${ctx.url.origin}/agenda/${encodeURIComponent(event.id)}`, children: section });
  // The form may carry a member's token (member mode): the page is private as the member's page.
  return keepMemberModePrivate(html(String(page), status));
}

function listedEvent(ctx: Ctx): TicketedEvent {
  const event = findEvent(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  // A private event is as unknown to the public as a missing one.
  if (!event || !isListed(event)) fail("event_unknown", "no such event");
  return event;
}

/**
 * The lines of the form (quantities per offered price, chosen amounts, donation) and what they
 * add up to at the offered prices (createOrder prices them again; this only tells a free order).
 */
function formLines(ctx: Ctx, event: TicketedEvent, settings: OnlineSalesSettings): { lines: OrderLineInput[]; totalMinor: number } {
  const lines: OrderLineInput[] = [];
  let totalMinor = 0;
  // Member prices are read from every form: createOrder refuses them without a valid membership
  // (member_price_needs_membership), rather than dropping the line without a word.
  for (const price of sellablePrices(ctx, event, true)) {
    const typed = field(ctx, `q_${price.id}`).trim();
    if (typed === "" || typed === "0") continue;
    if (!QUANTITY_PATTERN.test(typed)) fail("order_form_invalid", "a quantity is a whole number");
    const quantity = Number(typed);
    if (price.kind === "free") {
      const amountMinor = parseEuros(field(ctx, `a_${price.id}`), { allowZero: true }) ?? fail("order_form_invalid", "a chosen amount is in euros");
      lines.push({ kind: "ticket", priceId: price.id, quantity, amountMinor });
      totalMinor += amountMinor * quantity;
    } else {
      lines.push({ kind: "ticket", priceId: price.id, quantity });
      totalMinor += price.amountMinor * quantity;
    }
  }
  const donation = field(ctx, "donation").trim();
  if (settings.donationsEnabled && donation !== "") {
    const amountMinor = parseEuros(donation) ?? fail("order_form_invalid", "a donation is an amount in euros");
    lines.push({ kind: "donation", amountMinor });
    totalMinor += amountMinor;
  }
  if (lines.length === 0) fail("order_nothing_chosen", "choose at least one ticket");
  return { lines, totalMinor };
}

function formPayment(ctx: Ctx, settings: OnlineSalesSettings, provider: PaymentProvider | undefined, totalMinor: number): OrderPayment {
  // Nothing to pay (invitations, a free price at 0): paid as free, whatever was chosen.
  if (totalMinor === 0) return { state: "paid", method: "free" };
  const choice = field(ctx, "payment");
  if (choice === "online" && provider) return { state: "held", holdUntilMs: nowMs(ctx) + settings.holdMinutes * 60_000 };
  if (choice === "on_site" && settings.payOnSiteEnabled) return { state: "pay_on_site" };
  return fail("payment_choice_invalid", "choose a payment offered");
}

/** The buyer's name and e-mail address from an order form (the ticket and the membership forms). */
export function orderFormBuyer(ctx: Ctx): { name: string; email: string } {
  const name = field(ctx, "buyer_name").trim();
  const email = field(ctx, "buyer_email").trim();
  if (!name) fail("buyer_name_required", "give your name");
  if (name.length > limits.textFieldChars) fail("buyer_name_too_long", "this name is too long");
  if (!email) fail("buyer_email_required", "give your e-mail address");
  if (!isEmailAddress(email)) fail("buyer_email_invalid", "this is not an e-mail address");
  return { name, email };
}

/** The step to the provider's page (not a redirect: see CheckoutRedirectPage). */
function toCheckout(ctx: Ctx, url: string): Response {
  return keepPrivate(html(String(CheckoutRedirectPage({ view: view(ctx), url }))));
}

/** Starts the provider's checkout for a held order, which keeps its checkout reference; answers the provider's page. */
async function startCheckout(ctx: Ctx, order: Order, provider: PaymentProvider, settings: OnlineSalesSettings): Promise<string> {
  const [path, query] = orderPagePath(ctx.deps.signer, order).split("?") as [string, string];
  const base = baseUrl(ctx, settings);
  const started = await provider.startCheckout({
    order: { id: order.id, reference: order.reference, totalMinor: order.totalMinor, buyerEmail: order.buyerEmail, lang: order.lang },
    lines: order.lines.map((line) => ({ label: line.label, unitMinor: line.unitMinor, quantity: line.quantity })),
    successUrl: `${base}${path}/paid?${query}`,
    cancelUrl: `${base}${path}/cancelled?${query}`,
    expiresAtMs: order.holdUntilMs ?? nowMs(ctx),
  });
  await ctx.deps.writer.submit((tx) => attachCheckout(tx, { orderId: order.id, provider: provider.name, providerRef: started.providerRef }));
  return started.redirectUrl;
}

/**
 * Where the buyer of a new order goes: its order page, or (a held order, online payment configured)
 * the provider's checkout. If the checkout cannot start, the held order is cancelled at once (its
 * places come back) and `formAgain` answers the form with the error; the form gets a new key, so
 * sending it again makes a new order. Used by the ticket order form and the membership form.
 */
export async function continueToPayment(
  ctx: Ctx,
  order: Order,
  provider: PaymentProvider | undefined,
  settings: OnlineSalesSettings,
  formAgain: (message: string, code: string) => Response,
): Promise<Response> {
  const { deps } = ctx;
  if (order.state !== "held" || !provider) return redirect(orderPagePath(deps.signer, order));
  try {
    return toCheckout(ctx, await startCheckout(ctx, order, provider, settings));
  } catch (error) {
    if (!isAppError(error)) throw error;
    deps.logger.log("warn", "online payment could not start", { order_id: order.id, code: error.code, message: error.message });
    await deps.writer.submit((tx) => cancelOrder(tx, { newId: deps.newId, signer: deps.signer }, { orderId: order.id, nowMs: nowMs(ctx), actor: "buyer" })).catch(() => undefined);
    return formAgain(errorText(ctx.t, error), error.code);
  }
}

async function placeOrder(ctx: Ctx): Promise<Response> {
  const limited = tooMany(ctx);
  if (limited) return limited;
  const event = listedEvent(ctx);
  const { deps } = ctx;
  const settings = readOnlineSalesSettings(deps.writer.sqlite);
  if (!settings.onlineSalesEnabled) fail("online_sales_closed", "online sales are closed");
  const provider = currentProvider(ctx, settings);
  // Member mode: the form's token, checked as the member's page checks it; a bad one is no member.
  const member = memberModeOf(ctx, field(ctx, "m"));
  const again = (message: string, code: string) => eventPage(ctx, event, orderSection(ctx, event, { typed: ctx.fields, error: message, member }), statusForCode(code));
  const option = membershipOption(ctx);
  // A refusal about a custom member field names the field, as on /adhesion.
  const created = await attemptMemberForm(ctx, option?.fields ?? [], async () => {
    const orderKey = orderFormKey(ctx);
    const { lines, totalMinor } = formLines(ctx, event, settings);
    // "Become a member at the same time": one order with the membership line after the tickets.
    const membership = chosenMembership(ctx, option);
    const payment = formPayment(ctx, settings, provider, totalMinor + (membership?.totalMinor ?? 0));
    const buyer = orderFormBuyer(ctx);
    const timeZone = venueTimeZone(ctx);
    // The member of a member mode form (valid membership or not) is the order's member: createOrder
    // checks the member prices against their membership and counts the per-person limits on them.
    const memberId = member.kind === "member" ? member.member.id : undefined;
    const orderDeps = { newId: deps.newId, signer: deps.signer, random: deps.random };
    const common = { buyer, memberId, payment, idempotencyKey: `online:${orderKey}`, lang: ctx.lang, nowMs: nowMs(ctx), actor: "buyer", timeZone };
    if (membership) {
      const { productId, amountMinor, fieldValues } = membership;
      return deps.writer.submit((tx) => createMembershipOrder(tx, orderDeps, { ...common, productId, amountMinor, fieldValues, channel: "online", otherLines: lines }));
    }
    return deps.writer.submit((tx) => createOrder(tx, orderDeps, { ...common, lines, channel: "online" }));
  });
  if (!created.ok) return again(created.message, created.code);
  return continueToPayment(ctx, created.value, provider, settings, again);
}

// The buyer's order page.

function linkedOrder(ctx: Ctx): Order | undefined {
  const reference = ctx.params.reference ?? "";
  const key = ctx.url.searchParams.get("k") ?? "";
  if (!/^[0-9A-Z]{4,16}$/.test(reference)) return undefined;
  const order = findOrderByReference(ctx.deps.writer.sqlite, reference);
  return order && orderLinkKeyValid(ctx.deps.signer, order.id, key) ? order : undefined;
}

function unknownOrder(ctx: Ctx): Response {
  return keepPrivate(html(String(OrderUnknownPage({ view: view(ctx) })), 404));
}

function orderPage(ctx: Ctx, order: Order, options: { returned?: "paid" | "cancelled"; notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const settings = readOnlineSalesSettings(sqlite);
  const titles = new Map<string, string>();
  const titleOf = (eventId: string) => titles.get(eventId) ?? titles.set(eventId, findEvent(sqlite, eventId)?.title ?? "").get(eventId)!;
  // QR codes only for tickets the buyer may use: paid, or to pay on site (the door then says unpaid).
  const showQr = order.state === "paid" || order.state === "pay_on_site";
  const tickets = orderTickets(sqlite, order.id).map((ticket) => ({
    id: ticket.id,
    eventTitle: titleOf(ticket.eventId),
    // "Plein tarif · Plein tarif" says nothing more than "Plein tarif" (as the tickets mail does).
    productName: ticket.priceLabel && ticket.priceLabel !== ticket.productName ? `${ticket.productName} · ${ticket.priceLabel}` : ticket.productName,
    holderName: ticket.holderName,
    state: ticket.state,
    qrSvg: showQr && ticket.state === "valid" ? renderSVG(ticket.qr, { border: 2 }) : null,
  }));
  const page = OrderPage({
    view: view(ctx),
    reference: order.reference,
    state: order.state,
    buyerName: order.buyerName,
    totalMinor: order.totalMinor,
    holdUntilMs: order.holdUntilMs,
    lines: order.lines.map((line) => ({ label: line.label, quantity: line.quantity, amountMinor: line.amountMinor })),
    tickets,
    memberships: orderMembershipsView(ctx, order),
    selfPath: orderPagePath(ctx.deps.signer, order),
    canPay: order.state === "held" && currentProvider(ctx, settings) !== undefined && (order.holdUntilMs ?? 0) > nowMs(ctx),
    returned: options.returned ?? null,
    notice: options.notice,
    error: options.error,
  });
  return keepPrivate(html(String(page), options.status ?? 200));
}

function showOrder(returned?: "paid" | "cancelled") {
  return (ctx: Ctx): Response => {
    const limited = tooMany(ctx);
    if (limited) return keepPrivate(limited);
    const order = linkedOrder(ctx);
    if (!order) return unknownOrder(ctx);
    return orderPage(ctx, order, returned ? { returned } : {});
  };
}

async function payAgain(ctx: Ctx): Promise<Response> {
  const limited = tooMany(ctx);
  if (limited) return keepPrivate(limited);
  const order = linkedOrder(ctx);
  if (!order) return unknownOrder(ctx);
  const settings = readOnlineSalesSettings(ctx.deps.writer.sqlite);
  const provider = currentProvider(ctx, settings);
  const outcome = await attempt(ctx.t, async () => {
    if (order.state !== "held") fail("order_not_payable", `this order is ${order.state}`);
    if (!provider) fail("payments_not_configured", "online payment is not configured");
    return startCheckout(ctx, order, provider, settings);
  });
  if (!outcome.ok) return orderPage(ctx, order, { error: outcome.message, status: statusForCode(outcome.code) });
  return toCheckout(ctx, outcome.value);
}

async function cancelByBuyer(ctx: Ctx): Promise<Response> {
  const limited = tooMany(ctx);
  if (limited) return keepPrivate(limited);
  const order = linkedOrder(ctx);
  if (!order) return unknownOrder(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () => deps.writer.submit((tx) => cancelOrder(tx, { newId: deps.newId, signer: deps.signer }, { orderId: order.id, nowMs: nowMs(ctx), actor: "buyer" })));
  if (!outcome.ok) return orderPage(ctx, order, { error: outcome.message, status: statusForCode(outcome.code) });
  // The provider's page must not take the money any more (best effort: an error is logged).
  const provider = order.providerRef ? currentProvider(ctx, readOnlineSalesSettings(deps.writer.sqlite)) : undefined;
  if (provider && order.provider === provider.name && order.providerRef) {
    await provider.expireCheckout(order.providerRef).catch((error: unknown) => deps.logger.log("warn", "checkout not closed at the provider", { order_id: order.id, error: String(error) }));
  }
  return orderPage(ctx, outcome.value, { notice: ctx.t("order_page.cancelled_notice") });
}

export const onlineSalesRoutes: readonly Route[] = [
  { method: "POST", path: "/agenda/:id/order", access: ANYONE, handle: placeOrder },
  { method: "GET", path: "/orders/:reference", access: ANYONE, handle: showOrder() },
  { method: "GET", path: "/orders/:reference/paid", access: ANYONE, handle: showOrder("paid") },
  { method: "GET", path: "/orders/:reference/cancelled", access: ANYONE, handle: showOrder("cancelled") },
  { method: "POST", path: "/orders/:reference/pay", access: ANYONE, handle: payAgain },
  { method: "POST", path: "/orders/:reference/cancel", access: ANYONE, handle: cancelByBuyer },
];
