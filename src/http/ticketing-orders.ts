/**
 * The box office's routes (admins and managers): ticket types and their prices, the sell form
 * (an order paid in cash, by bank terminal, free, or to pay on site), an order's page with its
 * tickets and the buttons that take the payment, cancel or refund, and the orders' list. Each
 * change is one transaction through the ticketing room, which logs it in the event log.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import {
  cancelOrder,
  createOrder,
  findEvent,
  findOrder,
  findProduct,
  listEventPrices,
  listOrders,
  listPrices,
  markOrderPaid,
  memberIdByEmail,
  orderTickets,
  refundOrder,
  savePrice,
  saveProduct,
  type Order,
  type OrderLineInput,
  type OrderPayment,
  type ProductInput,
  type TicketPrice,
  type TicketProduct,
} from "../ticketing/index.ts";
import { boxOfficePointsOfSale, isBoxOfficeSaleMethod, refundOrderByVoid, saleOfOrder, sellAtBoxOffice } from "../pos/index.ts";
import { fr } from "../../ui/i18n/fr.ts";
import type { MessageKey } from "../../ui/i18n/index.ts";
import { centsInput, OrderPage, OrdersPage, ProductPage, type ProductSettingsForm, type SellFormValues } from "../../ui/pages/ticketing-orders.tsx";
import { orderMailState } from "./ticketing-mail.ts";
import { orderMembershipsView } from "./order-memberships-view.ts";
import { field, operationDeps, venueTimeZone, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { basisPointsText, checked, eventActor, integerText, optionalIntegerText, pagePosActor, STAFF } from "./pos-admin-views.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { editPage, instantOfLocalText, localTextOf, requireEvent } from "./ticketing.ts";
import { parseEuros } from "./till-state.ts";

/** A refusal in words; a few codes the point of sale also uses get the ticketing sentence. */
function refusalText(ctx: Ctx, outcome: { code: string; message: string }): string {
  const key = `orders_error.${outcome.code}`;
  return key in fr ? ctx.t(key as MessageKey) : outcome.message;
}

const orderPath = (id: string) => `/admin/ticketing/orders/${encodeURIComponent(id)}`;
const productPath = (id: string) => `/admin/ticketing/products/${encodeURIComponent(id)}`;

// Ticket types.

function typedProductForm(ctx: Ctx): ProductSettingsForm {
  return {
    name: field(ctx, "name"),
    price: field(ctx, "price"),
    quota: field(ctx, "quota"),
    perOrderMax: field(ctx, "per_order_max"),
    perPersonMax: field(ctx, "per_person_max"),
    saleFrom: field(ctx, "sale_from"),
    saleUntil: field(ctx, "sale_until"),
    vat: field(ctx, "vat"),
    position: field(ctx, "position"),
    active: checked(ctx, "active"),
  };
}

function productFormOf(product: TicketProduct, timezone: string): ProductSettingsForm {
  const optional = (value: number | null) => (value === null ? "" : String(value));
  const vat = `${Math.floor(product.vatRateBp / 100)}${product.vatRateBp % 100 === 0 ? "" : `,${String(product.vatRateBp % 100).padStart(2, "0").replace(/0$/, "")}`}`;
  return {
    name: product.name,
    price: centsInput(product.priceMinor),
    quota: optional(product.quota),
    perOrderMax: optional(product.perOrderMax),
    perPersonMax: optional(product.perPersonMax),
    saleFrom: product.saleFromMs === null ? "" : localTextOf(product.saleFromMs, timezone),
    saleUntil: product.saleUntilMs === null ? "" : localTextOf(product.saleUntilMs, timezone),
    vat,
    position: String(product.position),
    active: product.active,
  };
}

/** The typed form as a ProductInput; malformed numbers become NaN, which saveProduct refuses with its code. */
function productInputOf(form: ProductSettingsForm, eventId: string, timezone: string, id: string | undefined): ProductInput {
  const quota = optionalIntegerText(form.quota);
  if (quota !== null && Number.isNaN(quota)) fail("quota_invalid", "a quota is a whole number");
  const instant = (text: string) => (text.trim() === "" ? null : instantOfLocalText(text, timezone));
  return {
    id,
    eventId,
    name: form.name,
    priceMinor: id === undefined ? (parseEuros(form.price, { allowZero: true }) ?? fail("price_invalid", "a price is an amount in euros")) : undefined,
    quota,
    active: id === undefined ? true : form.active,
    perOrderMax: optionalIntegerText(form.perOrderMax),
    perPersonMax: optionalIntegerText(form.perPersonMax),
    saleFromMs: instant(form.saleFrom),
    saleUntilMs: instant(form.saleUntil),
    // Left empty: the stored rate (5.5 % for a new ticket type).
    vatRateBp: form.vat.trim() === "" ? undefined : basisPointsText(form.vat),
    position: form.position.trim() === "" ? 0 : integerText(form.position),
  };
}

function logProduct(ctx: Ctx, tx: Parameters<typeof appendEvent>[0], kind: string, subject: string, detail: Record<string, string | number | boolean>): void {
  appendEvent(tx, ctx.deps.signer, { kind, actor: eventActor(ctx), subject, detail });
}

async function addProductForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const productForm = typedProductForm(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const input = productInputOf(productForm, event.id, venueTimeZone(ctx), undefined);
    return deps.writer.submit((tx) => {
      const product = saveProduct(tx, { newId: deps.newId }, input);
      logProduct(ctx, tx, "config.ticket_product_saved", `ticket_product:${product.id}`, { event_id: event.id, created: true });
      return product;
    });
  });
  if (!outcome.ok) return editPage(ctx, event, { productForm, error: refusalText(ctx, outcome), status: statusForCode(outcome.code) });
  return editPage(ctx, event, { notice: ctx.t("box_office.product_saved") });
}

function requireProduct(ctx: Ctx): TicketProduct {
  const product = findProduct(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!product) fail("product_unknown", "no such product");
  return product;
}

function productPage(ctx: Ctx, product: TicketProduct, options: { form?: ProductSettingsForm; notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const event = findEvent(sqlite, product.eventId)!;
  const page = ProductPage({
    view: view(ctx),
    product,
    eventTitle: event.title,
    form: options.form ?? productFormOf(product, venueTimeZone(ctx)),
    prices: listPrices(sqlite, product.id),
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function editProductForm(ctx: Ctx): Promise<Response> {
  const product = requireProduct(ctx);
  const form = typedProductForm(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const input = productInputOf(form, product.eventId, venueTimeZone(ctx), product.id);
    return deps.writer.submit((tx) => {
      const saved = saveProduct(tx, { newId: deps.newId }, input);
      logProduct(ctx, tx, "config.ticket_product_saved", `ticket_product:${saved.id}`, { event_id: saved.eventId, created: false });
      return saved;
    });
  });
  if (!outcome.ok) return productPage(ctx, product, { form, error: refusalText(ctx, outcome), status: statusForCode(outcome.code) });
  return productPage(ctx, outcome.value, { notice: ctx.t("product_admin.saved") });
}

async function savePriceForm(ctx: Ctx): Promise<Response> {
  const product = requireProduct(ctx);
  const { deps } = ctx;
  const priceId = field(ctx, "price_id").trim();
  const outcome = await attempt(ctx.t, () => {
    const amountMinor = parseEuros(field(ctx, "amount"), { allowZero: true }) ?? Number.NaN;
    const position = field(ctx, "position").trim() === "" ? undefined : integerText(field(ctx, "position"));
    return deps.writer.submit((tx): TicketPrice => {
      const price = savePrice(tx, { newId: deps.newId }, {
        id: priceId === "" ? undefined : priceId,
        productId: product.id,
        label: field(ctx, "label"),
        kind: field(ctx, "kind"),
        amountMinor,
        position,
        active: checked(ctx, "active"),
      });
      logProduct(ctx, tx, "config.ticket_price_saved", `ticket_price:${price.id}`, { product_id: product.id, kind: price.kind, amount_minor: price.amountMinor, active: price.active });
      return price;
    });
  });
  const fresh = findProduct(ctx.deps.writer.sqlite, product.id)!;
  if (!outcome.ok) return productPage(ctx, fresh, { error: refusalText(ctx, outcome), status: statusForCode(outcome.code) });
  return productPage(ctx, fresh, { notice: ctx.t("product_admin.price_saved") });
}

// Selling.

function typedSellForm(ctx: Ctx, prices: readonly TicketPrice[]): SellFormValues {
  const quantities: Record<string, string> = {};
  const amounts: Record<string, string> = {};
  for (const price of prices) {
    quantities[price.id] = field(ctx, `qty_${price.id}`);
    if (price.kind === "free") amounts[price.id] = field(ctx, `amount_${price.id}`);
  }
  return {
    idempotencyKey: field(ctx, "idempotency_key"),
    quantities,
    amounts,
    buyerName: field(ctx, "buyer_name"),
    buyerEmail: field(ctx, "buyer_email"),
    buyerPhone: field(ctx, "buyer_phone"),
    holders: field(ctx, "holders"),
    payment: field(ctx, "payment"),
    boxOffices: boxOfficePointsOfSale(ctx.deps.writer.sqlite).map(({ code, name }) => ({ code, name })),
    pointOfSale: field(ctx, "point_of_sale"),
  };
}

/** The lines of the sell form: each price with a quantity, holders' names handed out in order. */
function sellLines(form: SellFormValues, prices: readonly TicketPrice[]): OrderLineInput[] {
  const holders = form.holders
    .split(/\r?\n/)
    .map((name) => name.trim())
    .filter(Boolean)
    .slice(0, limits.listPageRows + 1);
  const lines: OrderLineInput[] = [];
  let next = 0;
  for (const price of prices) {
    const typed = (form.quantities[price.id] ?? "").trim();
    if (typed === "" || typed === "0") continue;
    // A malformed quantity is NaN, which createOrder refuses with quantity_invalid.
    const quantity = integerText(typed);
    const amountText = (form.amounts[price.id] ?? "").trim();
    const amountMinor = price.kind !== "free" ? undefined : amountText === "" ? price.amountMinor : (parseEuros(amountText, { allowZero: true }) ?? Number.NaN);
    const holderNames = Number.isSafeInteger(quantity) && quantity > 0 ? holders.slice(next, next + quantity) : [];
    next += holderNames.length;
    lines.push({ kind: "ticket", priceId: price.id, quantity, amountMinor, holderNames });
  }
  if (next < holders.length) fail("holder_names_invalid", "more holders' names than tickets");
  return lines;
}

function sellPayment(method: string): OrderPayment {
  if (method === "pay_on_site") return { state: "pay_on_site" };
  if (method === "cash" || method === "terminal" || method === "free") return { state: "paid", method };
  return fail("payment_invalid", "choose a payment");
}

async function sellForm(ctx: Ctx): Promise<Response> {
  const event = requireEvent(ctx);
  const { deps } = ctx;
  const prices = listEventPrices(deps.writer.sqlite, event.id);
  const form = typedSellForm(ctx, prices);
  const session = ctx.session!;
  const outcome = await attempt(ctx.t, async () => {
    const lines = sellLines(form, prices);
    const payment = sellPayment(form.payment);
    return deps.writer.submit((tx) => {
      const orderOf = (paid: OrderPayment, nowMs: number, saleId: string | null) =>
        createOrder(tx, { newId: deps.newId, signer: deps.signer, random: deps.random }, {
          lines,
          buyer: { name: form.buyerName, email: form.buyerEmail, phone: form.buyerPhone },
          // The staff sees the buyer: a member found by the e-mail typed gets the member price.
          memberId: memberIdByEmail(tx.sqlite, form.buyerEmail),
          channel: "box_office",
          payment: paid,
          idempotencyKey: form.idempotencyKey,
          operatorName: session.operatorName,
          terminalId: ctx.terminal?.id ?? null,
          saleId,
          lang: ctx.lang,
          nowMs,
          actor: eventActor(ctx),
          timeZone: venueTimeZone(ctx),
        });
      // Cash and the card terminal are money: a point-of-sale sale settles the order (order-sales.ts).
      // The order keeps the box's clock (sale windows, event over); the sale its fiscal time, never behind the journal.
      if (payment.state === "paid" && isBoxOfficeSaleMethod(payment.method)) {
        const actor = { ...pagePosActor(ctx), idempotencyKey: `box-office:${form.idempotencyKey}` };
        const method = payment.method;
        return sellAtBoxOffice(tx, operationDeps(ctx), actor, { pointOfSale: field(ctx, "point_of_sale"), method, orderKey: form.idempotencyKey, order: (saleId) => orderOf(payment, deps.clock.nowMs(), saleId) }).order;
      }
      return orderOf(payment, deps.clock.nowMs(), null);
    });
  });
  if (!outcome.ok) return editPage(ctx, event, { sell: form, error: refusalText(ctx, outcome), status: statusForCode(outcome.code) });
  return redirect(`${orderPath(outcome.value.id)}?created=1`);
}

// Orders.

function requireOrder(ctx: Ctx): Order {
  const order = findOrder(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!order) fail("order_unknown", "no such order");
  return order;
}

function orderPage(ctx: Ctx, order: Order, options: { notice?: string | undefined; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const titles = new Map<string, string>();
  const tickets = orderTickets(sqlite, order.id).map((ticket) => {
    if (!titles.has(ticket.eventId)) titles.set(ticket.eventId, findEvent(sqlite, ticket.eventId)?.title ?? "");
    return { id: ticket.id, holderName: ticket.holderName, productName: ticket.productName, priceLabel: ticket.priceLabel, state: ticket.state, eventTitle: titles.get(ticket.eventId)! };
  });
  const page = OrderPage({ view: view(ctx), order: { ...order, tickets, sale: saleOfOrder(sqlite, order), boxOffices: boxOfficePointsOfSale(sqlite).map(({ code, name }) => ({ code, name })) }, notice: options.notice, error: options.error, mail: orderMailState(ctx, order.id), memberships: orderMembershipsView(ctx, order) });
  return html(String(page), options.status ?? 200);
}

function ordersPage(ctx: Ctx): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const query = (ctx.url.searchParams.get("q") ?? "").slice(0, limits.textFieldChars);
  const eventParam = ctx.url.searchParams.get("event") ?? "";
  const event = eventParam === "" ? undefined : findEvent(sqlite, eventParam);
  if (eventParam !== "" && !event) fail("event_unknown", "no such event");
  const orders = listOrders(sqlite, { search: query, eventId: event?.id });
  return html(String(OrdersPage({ view: view(ctx), orders, query, eventId: event?.id, eventTitle: event?.title })));
}

type OrderCommand = (order: Order, nowMs: number) => (tx: Parameters<typeof cancelOrder>[0]) => Order;

async function orderAction(ctx: Ctx, command: OrderCommand, noticeKey: MessageKey): Promise<Response> {
  const order = requireOrder(ctx);
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, () => deps.writer.submit(command(order, deps.clock.nowMs())));
  if (!outcome.ok) return orderPage(ctx, findOrder(deps.writer.sqlite, order.id)!, { error: refusalText(ctx, outcome), status: statusForCode(outcome.code) });
  return orderPage(ctx, outcome.value, { notice: ctx.t(noticeKey) });
}

/** Taking a pay-on-site order's payment: in cash or by terminal, a box-office sale of the order's own amounts (order-sales.ts). */
const markPaidForm = (ctx: Ctx) =>
  orderAction(
    ctx,
    (order, nowMs) => (tx) => {
      const method = field(ctx, "method");
      const paid = (at: number, saleId: string | null) =>
        markOrderPaid(tx, { newId: ctx.deps.newId, signer: ctx.deps.signer }, { orderId: order.id, method, nowMs: at, actor: eventActor(ctx), timeZone: venueTimeZone(ctx), saleId });
      if (!isBoxOfficeSaleMethod(method) || order.totalMinor === 0) return paid(nowMs, null);
      // Refused early, so that a paid order is never "settled" again (order_not_payable, nothing written).
      if (order.state !== "held" && order.state !== "pay_on_site") fail("order_not_payable", `this order is ${order.state}`, { state: order.state });
      return sellAtBoxOffice(tx, operationDeps(ctx), pagePosActor(ctx), { pointOfSale: field(ctx, "point_of_sale"), method, order: (saleId) => paid(nowMs, saleId) }).order;
    },
    "order.paid_notice",
  );
const cancelForm = (ctx: Ctx) => orderAction(ctx, (order, nowMs) => (tx) => cancelOrder(tx, { newId: ctx.deps.newId, signer: ctx.deps.signer }, { orderId: order.id, nowMs, actor: eventActor(ctx) }), "order.cancelled_notice");
/** A box-office order paid through a sale is refunded by voiding the sale (the books say so); the others as before. */
const refundForm = (ctx: Ctx) =>
  orderAction(
    ctx,
    (order, nowMs) => (tx) => {
      if (order.saleId !== null && order.channel === "box_office") {
        refundOrderByVoid(tx, operationDeps(ctx), pagePosActor(ctx), { orderId: order.id, reason: field(ctx, "reason") || ctx.t("order.refund_void_reason", { reference: order.reference }) });
        return findOrder(tx.sqlite, order.id)!;
      }
      return refundOrder(tx, { newId: ctx.deps.newId, signer: ctx.deps.signer }, { orderId: order.id, nowMs, actor: eventActor(ctx), method: field(ctx, "method") || undefined });
    },
    "order.refunded_notice",
  );

export const ticketingOrderRoutes: readonly Route[] = [
  { method: "POST", path: "/admin/ticketing/events/:id/products", access: STAFF, handle: addProductForm },
  { method: "POST", path: "/admin/ticketing/events/:id/orders", access: STAFF, handle: sellForm },
  { method: "GET", path: "/admin/ticketing/products/:id", access: STAFF, handle: (ctx) => productPage(ctx, requireProduct(ctx)) },
  { method: "POST", path: "/admin/ticketing/products/:id", access: STAFF, handle: editProductForm },
  { method: "POST", path: "/admin/ticketing/products/:id/prices", access: STAFF, handle: savePriceForm },
  { method: "GET", path: "/admin/ticketing/orders", access: STAFF, handle: ordersPage },
  {
    method: "GET",
    path: "/admin/ticketing/orders/:id",
    access: STAFF,
    handle: (ctx) => orderPage(ctx, requireOrder(ctx), { notice: ctx.url.searchParams.get("created") === "1" ? ctx.t("order.created_notice") : undefined }),
  },
  { method: "POST", path: "/admin/ticketing/orders/:id/pay", access: STAFF, handle: markPaidForm },
  { method: "POST", path: "/admin/ticketing/orders/:id/cancel", access: STAFF, handle: cancelForm },
  { method: "POST", path: "/admin/ticketing/orders/:id/refund", access: STAFF, handle: refundForm },
];
