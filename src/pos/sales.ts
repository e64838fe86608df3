/**
 * Sales and their voids. A sale is one command in one writer transaction: the server prices the
 * cart from the catalogue, checks that the payments settle it exactly (cash alone may exceed, and
 * gives change), pays each card part through the wallet (one ledger entry per card), takes the
 * stock, numbers the sale (gapless per venue), appends its fiscal record and queues its order
 * tickets. Any refusal, a card short of money included, refuses the whole sale and writes nothing;
 * at the HTTP layer only the stored refusal remains.
 *
 * Training sales are recorded apart (flag, numbered on their own): no ledger entry (a card payment
 * is only simulated), no stock, no fiscal record, no order ticket, and no total, closure or grand
 * total counts them.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, isAppError, limits, type Canonical } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { balanceOf, walletAccount } from "../ledger/index.ts";
import { grantMembership, memberByWallet, membershipOf, renewalWindow } from "../membership/index.ts";
import { orderTickets, refundSaleOrder, type Order } from "../ticketing/index.ts";
import {
  acceptedAt,
  AMOUNT_MAX_MINOR,
  cardByUid,
  listAssetsSql,
  normalizeCardUid,
  pay,
  requireUsableCard,
  voidEntry,
  walletBalances,
  type Actor,
  type OperationDeps,
} from "../wallet/index.ts";
import { enqueueForGroup } from "./print-queue.ts";
import { businessDayOf } from "./business-day.ts";
import { isPaymentMethodCode, listPaymentMethods, readPosSettings, requireActivePointOfSale, type PaymentMethodCode } from "./catalogue.ts";
import { appendFiscalRecord, fiscalTime } from "./fiscal.ts";
import { cartLines, priceCart, SALE_LIMITS, type PricedCart, type PricedLine } from "./pricing.ts";
import { issueSaleTickets } from "./ticket-items.ts";
import { orderTicketDocument } from "./tickets.ts";
import { isTrainingTerminal } from "./training.ts";
import { orderCart, settledOrder } from "./order-cart.ts";
import type { VatLine } from "./vat.ts";

/** Who sells: the wallet's actor (scope, key, role) and, when known, the operator and the terminal. */
export interface PosActor extends Actor {
  readonly operatorId?: string | null | undefined;
  readonly operatorName?: string | undefined;
  readonly terminalId?: string | null | undefined;
}

export interface SalePaymentInput {
  readonly method: unknown;
  readonly amount: unknown;
  readonly cardUid?: unknown;
}

export interface SaleInput {
  readonly pointOfSale: unknown;
  readonly lines: unknown;
  readonly payments: unknown;
  readonly training?: unknown;
  /** The total the till showed; a different server total refuses the sale with price_changed. */
  readonly expectedTotal?: unknown;
  /** A card that identifies a member paying otherwise (cash...); by default the first paying card. */
  readonly memberCardUid?: unknown;
}

interface Payment {
  readonly method: PaymentMethodCode;
  readonly tendered: number;
  readonly cardUid: string | null;
}

export interface SalePayment {
  readonly method: PaymentMethodCode;
  /** What it settles of the total. */
  readonly amount: number;
  /** What was handed over (cash) or paid (the others). */
  readonly tendered: number;
  readonly cardId: string | null;
  readonly cardUid: string | null;
  readonly entrySeq: number | null;
  /** The card's balances after the payment (simulated in training). */
  readonly balances: Readonly<Record<string, number>> | null;
}

export interface SaleResult {
  readonly saleId: string;
  readonly number: number;
  readonly training: boolean;
  readonly atMs: number;
  readonly businessDay: string;
  readonly pointOfSale: string;
  readonly total: number;
  readonly vat: readonly VatLine[];
  readonly vatMention: string | null;
  readonly change: number;
  readonly payments: readonly SalePayment[];
  readonly fiscalSeq: number | null;
  readonly memberId: string | null;
  /** The end of the customer's membership after a membership item was sold, else null. */
  readonly membershipUntilMs: number | null;
  readonly lowStock: ReadonlyArray<{ readonly itemId: string; readonly name: string; readonly stock: number }>;
  readonly printJobs: readonly number[];
  /** Order tickets that could not be queued (a full queue): the sale never waits for a printer. */
  readonly printWarnings: readonly string[];
  /** The till order of the sale's ticket lines (ticket-items.ts), else null (and always null in training). */
  readonly orderId: string | null;
  readonly orderReference: string | null;
  /** The tickets issued by the sale, in order. */
  readonly ticketIds: readonly string[];
}

export function isManager(actor: Actor): boolean {
  return actor.role === "manager" || actor.role === "admin";
}

/** The ledger key of one part of a command: the device's key and a suffix no device can send ('#' is outside its pattern). */
function partKey(key: string, part: string): string {
  return key ? `${key}#${part}` : "";
}

function parsePayments(sqlite: Sqlite, value: unknown): Payment[] {
  if (!Array.isArray(value) || value.length === 0) fail("payments_required", "a sale has one payment at least");
  if (value.length > SALE_LIMITS.payments) fail("payments_invalid", `a sale has at most ${SALE_LIMITS.payments} payments`);
  const active = new Set(listPaymentMethods(sqlite).filter((method) => method.active).map((method) => method.code));
  return value.map((entry: unknown) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) fail("payments_invalid", "each payment is an object");
    const raw = entry as Record<string, unknown>;
    if (!isPaymentMethodCode(raw.method)) fail("payment_method_unknown", "method is nfc_card, cash, card_terminal, cheque or offered");
    if (!active.has(raw.method)) fail("payment_method_inactive", `${raw.method} is turned off at this venue`);
    const amount = raw.amount;
    if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 1 || amount > AMOUNT_MAX_MINOR) {
      fail("amount_invalid", `a payment is a whole number of cents from 1 to ${AMOUNT_MAX_MINOR}`);
    }
    let cardUid: string | null = null;
    if (raw.method === "nfc_card") {
      const uid = raw.cardUid ?? raw.card_uid;
      if (typeof uid !== "string") fail("card_uid_invalid", "a card payment names its card_uid");
      cardUid = normalizeCardUid(uid);
    }
    return { method: raw.method, tendered: amount, cardUid };
  });
}

/**
 * Payments settle the total exactly, except cash, which may exceed it: the difference is the
 * change, given back in cash. So the other methods together never exceed the total, and the
 * change comes out of the cash payments, the last one first.
 */
export function settle(total: number, payments: readonly Payment[]): { change: number; applied: number[] } {
  const sum = payments.reduce((acc, payment) => acc + payment.tendered, 0);
  const cash = payments.filter((payment) => payment.method === "cash").reduce((acc, payment) => acc + payment.tendered, 0);
  if (sum - cash > total) fail("payment_mismatch", `payments other than cash exceed the total ${total}; only cash gives change`, { total });
  if (sum < total) fail("payment_mismatch", `payments sum to ${sum}, the total is ${total}`, { total, missing: total - sum });
  let change = sum - total;
  const applied = payments.map((payment) => payment.tendered);
  for (let index = payments.length - 1; index >= 0 && change > 0; index--) {
    if (payments[index]!.method !== "cash") continue;
    const taken = Math.min(change, applied[index]!);
    applied[index]! -= taken;
    change -= taken;
  }
  return { change: sum - total, applied };
}

/** Assets a card may draw for this cart: those every restricting item accepts; undefined: any. */
function acceptedAssetsOf(cart: PricedCart): string[] | undefined {
  let accepted: string[] | undefined;
  for (const line of cart.lines) {
    if (line.item.acceptedAssets.length === 0) continue;
    accepted = accepted === undefined ? [...line.item.acceptedAssets] : accepted.filter((code) => line.item.acceptedAssets.includes(code));
  }
  return accepted;
}

function checkMethodsAccepted(cart: PricedCart, payments: readonly Payment[], actor: Actor, cardAssets: string[] | undefined): void {
  for (const payment of payments) {
    const refusing = cart.lines.find((line) => line.item.paymentMethods.length > 0 && !line.item.paymentMethods.includes(payment.method));
    if (refusing) fail("payment_method_not_accepted", `${refusing.item.name} cannot be paid by ${payment.method}`, { item_id: refusing.item.id });
    if (payment.method === "offered" && !isManager(actor)) fail("manager_required", "only a manager may offer a sale");
    if (payment.method === "nfc_card" && cardAssets !== undefined && cardAssets.length === 0) {
      fail("payment_method_not_accepted", "no card money is accepted by every item of this sale");
    }
  }
}

/** The member whose wallet a card belongs to, or null (an unknown, lost or blocked card is nobody's). */
export function memberOfCard(sqlite: Sqlite, uid: unknown): string | null {
  if (uid === undefined || uid === null) return null;
  if (typeof uid !== "string") fail("card_uid_invalid", "member_card_uid is a card UID");
  const card = cardByUid(sqlite, normalizeCardUid(uid));
  if (!card || card.state === "lost" || card.state === "blocked") return null;
  return memberByWallet(sqlite, card.walletId)?.id ?? null;
}

/** Whether a card belongs to a member whose membership is valid at nowMs (member prices apply). */
export function validMemberOfCard(sqlite: Sqlite, uid: unknown, nowMs: number): boolean {
  const memberId = memberOfCard(sqlite, uid);
  return memberId !== null && membershipOf(sqlite, memberId, nowMs).valid;
}

/**
 * The customer: the member whose wallet the identifying card (member_card_uid, or else the first
 * card that pays) belongs to. Member prices apply only while their membership is valid.
 */
function memberOf(sqlite: Sqlite, input: SaleInput, payments: readonly Payment[]): string | null {
  const uid = input.memberCardUid ?? payments.find((payment) => payment.method === "nfc_card")?.cardUid ?? null;
  return memberOfCard(sqlite, uid);
}

/** A training card payment: the same checks as a real one, and no entry. */
function simulateCardPayment(sqlite: Sqlite, uid: string, amount: number, pointOfSale: string, assets: string[] | undefined): SalePayment {
  const card = requireUsableCard(sqlite, uid);
  const account = walletAccount(card.walletId);
  const balances = walletBalances(sqlite, card.walletId);
  let left = amount;
  for (const asset of listAssetsSql(sqlite)) {
    if (left === 0) break;
    if (!asset.active || !acceptedAt(asset, pointOfSale) || asset.scale !== 2 || (assets !== undefined && !assets.includes(asset.code))) continue;
    const drawn = Math.min(left, balanceOf(sqlite, account, asset.code));
    if (drawn <= 0) continue;
    balances[asset.code] = (balances[asset.code] ?? 0) - drawn;
    left -= drawn;
  }
  if (left > 0) fail("insufficient_funds", `the card lacks ${left}`, { missing: left });
  return { method: "nfc_card", amount, tendered: amount, cardId: card.id, cardUid: uid, entrySeq: null, balances };
}

function takeStock(tx: Tx, lines: readonly PricedLine[]): SaleResult["lowStock"] {
  const quantities = new Map<string, { line: PricedLine; quantity: number }>();
  for (const line of lines) {
    if (line.item.stock === null) continue;
    const known = quantities.get(line.item.id);
    quantities.set(line.item.id, { line, quantity: (known?.quantity ?? 0) + line.quantity });
  }
  const low: Array<{ itemId: string; name: string; stock: number }> = [];
  const take = tx.sqlite.query<{ stock: number }, [number, string]>("UPDATE items SET stock = stock - ? WHERE id = ? AND stock IS NOT NULL RETURNING stock");
  for (const { line, quantity } of quantities.values()) {
    const stock = take.get(quantity, line.item.id)?.stock;
    if (stock === undefined) continue;
    if (stock < 0) fail("out_of_stock", `${line.item.name}: ${stock + quantity} left`, { item_id: line.item.id, stock: stock + quantity });
    if (line.item.lowStockThreshold !== null && stock <= line.item.lowStockThreshold) low.push({ itemId: line.item.id, name: line.item.name, stock });
  }
  return low;
}

function openCashSessionOf(sqlite: Sqlite, terminalId: string | null | undefined): string | null {
  if (!terminalId) return null;
  return sqlite.query<{ id: string }, [string]>("SELECT id FROM cash_sessions WHERE terminal_id = ? AND closed_at_ms IS NULL").get(terminalId)?.id ?? null;
}

function nextSaleNumber(sqlite: Sqlite, training: boolean): number {
  return sqlite.query<{ n: number }, [number]>("SELECT coalesce(max(number), 0) + 1 AS n FROM sales WHERE training = ?").get(training ? 1 : 0)!.n;
}

export function vatCanonical(vat: readonly VatLine[]): Canonical[] {
  return vat.map((line) => ({ rate_bp: line.rateBp, incl: line.incl, vat: line.vat, excl: line.excl }));
}

/** What a sale is made of once priced and paid, before it is numbered and written. */
interface SettledSale {
  readonly saleId: string;
  readonly number: number;
  readonly training: boolean;
  readonly pointOfSale: string;
  readonly atMs: number;
  readonly businessDay: string;
  readonly cart: PricedCart;
  readonly paid: readonly SalePayment[];
  readonly change: number;
  readonly memberId: string | null;
}

function salePayload(sale: SettledSale, actor: PosActor): { [key: string]: Canonical } {
  return {
    sale_id: sale.saleId,
    number: sale.number,
    point_of_sale: sale.pointOfSale,
    business_day: sale.businessDay,
    operator_id: actor.operatorId ?? null,
    operator_name: actor.operatorName ?? "",
    terminal_id: actor.terminalId ?? null,
    member: sale.memberId !== null,
    lines: sale.cart.lines.map((line) => ({
      item_id: line.item.id,
      name: line.item.name,
      price_label: line.price.label,
      unit_amount: line.unitAmount,
      quantity: line.quantity,
      amount: line.amount,
      vat_rate_bp: line.item.vatRateBp,
      member_price: line.memberPrice,
    })),
    total: sale.cart.total,
    vat: vatCanonical(sale.cart.vat),
    vat_mention: sale.cart.vatMention,
    payments: sale.paid.map((payment) => ({ method: payment.method, amount: payment.amount, tendered: payment.tendered, card_id: payment.cardId, entry_seq: payment.entrySeq })),
    change: sale.change,
  };
}

function insertSaleRows(tx: Tx, sale: SettledSale, actor: PosActor, fiscalSeq: number | null): void {
  tx.sqlite
    .query(
      `INSERT INTO sales (id, number, training, point_of_sale, terminal_id, operator_id, operator_name, at_ms, business_day, total, change, member_id,
       cash_session_id, fiscal_seq, scope, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(sale.saleId, sale.number, sale.training ? 1 : 0, sale.pointOfSale, actor.terminalId ?? null, actor.operatorId ?? null, actor.operatorName ?? "", sale.atMs,
      sale.businessDay, sale.cart.total, sale.change, sale.memberId, openCashSessionOf(tx.sqlite, actor.terminalId), fiscalSeq, actor.scope, actor.idempotencyKey);
  const insertLine = tx.sqlite.query(
    `INSERT INTO sale_lines (sale_id, idx, item_id, name, price_id, price_label, unit_amount, quantity, amount, vat_rate_bp, print_group, member_price)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  sale.cart.lines.forEach((line, idx) =>
    insertLine.run(sale.saleId, idx, line.item.id, line.item.name, line.price.id, line.price.label, line.unitAmount, line.quantity, line.amount, line.item.vatRateBp, line.item.printGroup, line.memberPrice ? 1 : 0),
  );
  const insertPayment = tx.sqlite.query("INSERT INTO sale_payments (sale_id, idx, method, amount, tendered, card_id, entry_seq) VALUES (?, ?, ?, ?, ?, ?, ?)");
  sale.paid.forEach((payment, idx) => insertPayment.run(sale.saleId, idx, payment.method, payment.amount, payment.tendered, payment.cardId, payment.entrySeq));
}

/** Pays each part: cards through the wallet (simulated in training), the other methods recorded as given. */
function collect(tx: Tx, deps: OperationDeps, actor: PosActor, payments: readonly Payment[], applied: readonly number[], context: { pointOfSale: string; training: boolean; assets: string[] | undefined }): SalePayment[] {
  return payments.map((payment, index): SalePayment => {
    const amount = applied[index]!;
    if (payment.method !== "nfc_card") return { method: payment.method, amount, tendered: payment.tendered, cardId: null, cardUid: null, entrySeq: null, balances: null };
    if (context.training) return simulateCardPayment(tx.sqlite, payment.cardUid!, amount, context.pointOfSale, context.assets);
    const result = pay(tx, deps, { ...actor, idempotencyKey: partKey(actor.idempotencyKey, `p${index}`) }, { cardUid: payment.cardUid, amount, pointOfSale: context.pointOfSale, assets: context.assets });
    const card = cardByUid(tx.sqlite, payment.cardUid!)!;
    return { method: "nfc_card", amount, tendered: payment.tendered, cardId: card.id, cardUid: payment.cardUid, entrySeq: result.entrySeq, balances: result.balances };
  });
}

/**
 * What only the server may add to a sale (the till's API passes a SaleInput and never these).
 * `order`: the sale settles an order of the ticketing room instead of pricing a cart: the
 * function makes the order paid in the sale's transaction, linked to the sale's id (a box-office
 * order created paid, or a pay-on-site order marked paid: order-sales.ts), and answers it; the
 * sale's lines are then the order's own lines at the order's own amounts (never re-priced from
 * the catalogue, never from a client), and `input.lines` must be absent.
 */
export interface SaleOptions {
  readonly order?: SaleOrder | undefined;
}

export interface SaleOrder {
  /** Makes the order paid in the sale's transaction, linked to saleId, and answers it. */
  readonly make: (saleId: string, atMs: number) => Order;
  /** How the whole order is paid: one payment of the order's total (the box office gives no change). */
  readonly method: "cash" | "card_terminal";
}

export function createSale(tx: Tx, deps: OperationDeps, actor: PosActor, input: SaleInput, options: SaleOptions = {}): SaleResult {
  const venue = findVenue(tx.sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  if (input.training !== undefined && typeof input.training !== "boolean") fail("training_invalid", "training is true or false");
  // A terminal in training makes only training sales, whatever the till sends (training.ts).
  const training = input.training === true || isTrainingTerminal(tx.sqlite, actor.terminalId);
  const pos = requireActivePointOfSale(tx.sqlite, input.pointOfSale);
  const saleId = deps.newId();
  const nowMs = fiscalTime(tx);
  // A settled order: paid and linked first (its refusals refuse the sale), then its lines are the cart.
  const settled = options.order === undefined ? undefined : settledOrder(tx, options.order.make, { saleId, atMs: nowMs, training, lines: input.lines, payments: input.payments });
  const payments = parsePayments(tx.sqlite, settled !== undefined ? [{ method: options.order!.method, amount: settled.totalMinor }] : input.payments);
  const memberId = settled !== undefined ? settled.memberId : memberOf(tx.sqlite, input, payments);
  const validMember = memberId !== null && membershipOf(tx.sqlite, memberId, nowMs).valid;
  const cart = settled !== undefined ? orderCart(tx.sqlite, settled, venue.vatStatus) : priceCart(tx.sqlite, { pointOfSale: pos.code, member: validMember, vatStatus: venue.vatStatus, nowMs }, cartLines(input.lines));
  if (memberId === null && cart.lines.some((line) => line.item.membershipDays !== null || line.membership !== undefined)) {
    fail("member_required", "a membership is sold to a member: tap the member's card");
  }
  if (input.expectedTotal !== undefined && input.expectedTotal !== null && input.expectedTotal !== cart.total) {
    fail("price_changed", `the total is now ${cart.total}`, { total: cart.total });
  }
  const cardAssets = acceptedAssetsOf(cart);
  checkMethodsAccepted(cart, payments, actor, cardAssets);
  const { change, applied } = settle(cart.total, payments);
  const lowStock = training ? [] : takeStock(tx, cart.lines);
  const paid = collect(tx, deps, actor, payments, applied, { pointOfSale: pos.code, training, assets: cardAssets });
  const atMs = fiscalTime(tx);
  const sale: SettledSale = {
    saleId,
    number: nextSaleNumber(tx.sqlite, training),
    training,
    pointOfSale: pos.code,
    atMs,
    businessDay: businessDayOf(atMs, venue.timezone, readPosSettings(tx.sqlite).businessDayEndMinute),
    cart,
    paid,
    change,
    memberId,
  };
  const fiscalSeq = training ? null : appendFiscalRecord(tx, deps.signer, { kind: "sale", atMs, grandTotalDelta: cart.total, payload: salePayload(sale, actor) }).seq;
  insertSaleRows(tx, sale, actor, fiscalSeq);
  // Ticket lines become the sale's till order here: a ticketing refusal (sold out...) refuses the whole sale.
  const tickets = issueSaleTickets(tx, deps, {
    saleId: sale.saleId,
    lines: cart.lines,
    payments: paid,
    memberId,
    training,
    operatorName: actor.operatorName ?? "",
    terminalId: actor.terminalId ?? null,
    actor: actor.operatorId ? `operator:${actor.operatorId}` : actor.scope,
    nowMs: atMs,
    timeZone: venue.timezone,
  });
  const soldMembership = cart.lines.some((line) => line.membership !== undefined);
  const membershipUntilMs = training || memberId === null ? null : (grantSoldMemberships(tx, deps, memberId, sale) ?? (soldMembership ? membershipOf(tx.sqlite, memberId, atMs).until : null));
  const ticket = { number: sale.number, pointOfSaleName: pos.name, operatorName: actor.operatorName ?? "", atMs, timezone: venue.timezone };
  const printing = training ? { jobs: [], warnings: [] } : queueOrderTickets(tx, ticket, cart.lines);
  return {
    saleId: sale.saleId,
    number: sale.number,
    training,
    atMs,
    businessDay: sale.businessDay,
    pointOfSale: pos.code,
    total: cart.total,
    vat: cart.vat,
    vatMention: cart.vatMention,
    change,
    payments: paid,
    fiscalSeq,
    memberId,
    membershipUntilMs,
    lowStock,
    printJobs: printing.jobs,
    printWarnings: printing.warnings,
    orderId: settled?.id ?? tickets.orderId,
    orderReference: settled?.reference ?? tickets.orderReference,
    ticketIds: settled !== undefined ? orderTickets(tx.sqlite, settled.id).map((one) => one.id) : tickets.ticketIds,
  };
}

/**
 * Grants the memberships a sale sold, in its transaction: each unit of a membership item adds its
 * days, from now or from the end of the membership still running. Returns the new end, or null
 * when the sale sold none.
 */
function grantSoldMemberships(tx: Tx, deps: OperationDeps, memberId: string, sale: SettledSale): number | null {
  let untilMs: number | null = null;
  for (const line of sale.cart.lines) {
    const days = line.item.membershipDays;
    if (days === null) continue;
    for (let unit = 0; unit < line.quantity; unit++) {
      const window = renewalWindow(tx.sqlite, memberId, sale.atMs, days);
      untilMs = grantMembership(tx, deps.newId, { memberId, label: line.item.name, ...window, saleNumber: sale.number }).validUntilMs;
    }
  }
  return untilMs;
}

/**
 * One order ticket per print group, to every printer of the group, through the queue. A full
 * queue does not refuse the sale (the sale never waits for a printer): the till is told instead.
 */
function queueOrderTickets(
  tx: Tx,
  sale: { number: number; pointOfSaleName: string; operatorName: string; atMs: number; timezone: string },
  lines: readonly PricedLine[],
): { jobs: number[]; warnings: string[] } {
  const groups = new Map<string, PricedLine[]>();
  for (const line of lines) if (line.item.printGroup) groups.set(line.item.printGroup, [...(groups.get(line.item.printGroup) ?? []), line]);
  const jobs: number[] = [];
  const warnings: string[] = [];
  for (const [group, grouped] of groups) {
    const document = orderTicketDocument({ ...sale, group, lines: grouped.map((line) => ({ name: line.item.name, priceLabel: line.price.label, quantity: line.quantity })) });
    try {
      for (const job of enqueueForGroup(tx, group, { kind: "order", document })) jobs.push(job.id);
    } catch (error) {
      if (!isAppError(error)) throw error;
      warnings.push(`${group}: ${error.code}`);
    }
  }
  return { jobs, warnings };
}

// Reading sales.

export interface SaleRow {
  readonly id: string;
  readonly number: number;
  readonly training: boolean;
  readonly pointOfSale: string;
  readonly terminalId: string | null;
  readonly operatorId: string | null;
  readonly operatorName: string;
  readonly atMs: number;
  readonly businessDay: string;
  readonly total: number;
  readonly change: number;
  readonly memberId: string | null;
  readonly cashSessionId: string | null;
  readonly fiscalSeq: number | null;
  readonly voided: boolean;
}

const SALE_COLUMNS = `s.id, s.number, s.training, s.point_of_sale AS pointOfSale, s.terminal_id AS terminalId, s.operator_id AS operatorId,
  s.operator_name AS operatorName, s.at_ms AS atMs, s.business_day AS businessDay, s.total, s.change, s.member_id AS memberId,
  s.cash_session_id AS cashSessionId, s.fiscal_seq AS fiscalSeq, v.sale_id IS NOT NULL AS voided`;

export function findSale(sqlite: Sqlite, number: number, training = false): SaleRow | undefined {
  const row = sqlite
    .query<Omit<SaleRow, "training" | "voided"> & { training: number; voided: number }, [number, number]>(
      `SELECT ${SALE_COLUMNS} FROM sales s LEFT JOIN sale_voids v ON v.sale_id = s.id WHERE s.training = ? AND s.number = ?`,
    )
    .get(training ? 1 : 0, number);
  return row ? { ...row, training: Boolean(row.training), voided: Boolean(row.voided) } : undefined;
}

export function requireSale(sqlite: Sqlite, number: unknown, training = false): SaleRow {
  const sale = typeof number === "number" && Number.isSafeInteger(number) && number > 0 ? findSale(sqlite, number, training) : undefined;
  if (!sale) fail("sale_unknown", "no such sale");
  return sale;
}

export interface SaleLineRow {
  readonly itemId: string;
  readonly name: string;
  readonly priceLabel: string;
  readonly unitAmount: number;
  readonly quantity: number;
  readonly amount: number;
  readonly vatRateBp: number;
  readonly printGroup: string;
  readonly memberPrice: boolean;
}

export function saleLines(sqlite: Sqlite, saleId: string): SaleLineRow[] {
  return sqlite
    .query<Omit<SaleLineRow, "memberPrice"> & { memberPrice: number }, [string]>(
      `SELECT item_id AS itemId, name, price_label AS priceLabel, unit_amount AS unitAmount, quantity, amount, vat_rate_bp AS vatRateBp,
              print_group AS printGroup, member_price AS memberPrice FROM sale_lines WHERE sale_id = ? ORDER BY idx`,
    )
    .all(saleId)
    .map((row) => ({ ...row, memberPrice: Boolean(row.memberPrice) }));
}

export interface SalePaymentRow {
  readonly method: PaymentMethodCode;
  readonly amount: number;
  readonly tendered: number;
  readonly cardId: string | null;
  readonly entrySeq: number | null;
}

export function salePayments(sqlite: Sqlite, saleId: string): SalePaymentRow[] {
  return sqlite
    .query<SalePaymentRow, [string]>("SELECT method, amount, tendered, card_id AS cardId, entry_seq AS entrySeq FROM sale_payments WHERE sale_id = ? ORDER BY idx")
    .all(saleId);
}

// Voids.

export interface VoidInput {
  readonly number: unknown;
  readonly reason?: unknown;
}

export interface VoidResult {
  readonly saleId: string;
  readonly number: number;
  readonly total: number;
  readonly fiscalSeq: number;
  readonly voidEntries: readonly number[];
  /** The till orders refunded by the void (their tickets revoked). */
  readonly refundedOrders: readonly string[];
}

/**
 * Voids a sale, managers only: a compensating fiscal record (the sale's figures negated), the
 * wallet's void of each card payment (money back on the card), the stock back, the sale's ticket
 * order refunded without moving money again and its tickets revoked, and a `sale.voided` record
 * in the event log. Once.
 */
export function voidSale(tx: Tx, deps: OperationDeps, actor: PosActor, input: VoidInput): VoidResult {
  if (!isManager(actor)) fail("manager_required", "only a manager may void a sale");
  const venue = findVenue(tx.sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  const sale = requireSale(tx.sqlite, input.number);
  if (sale.voided) fail("already_voided", `sale ${sale.number} is already voided`);
  const reason = typeof input.reason === "string" ? input.reason.trim() : "";
  if (reason.length > limits.textFieldChars) fail("reason_too_long", `at most ${limits.textFieldChars} characters`);
  const payments = salePayments(tx.sqlite, sale.id);
  const lines = saleLines(tx.sqlite, sale.id);
  const voidEntries: number[] = [];
  const voidedPayments = payments.map((payment, index) => {
    let entrySeq: number | null = null;
    if (payment.entrySeq !== null) {
      entrySeq = voidEntry(tx, deps, { ...actor, idempotencyKey: partKey(actor.idempotencyKey, `v${index}`) }, payment.entrySeq).seq;
      voidEntries.push(entrySeq);
    }
    return { method: payment.method, amount: -payment.amount, tendered: -payment.tendered, card_id: payment.cardId, entry_seq: entrySeq };
  });
  const giveBack = tx.sqlite.query("UPDATE items SET stock = stock + ? WHERE id = ? AND stock IS NOT NULL");
  for (const line of lines) giveBack.run(line.quantity, line.itemId);
  const original = tx.sqlite.query<{ payload: string }, [number]>("SELECT payload FROM fiscal_records WHERE seq = ?").get(sale.fiscalSeq!);
  const originalVat = original ? ((JSON.parse(original.payload) as { vat: Array<{ rate_bp: number; incl: number; vat: number; excl: number }> }).vat ?? []) : [];
  const atMs = fiscalTime(tx);
  const businessDay = businessDayOf(atMs, venue.timezone, readPosSettings(tx.sqlite).businessDayEndMinute);
  const record = appendFiscalRecord(tx, deps.signer, {
    kind: "sale_void",
    atMs,
    grandTotalDelta: -sale.total,
    payload: {
      sale_id: sale.id,
      number: sale.number,
      voids_seq: sale.fiscalSeq,
      point_of_sale: sale.pointOfSale,
      business_day: businessDay,
      operator_id: actor.operatorId ?? null,
      operator_name: actor.operatorName ?? "",
      reason,
      lines: lines.map((line) => ({ item_id: line.itemId, name: line.name, quantity: -line.quantity, amount: -line.amount, vat_rate_bp: line.vatRateBp })),
      total: -sale.total,
      vat: originalVat.map((line) => ({ rate_bp: line.rate_bp, incl: -line.incl, vat: -line.vat, excl: -line.excl })),
      payments: voidedPayments,
      change: -sale.change,
    },
  });
  tx.sqlite
    .query("INSERT INTO sale_voids (sale_id, at_ms, business_day, operator_id, operator_name, reason, fiscal_seq, cash_session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
    .run(sale.id, atMs, businessDay, actor.operatorId ?? null, actor.operatorName ?? "", reason, record.seq, openCashSessionOf(tx.sqlite, actor.terminalId));
  const eventActor = actor.operatorId ? `operator:${actor.operatorId}` : actor.scope;
  const refunded = refundSaleOrder(tx, deps, { saleId: sale.id, nowMs: atMs, actor: eventActor });
  appendEvent(tx, deps.signer, {
    kind: "sale.voided",
    actor: eventActor,
    subject: `sale:${sale.number}`,
    detail: { fiscal_seq: record.seq, total: sale.total, reason },
  });
  return { saleId: sale.id, number: sale.number, total: sale.total, fiscalSeq: record.seq, voidEntries, refundedOrders: refunded.map((order) => order.id) };
}
