/**
 * The point of sale's device API for tills: the catalogue, pricing a cart, sales, receipts and
 * reprints, voids (a manager's session), cash sessions and closures. Every POST that changes
 * something carries an Idempotency-Key and runs once (runOnce, shared with the wallet API): its
 * first answer, refusals included, is stored with its effect and replayed byte for byte. Prices
 * never come from the till: the server prices every cart from the catalogue (docs/pos.md).
 */
import { operationDeps } from "./context.ts";
import type { Answer } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { fail, isAppError } from "../kernel/index.ts";
import {
  addCashMovement,
  cartLines,
  cashFigures,
  closeCashSession,
  closePeriod,
  createSale,
  FRANCHISE_MENTION,
  isManager,
  listCategories,
  listItems,
  listPaymentMethods,
  listPointsOfSale,
  listVatRates,
  validMemberOfCard,
  openCashSession,
  openCashSessionOfTerminal,
  parseSaleLabel,
  priceCart,
  receiptOf,
  reprintReceipt,
  requireActivePointOfSale,
  saleLabel,
  tillMembershipOffers,
  tillTicketOffers,
  voidSale,
  type CashFigures,
  type ClosureView,
  type PosActor,
  type Receipt,
  type SaleResult,
  type VatLine,
} from "../pos/index.ts";
import type { Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { json } from "./respond.ts";
import type { Route } from "./router.ts";
import { runOnce, type Caller } from "./wallet-api.ts";

const TILL = { kind: "device", kinds: ["till"] } as const;

function body(ctx: Ctx): Record<string, unknown> {
  return (ctx.jsonBody ?? {}) as Record<string, unknown>;
}

/** The seller: the till, and the operator whose session it sends (X-Session-Token), when it sends one. */
function posActor(ctx: Ctx, caller: Caller): PosActor {
  return {
    scope: caller.scope,
    idempotencyKey: caller.idempotencyKey,
    role: caller.session?.role,
    operatorId: caller.session?.operatorId ?? null,
    operatorName: caller.session?.operatorName ?? ctx.terminal!.name,
    terminalId: ctx.terminal!.id,
  };
}

/** A refusal's body: its code and message, and the details a till acts on (missing, total, item). */
function posRefusal(error: unknown): Answer | undefined {
  if (!isAppError(error)) return undefined;
  const extra: Record<string, unknown> = {};
  for (const key of ["missing", "total", "item_id", "minimum", "stock"]) if (error.details?.[key] !== undefined) extra[key] = error.details[key];
  return { status: statusForCode(error.code), body: JSON.stringify({ code: error.code, message: error.message, ...extra }) };
}

const vatJson = (vat: readonly VatLine[] | Receipt["vat"]) => vat.map((line) => ({ rate_bp: line.rateBp, incl: line.incl, vat: line.vat, excl: line.excl }));

function saleBody(result: SaleResult): string {
  const label = saleLabel(result.number, result.training);
  const cards = result.payments.filter((payment) => payment.method === "nfc_card" && payment.balances !== null);
  return JSON.stringify({
    sale_number: result.number,
    label,
    training: result.training,
    business_day: result.businessDay,
    total: result.total,
    vat: vatJson(result.vat),
    vat_mention: result.vatMention,
    change: result.change,
    payments: result.payments.map((payment) => ({ method: payment.method, amount: payment.amount, tendered: payment.tendered, entry_seq: payment.entrySeq })),
    receipt_url: `/api/v1/sales/${label}/receipt`,
    fiscal_seq: result.fiscalSeq,
    member: result.memberId !== null,
    membership_until: result.membershipUntilMs,
    ...(cards.length > 0 ? { balances: cards.at(-1)!.balances } : {}),
    card_balances: cards.map((payment) => ({ card_uid: payment.cardUid, balances: payment.balances })),
    low_stock: result.lowStock.map((item) => ({ item_id: item.itemId, name: item.name, stock: item.stock })),
    print_jobs: result.printJobs,
    print_warnings: result.printWarnings,
    // Ticket lines (items tp_<ticket product id>): the sale's till order and its tickets (none in training).
    order_id: result.orderId,
    order_reference: result.orderReference,
    tickets: result.ticketIds,
  });
}

export function receiptJson(receipt: Receipt) {
  return {
    venue: { legal_name: receipt.venue.legalName, address: receipt.venue.address, siret: receipt.venue.siret, vat_number: receipt.venue.vatNumber },
    sale_number: receipt.number,
    label: receipt.label,
    training: receipt.training,
    at_ms: receipt.atMs,
    business_day: receipt.businessDay,
    point_of_sale: receipt.pointOfSale,
    operator: receipt.operatorName,
    lines: receipt.lines.map((line) => ({
      item_id: line.itemId,
      name: line.name,
      price_label: line.priceLabel,
      unit_amount: line.unitAmount,
      quantity: line.quantity,
      amount: line.amount,
      vat_rate_bp: line.vatRateBp,
      member_price: line.memberPrice,
    })),
    total: receipt.total,
    vat: vatJson(receipt.vat),
    vat_mention: receipt.vatMention,
    payments: receipt.payments.map((payment) => ({ method: payment.method, name: payment.methodName, amount: payment.amount, tendered: payment.tendered })),
    change: receipt.change,
    fiscal_seq: receipt.fiscalSeq,
    signature_extract: receipt.signatureExtract,
    duplicate: receipt.duplicate,
    voided: receipt.voided,
    qr_target: receipt.qrTarget,
  };
}

function catalogue(ctx: Ctx): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const code = ctx.url.searchParams.get("point_of_sale");
  const pos = code === null ? undefined : requireActivePointOfSale(sqlite, code);
  const venue = ctx.venue!;
  return json({
    point_of_sale: pos ?? null,
    points_of_sale: listPointsOfSale(sqlite).filter((candidate) => candidate.active),
    categories: listCategories(sqlite),
    items: listItems(sqlite, { pointOfSale: pos?.code, activeOnly: true }).map((item) => ({
      id: item.id,
      name: item.name,
      category_id: item.categoryId,
      vat_rate_bp: item.vatRateBp,
      print_group: item.printGroup,
      prices: item.prices.map((price) => ({ id: price.id, label: price.label, kind: price.kind, amount: price.amount, member_amount: price.memberAmount })),
      accepted_assets: item.acceptedAssets,
      payment_methods: item.paymentMethods,
      points_of_sale: item.pointsOfSale,
      stock: item.stock,
      low_stock: item.stock !== null && item.lowStockThreshold !== null && item.stock <= item.lowStockThreshold,
    })),
    vat_rates: listVatRates(sqlite).filter((rate) => rate.active).map((rate) => ({ rate_bp: rate.rateBp, label: rate.label })),
    payment_methods: listPaymentMethods(sqlite).filter((method) => method.active).map((method) => ({ code: method.code, name: method.name })),
    vat_status: venue.vatStatus,
    vat_mention: venue.vatStatus === "franchise" ? FRANCHISE_MENTION : null,
    // Ticket types on sale now, sold as items tp_<ticket product id> (docs/ticketing.md, "Tickets at the till").
    tickets: tillTicketOffers(sqlite, ctx.deps.clock.nowMs()).map((offer) => ({
      item_id: offer.itemId,
      event_id: offer.eventId,
      event_title: offer.eventTitle,
      starts_at_ms: offer.startsAtMs,
      product_name: offer.productName,
      prices: offer.prices.map((price) => ({ id: price.id, label: price.label, kind: price.kind, amount: price.amountMinor })),
      left: offer.left,
      sold_out: offer.soldOut,
    })),
    // Active membership products, sold as items mp_<membership product id> to a member whose card is tapped (src/pos/membership-items.ts).
    memberships: tillMembershipOffers(sqlite).map((offer) => ({
      item_id: offer.itemId,
      name: offer.name,
      duration: offer.duration,
      custom_days: offer.customDays,
      price: { id: offer.productId, kind: offer.freePrice ? "free" : "fixed", amount: offer.amountMinor },
    })),
  });
}

/** Prices a cart as the till builds it ("add item"): reads only, no key needed. */
function quote(ctx: Ctx): Response {
  const input = body(ctx);
  const sqlite = ctx.deps.writer.sqlite;
  const venue = findVenue(sqlite)!;
  const pos = requireActivePointOfSale(sqlite, input.point_of_sale);
  const member = validMemberOfCard(sqlite, input.member_card_uid, ctx.deps.clock.nowMs());
  const cart = priceCart(sqlite, { pointOfSale: pos.code, member, vatStatus: venue.vatStatus, nowMs: ctx.deps.clock.nowMs() }, cartLines(input.lines));
  return json({
    total: cart.total,
    member,
    lines: cart.lines.map((line) => ({
      item_id: line.item.id,
      name: line.item.name,
      price_id: line.price.id,
      price_label: line.price.label,
      unit_amount: line.unitAmount,
      quantity: line.quantity,
      amount: line.amount,
      member_price: line.memberPrice,
    })),
    vat: vatJson(cart.vat),
    vat_mention: cart.vatMention,
  });
}

function sale(ctx: Ctx): Promise<Response> {
  const input = body(ctx);
  return runOnce(
    ctx,
    (tx, caller) => {
      const result = createSale(tx, operationDeps(ctx), posActor(ctx, caller), {
        pointOfSale: input.point_of_sale,
        lines: input.lines,
        payments: input.payments,
        training: input.training,
        expectedTotal: input.expected_total,
        memberCardUid: input.member_card_uid,
      });
      return { status: 201, body: saleBody(result) };
    },
    posRefusal,
  );
}

function receipt(ctx: Ctx): Response {
  return json(receiptJson(receiptOf(ctx.deps.writer.sqlite, parseSaleLabel(ctx.params.number ?? ""))));
}

function reprint(ctx: Ctx): Promise<Response> {
  const ref = parseSaleLabel(ctx.params.number ?? "");
  return runOnce(ctx, (tx, caller) => ({ status: 200, body: JSON.stringify(receiptJson(reprintReceipt(tx, ctx.deps.signer, posActor(ctx, caller), ref))) }), posRefusal);
}

function voidRoute(ctx: Ctx): Promise<Response> {
  const ref = parseSaleLabel(ctx.params.number ?? "");
  if (ref.training) fail("not_voidable", "a training sale is not voided: it never counted");
  return runOnce(
    ctx,
    (tx, caller) => {
      const result = voidSale(tx, operationDeps(ctx), posActor(ctx, caller), { number: ref.number, reason: body(ctx).reason });
      return { status: 201, body: JSON.stringify({ sale_number: result.number, voided_total: result.total, fiscal_seq: result.fiscalSeq, void_entries: result.voidEntries }) };
    },
    posRefusal,
  );
}

function figuresJson(figures: CashFigures) {
  return {
    float: figures.float,
    cash_sales: figures.cashSales,
    change_given: figures.changeGiven,
    cash_voids: figures.cashVoids,
    topups: figures.topups,
    refunds: figures.refunds,
    movements: figures.movements,
    expected: figures.expected,
  };
}

function openSession(ctx: Ctx): Promise<Response> {
  const input = body(ctx);
  return runOnce(
    ctx,
    (tx, caller) => {
      const session = openCashSession(tx, operationDeps(ctx), posActor(ctx, caller), { pointOfSale: input.point_of_sale, float: input.float });
      return { status: 201, body: JSON.stringify({ id: session.id, point_of_sale: session.pointOfSale, float: session.floatAmount, opened_at_ms: session.openedAtMs }) };
    },
    posRefusal,
  );
}

function currentSession(ctx: Ctx): Response {
  const session = openCashSessionOfTerminal(ctx.deps.writer.sqlite, ctx.terminal!.id);
  if (!session) return json({ session: null });
  return json({
    session: { id: session.id, point_of_sale: session.pointOfSale, opened_by: session.openedByName, opened_at_ms: session.openedAtMs, float: session.floatAmount },
    figures: figuresJson(cashFigures(ctx.deps.writer.sqlite, session)),
  });
}

function movement(ctx: Ctx): Promise<Response> {
  const input = body(ctx);
  return runOnce(
    ctx,
    (tx, caller) => {
      const result = addCashMovement(tx, operationDeps(ctx), posActor(ctx, caller), { sessionId: ctx.params.id, amount: input.amount, reason: input.reason });
      return { status: 201, body: JSON.stringify({ id: result.id, figures: figuresJson(result.figures) }) };
    },
    posRefusal,
  );
}

function closeSession(ctx: Ctx): Promise<Response> {
  const input = body(ctx);
  return runOnce(
    ctx,
    (tx, caller) => {
      const closing = closeCashSession(tx, operationDeps(ctx), posActor(ctx, caller), { sessionId: ctx.params.id, counted: input.counted });
      return { status: 200, body: JSON.stringify({ id: closing.session.id, expected: closing.figures.expected, counted: closing.counted, difference: closing.difference, figures: figuresJson(closing.figures) }) };
    },
    posRefusal,
  );
}

export function closureJson(closure: ClosureView) {
  return {
    kind: closure.kind,
    period: closure.period,
    point_of_sale: closure.pointOfSale,
    fiscal_seq: closure.fiscalSeq,
    at_ms: closure.atMs,
    totals: closure.totals,
    grand_total: closure.grandTotal,
    ledger_head: closure.ledgerHead,
    signature_extract: closure.signatureExtract,
    created: closure.created,
  };
}

function closure(ctx: Ctx): Promise<Response> {
  const input = body(ctx);
  return runOnce(
    ctx,
    (tx, caller) => {
      const actor = posActor(ctx, caller);
      if (!isManager(actor)) fail("manager_required", "a closure is made by a manager");
      const view = closePeriod(tx, operationDeps(ctx), actor, { period: input.period, pointOfSale: input.point_of_sale });
      return { status: view.created ? 201 : 200, body: JSON.stringify(closureJson(view)) };
    },
    posRefusal,
  );
}

export const posRoutes: readonly Route[] = [
  { method: "GET", path: "/api/v1/catalogue", access: TILL, handle: catalogue },
  { method: "POST", path: "/api/v1/sales/quote", access: TILL, handle: quote },
  { method: "POST", path: "/api/v1/sales", access: TILL, handle: sale },
  { method: "GET", path: "/api/v1/sales/:number/receipt", access: TILL, handle: receipt },
  { method: "POST", path: "/api/v1/sales/:number/reprint", access: TILL, handle: reprint },
  { method: "POST", path: "/api/v1/sales/:number/void", access: TILL, handle: voidRoute },
  { method: "GET", path: "/api/v1/cash-sessions/current", access: TILL, handle: currentSession },
  { method: "POST", path: "/api/v1/cash-sessions", access: TILL, handle: openSession },
  { method: "POST", path: "/api/v1/cash-sessions/:id/movements", access: TILL, handle: movement },
  { method: "POST", path: "/api/v1/cash-sessions/:id/close", access: TILL, handle: closeSession },
  { method: "POST", path: "/api/v1/closures", access: TILL, handle: closure },
];
