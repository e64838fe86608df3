/**
 * Orders: what every sales channel (box office, till, online) goes through. `createOrder` checks
 * the whole order first (lines, prices, sale windows, limits per order and per person across the
 * person's other orders, quotas and the event's capacity, donations, payment) and refuses with a
 * stable code before writing anything; then, in the caller's one transaction, it writes the order,
 * its lines and its signed tickets, grants a paid membership, and logs `order.created`. Held and
 * pay-on-site orders issue their tickets too, so they keep their places; the door answers `unpaid`
 * for them from the order's state. Cancelling, refunding and expiring revoke the order's tickets,
 * which gives their places back. Time is always a parameter (nowMs); randomness is injected.
 */
import { appendEvent } from "../auth/index.ts";
import { IDEMPOTENCY_KEY_PATTERN, type Sqlite, type Tx } from "../db/index.ts";
import { assert, fail, limits, type IdFactory, type RandomSource, type Signer } from "../kernel/index.ts";
import { endMembershipsOfOrder, findMembershipProduct, grantMembershipProduct, insertMember, membershipOf, type MembershipProduct } from "../membership/index.ts";
import { insertWallet } from "../wallet/index.ts";
import { findEvent, type TicketedEvent } from "./events.ts";
import { checkCapacity, checkQuota, findProduct, insertTicket, PRODUCT_LIMITS, TICKET_COLUMNS, type Ticket, type TicketProduct } from "./issue.ts";
import { findPrice, type TicketPrice } from "./prices.ts";
import { ORDER_CHANNELS, ORDER_STATES } from "./schema.ts";
import { enqueueOrderTicketsEmail } from "./ticket-mail.ts";
import { enqueueMembershipPaidEmail } from "./membership-paid-mail.ts";
import { notifyWaitingList } from "./waiting-list.ts";

export type OrderChannel = (typeof ORDER_CHANNELS)[number];
export type OrderState = (typeof ORDER_STATES)[number];

/** How an order is paid: cash, card (the cashless wallet, through the till), terminal (a bank card terminal), free, online (a payment provider). */
export const PAYMENT_METHODS = ["cash", "card", "terminal", "free", "online"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** How money goes back on a refund. A cashless (card) payment is refunded by voiding its sale at the till, not here. */
export const REFUND_METHODS = ["cash", "terminal", "free", "online"] as const;

export const ORDER_LIMITS = {
  lines: 20,
  ticketsPerLine: 50,
  ticketsPerOrder: 200,
  /** References drawn before giving up (30^8 codes: a collision is already rare). */
  referenceAttempts: 16,
  referenceChars: 8,
  /** Held orders expired by one call of expireHolds (the job calls again for the rest). */
  expireBatch: 500,
  listRows: limits.listPageRows,
  amountMinorMax: PRODUCT_LIMITS.priceMinorMax,
  /** Members found by one e-mail address when gathering a person's orders. */
  membersPerEmail: 10,
} as const;

/** Letters and digits that cannot be mistaken for one another when read out (no 0/O, 1/I/L, U). */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

export type OrderLineInput =
  | {
      readonly kind: "ticket";
      readonly priceId: string;
      readonly quantity: number;
      /** What the buyer chose for each ticket of a free price (at least its minimum); ignored otherwise. */
      readonly amountMinor?: number | undefined;
      /** One name per ticket, in order; a missing name is the buyer's. */
      readonly holderNames?: readonly string[] | undefined;
    }
  | { readonly kind: "membership"; readonly productId: string; readonly amountMinor?: number | undefined }
  | { readonly kind: "donation"; readonly amountMinor: number };

export type OrderPayment =
  | { readonly state: "paid"; readonly method: string }
  | { readonly state: "pay_on_site" }
  | { readonly state: "held"; readonly holdUntilMs: number };

export interface OrderInput {
  readonly lines: readonly OrderLineInput[];
  readonly buyer: { readonly name: string; readonly email?: string | undefined; readonly phone?: string | undefined };
  readonly memberId?: string | null | undefined;
  readonly channel: string;
  readonly payment: OrderPayment;
  /** The client's key: the same key again answers the same order and writes nothing. */
  readonly idempotencyKey: string;
  readonly operatorName?: string | undefined;
  readonly terminalId?: string | null | undefined;
  readonly saleId?: string | null | undefined;
  readonly lang?: string | undefined;
  readonly nowMs: number;
  /** Who does it, for the event log ("operator:<id>", "terminal:<id>", "system"); default "system". */
  readonly actor?: string | undefined;
  /** The venue's timezone, for membership windows (calendar year, month). */
  readonly timeZone?: string | undefined;
}

export interface OrderDeps {
  readonly newId: IdFactory;
  readonly signer: Signer;
  readonly random: RandomSource;
}

export interface OrderLine {
  readonly idx: number;
  readonly kind: "ticket" | "membership" | "donation";
  readonly productId: string | null;
  readonly priceId: string | null;
  readonly label: string;
  readonly unitMinor: number;
  readonly quantity: number;
  readonly amountMinor: number;
}

export interface OrderRow {
  readonly id: string;
  readonly reference: string;
  readonly channel: OrderChannel;
  readonly state: OrderState;
  readonly buyerName: string;
  readonly buyerEmail: string;
  readonly buyerPhone: string;
  readonly memberId: string | null;
  readonly personKey: string | null;
  readonly totalMinor: number;
  readonly paymentMethod: string | null;
  readonly provider: string | null;
  readonly providerRef: string | null;
  readonly holdUntilMs: number | null;
  readonly saleId: string | null;
  readonly operatorName: string;
  readonly terminalId: string | null;
  readonly lang: string;
  readonly idempotencyKey: string;
  readonly createdAtMs: number;
  readonly paidAtMs: number | null;
  readonly closedAtMs: number | null;
}

export interface Order extends OrderRow {
  readonly lines: readonly OrderLine[];
}

/** createOrder's answer: the order, and whether it already existed under that idempotency key. */
export interface CreatedOrder extends Order {
  readonly replayed: boolean;
}

const ORDER_COLUMNS = `o.id, o.reference, o.channel, o.state, o.buyer_name AS buyerName, o.buyer_email AS buyerEmail, o.buyer_phone AS buyerPhone,
  o.member_id AS memberId, o.person_key AS personKey, o.total_minor AS totalMinor, o.payment_method AS paymentMethod, o.provider,
  o.provider_ref AS providerRef, o.hold_until_ms AS holdUntilMs, o.sale_id AS saleId, o.operator_name AS operatorName,
  o.terminal_id AS terminalId, o.lang, o.idempotency_key AS idempotencyKey, o.created_at_ms AS createdAtMs, o.paid_at_ms AS paidAtMs,
  o.closed_at_ms AS closedAtMs`;

// Reading.

export function findOrder(sqlite: Sqlite, id: string): Order | undefined {
  const row = sqlite.query<OrderRow, [string]>(`SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = ?`).get(id);
  return row ? { ...row, lines: orderLines(sqlite, row.id) } : undefined;
}

export function findOrderByReference(sqlite: Sqlite, reference: string): Order | undefined {
  const id = sqlite.query<{ id: string }, [string]>("SELECT id FROM orders WHERE reference = ?").get(reference.trim().toUpperCase())?.id;
  return id === undefined ? undefined : findOrder(sqlite, id);
}

export function orderLines(sqlite: Sqlite, orderId: string): OrderLine[] {
  return sqlite
    .query<OrderLine, [string, number]>(
      `SELECT idx, kind, product_id AS productId, price_id AS priceId, label, unit_minor AS unitMinor, quantity, amount_minor AS amountMinor
        FROM order_lines WHERE order_id = ? ORDER BY idx LIMIT ?`,
    )
    .all(orderId, ORDER_LIMITS.lines);
}

export interface OrderQuery {
  /** Orders with at least one ticket line of this event; absent: every order. */
  readonly eventId?: string | undefined;
  /** Part of the reference, the buyer's name or e-mail. */
  readonly search?: string | undefined;
  readonly rows?: number | undefined;
}

/** The latest orders first, filtered by event and by a search on reference, name or e-mail. */
export function listOrders(sqlite: Sqlite, query: OrderQuery = {}): OrderRow[] {
  const rows = Math.min(query.rows ?? ORDER_LIMITS.listRows, ORDER_LIMITS.listRows);
  const search = (query.search ?? "").trim().slice(0, limits.textFieldChars).replace(/[%_\\]/g, "");
  const like = `%${search}%`;
  const eventFilter = query.eventId === undefined ? "" : "AND o.id IN (SELECT l.order_id FROM order_lines l JOIN ticket_products p ON p.id = l.product_id WHERE l.kind = 'ticket' AND p.event_id = ?)";
  const params: (string | number)[] = [like, like, like];
  if (query.eventId !== undefined) params.push(query.eventId);
  params.push(rows);
  return sqlite
    .query<OrderRow, (string | number)[]>(
      `SELECT ${ORDER_COLUMNS} FROM orders o WHERE (o.reference LIKE ? OR o.buyer_name LIKE ? OR o.buyer_email LIKE ?) ${eventFilter}
        ORDER BY o.created_at_ms DESC, o.id DESC LIMIT ?`,
    )
    .all(...params);
}

export interface OrderTicket extends Ticket {
  readonly priceLabel: string | null;
}

/** An order's tickets, with their price's label, in the order they were issued. */
export function orderTickets(sqlite: Sqlite, orderId: string): OrderTicket[] {
  return sqlite
    .query<OrderTicket, [string, number]>(
      `SELECT ${TICKET_COLUMNS}, pr.label AS priceLabel FROM tickets t JOIN ticket_products p ON p.id = t.product_id LEFT JOIN ticket_prices pr ON pr.id = t.price_id
        WHERE t.order_id = ? ORDER BY t.rowid LIMIT ?`,
    )
    .all(orderId, ORDER_LIMITS.ticketsPerOrder);
}

// Checking an order (reads only).

interface TicketPlan {
  readonly kind: "ticket";
  readonly event: TicketedEvent;
  readonly product: TicketProduct;
  readonly price: TicketPrice;
  readonly quantity: number;
  readonly unitMinor: number;
  readonly holderNames: readonly string[];
}

interface MembershipPlan {
  readonly kind: "membership";
  readonly product: MembershipProduct;
  readonly unitMinor: number;
}

interface DonationPlan {
  readonly kind: "donation";
  readonly unitMinor: number;
}

type LinePlan = TicketPlan | MembershipPlan | DonationPlan;

interface Buyer {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

interface OrderPlan {
  readonly channel: OrderChannel;
  readonly buyer: Buyer;
  /** An existing member (given, or found by the buyer's e-mail for a membership line). */
  readonly memberId: string | null;
  /** A membership line without a member: the buyer becomes one. */
  readonly createMember: boolean;
  readonly lines: readonly LinePlan[];
  readonly totalMinor: number;
  readonly state: "paid" | "pay_on_site" | "held";
  readonly paymentMethod: string | null;
  readonly holdUntilMs: number | null;
  readonly lang: string;
}

function isOneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function isAmount(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 && value <= ORDER_LIMITS.amountMinorMax;
}

function checkBuyer(buyer: OrderInput["buyer"]): Buyer {
  const name = buyer.name.trim();
  if (name.length > limits.textFieldChars) fail("buyer_name_too_long", `a name has at most ${limits.textFieldChars} characters`);
  const email = (buyer.email ?? "").trim().toLowerCase();
  if (email && (email.length > limits.textFieldChars || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) fail("email_invalid", "not an e-mail address");
  const phone = (buyer.phone ?? "").trim();
  if (phone && !/^\+?[\d .()-]{4,24}$/.test(phone)) fail("phone_invalid", "not a phone number");
  return { name, email, phone };
}

function liveMemberId(sqlite: Sqlite, id: string): string | undefined {
  return sqlite.query<{ id: string }, [string]>("SELECT id FROM members WHERE id = ? AND erased_at_ms IS NULL").get(id)?.id;
}

function membersByEmail(sqlite: Sqlite, email: string): string[] {
  if (!email) return [];
  return sqlite
    .query<{ id: string }, [string, number]>("SELECT id FROM members WHERE lower(email) = ? AND erased_at_ms IS NULL ORDER BY created_at_ms LIMIT ?")
    .all(email, ORDER_LIMITS.membersPerEmail)
    .map((row) => row.id);
}

/** The member (not erased) with this e-mail, the oldest when several share it; null when none. */
export function memberIdByEmail(sqlite: Sqlite, email: string): string | null {
  return membersByEmail(sqlite, email.trim().toLowerCase())[0] ?? null;
}

function memberEmail(sqlite: Sqlite, memberId: string): string {
  return (sqlite.query<{ email: string }, [string]>("SELECT email FROM members WHERE id = ?").get(memberId)?.email ?? "").trim().toLowerCase();
}

/**
 * Every key a person's earlier orders may carry: their member id, their e-mail, and the members
 * sharing that e-mail. An order is keyed by one of them; counting over all of them means changing
 * from "member" to "e-mail" (or back) between orders does not reset the limit.
 */
export function personKeysOf(sqlite: Sqlite, memberId: string | null, email: string): string[] {
  const keys = new Set<string>();
  const emails = new Set<string>();
  if (email) emails.add(email);
  if (memberId !== null) {
    keys.add(`member:${memberId}`);
    const own = memberEmail(sqlite, memberId);
    if (own) emails.add(own);
  }
  for (const address of emails) {
    keys.add(`email:${address}`);
    for (const id of membersByEmail(sqlite, address)) keys.add(`member:${id}`);
  }
  return [...keys];
}

/** Valid tickets of a product in orders carrying one of these person keys. */
export function personTickets(sqlite: Sqlite, productId: string, keys: readonly string[]): number {
  if (keys.length === 0) return 0;
  return sqlite
    .query<{ n: number }, [string, string]>(
      `SELECT count(*) AS n FROM tickets t JOIN orders o ON o.id = t.order_id
        WHERE t.product_id = ? AND t.state = 'valid' AND o.person_key IN (SELECT value FROM json_each(?))`,
    )
    .get(productId, JSON.stringify(keys))!.n;
}

function checkPayment(payment: OrderPayment, nowMs: number): Pick<OrderPlan, "state" | "paymentMethod" | "holdUntilMs"> {
  switch (payment.state) {
    case "paid":
      if (typeof payment.method !== "string" || !isOneOf(PAYMENT_METHODS, payment.method)) fail("payment_method_invalid", `a payment is one of ${PAYMENT_METHODS.join(", ")}`);
      return { state: "paid", paymentMethod: payment.method, holdUntilMs: null };
    case "pay_on_site":
      return { state: "pay_on_site", paymentMethod: "on_site", holdUntilMs: null };
    case "held":
      if (!Number.isSafeInteger(payment.holdUntilMs) || payment.holdUntilMs <= nowMs) fail("hold_invalid", "a hold ends after now");
      return { state: "held", paymentMethod: null, holdUntilMs: payment.holdUntilMs };
    default:
      return fail("payment_invalid", "a payment is paid, pay_on_site or held");
  }
}

function checkSaleOpen(event: TicketedEvent, product: TicketProduct, nowMs: number): void {
  if (nowMs >= event.endsAtMs) fail("event_over", "this event is over");
  if (!product.active) fail("product_inactive", "this product is not on sale");
  // Without a bound, a product is on sale from its creation (it cannot be ordered before) until the event ends.
  if (product.saleFromMs !== null && nowMs < product.saleFromMs) fail("sale_not_open", "this product is not on sale yet", { sale_from_ms: product.saleFromMs });
  if (nowMs >= (product.saleUntilMs ?? event.endsAtMs)) fail("sale_closed", "this product is no longer on sale");
}

function planTicketLine(sqlite: Sqlite, line: Extract<OrderLineInput, { kind: "ticket" }>, nowMs: number): TicketPlan {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > ORDER_LIMITS.ticketsPerLine) fail("quantity_invalid", `a quantity is 1 to ${ORDER_LIMITS.ticketsPerLine}`);
  const price = typeof line.priceId === "string" ? findPrice(sqlite, line.priceId) : undefined;
  if (!price) fail("price_unknown", "no such price");
  const product = findProduct(sqlite, price.productId);
  const event = product && findEvent(sqlite, product.eventId);
  assert(product !== undefined && event !== undefined, "a price belongs to a product of an event");
  checkSaleOpen(event, product, nowMs);
  if (!price.active) fail("price_inactive", "this price is withdrawn");
  let unitMinor = price.amountMinor;
  if (price.kind === "free") {
    if (!isAmount(line.amountMinor)) fail("amount_invalid", "a free price needs an amount in cents");
    if (line.amountMinor < price.amountMinor) fail("free_price_below_minimum", "below this price's minimum", { minimum_minor: price.amountMinor });
    unitMinor = line.amountMinor;
  }
  const names = line.holderNames ?? [];
  if (!Array.isArray(names) || names.length > line.quantity) fail("holder_names_invalid", "at most one holder name per ticket");
  const holderNames = names.map((name) => (typeof name === "string" ? name.trim() : fail("holder_names_invalid", "a holder name is text")));
  if (holderNames.some((name) => name.length > PRODUCT_LIMITS.holderChars)) fail("holder_name_too_long", `a holder's name has at most ${PRODUCT_LIMITS.holderChars} characters`);
  return { kind: "ticket", event, product, price, quantity: line.quantity, unitMinor, holderNames };
}

function planMembershipLine(sqlite: Sqlite, line: Extract<OrderLineInput, { kind: "membership" }>): MembershipPlan {
  const product = typeof line.productId === "string" ? findMembershipProduct(sqlite, line.productId) : undefined;
  if (!product) fail("membership_product_unknown", "no such membership product");
  if (!product.active) fail("product_inactive", "this membership is not on sale");
  if (!product.freePrice) return { kind: "membership", product, unitMinor: product.amountMinor };
  if (!isAmount(line.amountMinor)) fail("amount_invalid", "a free price needs an amount in cents");
  if (line.amountMinor < product.amountMinor) fail("free_price_below_minimum", "below this membership's minimum", { minimum_minor: product.amountMinor });
  return { kind: "membership", product, unitMinor: line.amountMinor };
}

/** The donation settings (the one row of ticketing_settings, its defaults when absent). */
function donationSettings(sqlite: Sqlite): { enabled: boolean; minMinor: number } {
  const row = sqlite.query<{ enabled: number; minMinor: number }, []>("SELECT donations_enabled AS enabled, donation_min_minor AS minMinor FROM ticketing_settings WHERE id = 1").get();
  return { enabled: row?.enabled === 1, minMinor: row?.minMinor ?? 100 };
}

function planDonationLine(sqlite: Sqlite, line: Extract<OrderLineInput, { kind: "donation" }>): DonationPlan {
  const settings = donationSettings(sqlite);
  if (!settings.enabled) fail("donation_disabled", "donations are not taken");
  if (!isAmount(line.amountMinor)) fail("amount_invalid", "a donation is an amount in cents");
  if (line.amountMinor < settings.minMinor) fail("donation_below_minimum", "below the smallest donation", { minimum_minor: settings.minMinor });
  return { kind: "donation", unitMinor: line.amountMinor };
}

function planLines(sqlite: Sqlite, input: OrderInput): LinePlan[] {
  if (!Array.isArray(input.lines) || input.lines.length === 0) fail("order_empty", "an order has at least one line");
  if (input.lines.length > ORDER_LIMITS.lines) fail("order_too_large", `an order has at most ${ORDER_LIMITS.lines} lines`);
  const plans = input.lines.map((line): LinePlan => {
    switch (line?.kind) {
      case "ticket":
        return planTicketLine(sqlite, line, input.nowMs);
      case "membership":
        return planMembershipLine(sqlite, line);
      case "donation":
        return planDonationLine(sqlite, line);
      default:
        return fail("line_kind_invalid", "a line is a ticket, a membership or a donation");
    }
  });
  if (plans.filter((plan) => plan.kind === "membership").length > 1) fail("order_too_large", "an order has at most one membership");
  const tickets = plans.reduce((sum, plan) => sum + (plan.kind === "ticket" ? plan.quantity : 0), 0);
  if (tickets > ORDER_LIMITS.ticketsPerOrder) fail("order_too_large", `an order has at most ${ORDER_LIMITS.ticketsPerOrder} tickets`);
  return plans;
}

/** Limits per order and per person, quotas and capacities, over the whole order (several lines may share a product). */
function checkQuantities(sqlite: Sqlite, plans: readonly LinePlan[], personKeys: readonly string[]): void {
  const byProduct = new Map<string, { plan: TicketPlan; quantity: number }>();
  const byEvent = new Map<string, { event: TicketedEvent; quantity: number }>();
  for (const plan of plans) {
    if (plan.kind !== "ticket") continue;
    const product = byProduct.get(plan.product.id) ?? { plan, quantity: 0 };
    byProduct.set(plan.product.id, { plan, quantity: product.quantity + plan.quantity });
    const event = byEvent.get(plan.event.id) ?? { event: plan.event, quantity: 0 };
    byEvent.set(plan.event.id, { event: plan.event, quantity: event.quantity + plan.quantity });
  }
  for (const { plan, quantity } of byProduct.values()) {
    const { product } = plan;
    if (product.perOrderMax !== null && quantity > product.perOrderMax) fail("per_order_limit", `at most ${product.perOrderMax} per order`, { product_id: product.id, max: product.perOrderMax });
    if (product.perPersonMax !== null) {
      const already = personTickets(sqlite, product.id, personKeys);
      if (already + quantity > product.perPersonMax) fail("per_person_limit", `at most ${product.perPersonMax} per person`, { product_id: product.id, max: product.perPersonMax, already });
    }
    checkQuota(product, quantity);
  }
  // The event's capacity counts every product of the event together.
  for (const { event, quantity } of byEvent.values()) checkCapacity(sqlite, event, quantity);
}

function resolveMember(sqlite: Sqlite, input: OrderInput, buyer: Buyer, plans: readonly LinePlan[]): { memberId: string | null; createMember: boolean } {
  if (input.memberId !== undefined && input.memberId !== null) {
    const id = typeof input.memberId === "string" ? liveMemberId(sqlite, input.memberId) : undefined;
    if (id === undefined) fail("member_unknown", "no such member");
    return { memberId: id, createMember: false };
  }
  if (!plans.some((plan) => plan.kind === "membership")) return { memberId: null, createMember: false };
  // A membership is a member's: the buyer is the member with this e-mail, or becomes one.
  const found = membersByEmail(sqlite, buyer.email)[0];
  if (found !== undefined) return { memberId: found, createMember: false };
  if (!buyer.name) fail("buyer_name_required", "a new member needs a name");
  return { memberId: null, createMember: true };
}

function checkMemberPrices(sqlite: Sqlite, plans: readonly LinePlan[], memberId: string | null, paidMembershipInOrder: boolean, nowMs: number): void {
  if (!plans.some((plan) => plan.kind === "ticket" && plan.price.kind === "member")) return;
  // A membership paid in this very order counts: it is granted from now, before the tickets.
  if (paidMembershipInOrder) return;
  if (memberId === null || !membershipOf(sqlite, memberId, nowMs).valid) fail("member_price_needs_membership", "a member price needs a valid membership");
}

/** The whole order checked, or a refusal; reads only. */
export function planOrder(sqlite: Sqlite, input: OrderInput): OrderPlan {
  assert(Number.isSafeInteger(input.nowMs) && input.nowMs > 0, "now is integer milliseconds");
  if (typeof input.channel !== "string" || !isOneOf(ORDER_CHANNELS, input.channel)) fail("channel_invalid", `a channel is one of ${ORDER_CHANNELS.join(", ")}`);
  const lang = input.lang ?? "fr";
  if (lang !== "fr" && lang !== "en") fail("lang_invalid", "a language is fr or en");
  if ((input.operatorName ?? "").length > limits.textFieldChars) fail("operator_name_too_long", "too long");
  const payment = checkPayment(input.payment, input.nowMs);
  const buyer = checkBuyer(input.buyer);
  const lines = planLines(sqlite, input);
  const totalMinor = lines.reduce((sum, plan) => sum + plan.unitMinor * (plan.kind === "ticket" ? plan.quantity : 1), 0);
  assert(Number.isSafeInteger(totalMinor), "an order's total is a safe integer");
  if (payment.paymentMethod === "free" && totalMinor !== 0) fail("payment_method_invalid", "only an order of 0 is free");
  const { memberId, createMember } = resolveMember(sqlite, input, buyer, lines);
  const paidMembership = payment.state === "paid" && lines.some((plan) => plan.kind === "membership");
  checkMemberPrices(sqlite, lines, memberId, paidMembership, input.nowMs);
  checkQuantities(sqlite, lines, personKeysOf(sqlite, memberId, buyer.email));
  return { channel: input.channel, buyer, memberId, createMember, lines, totalMinor, ...payment, lang };
}

// Writing.

/** An 8-character reference from the injected randomness, drawn again while it is taken. */
export function newReference(sqlite: Sqlite, random: RandomSource): string {
  for (let attempt = 0; attempt < ORDER_LIMITS.referenceAttempts; attempt++) {
    let reference = "";
    // Bytes of 240 and more are dropped so that each of the 30 characters is equally likely.
    for (let draws = 0; reference.length < ORDER_LIMITS.referenceChars && draws < 8; draws++) {
      for (const byte of random(16)) {
        if (byte < 240 && reference.length < ORDER_LIMITS.referenceChars) reference += REFERENCE_ALPHABET[byte % 30];
      }
    }
    assert(reference.length === ORDER_LIMITS.referenceChars, "the random source gives usable bytes");
    if (!sqlite.query("SELECT 1 FROM orders WHERE reference = ?").get(reference)) return reference;
  }
  return fail("reference_exhausted", "no free order reference found; try again");
}

function lineLabel(plan: LinePlan): string {
  switch (plan.kind) {
    case "ticket":
      // "Entrée · Réduit"; a product named like its price ("Plein tarif") is not said twice.
      return plan.product.name.trim().toLowerCase() === plan.price.label.trim().toLowerCase() ? plan.product.name : `${plan.product.name} · ${plan.price.label}`;
    case "membership":
      return plan.product.name;
    case "donation":
      return "Don";
  }
}

function insertLines(tx: Tx, orderId: string, lines: readonly LinePlan[]): void {
  const insert = tx.sqlite.query("INSERT INTO order_lines (order_id, idx, kind, product_id, price_id, label, unit_minor, quantity, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  lines.forEach((plan, idx) => {
    const quantity = plan.kind === "ticket" ? plan.quantity : 1;
    const productId = plan.kind === "donation" ? null : plan.product.id;
    const priceId = plan.kind === "ticket" ? plan.price.id : null;
    insert.run(orderId, idx, plan.kind, productId, priceId, lineLabel(plan), plan.unitMinor, quantity, plan.unitMinor * quantity);
  });
}

function issueOrderTickets(tx: Tx, newId: IdFactory, orderId: string, plan: OrderPlan, memberId: string | null): number {
  let issued = 0;
  for (const line of plan.lines) {
    if (line.kind !== "ticket") continue;
    for (let i = 0; i < line.quantity; i++) {
      const holderName = line.holderNames[i] || plan.buyer.name;
      insertTicket(tx, newId, line.event, line.product.id, { holderName, orderId, priceId: line.price.id, amountMinor: line.unitMinor, memberId });
      issued++;
    }
  }
  return issued;
}

function createBuyerMember(tx: Tx, deps: OrderDeps, buyer: Buyer, actor: string): string {
  const walletId = insertWallet(tx, deps.newId);
  const member = insertMember(tx, deps.newId, { name: buyer.name, email: buyer.email, phone: buyer.phone }, walletId);
  appendEvent(tx, deps.signer, { kind: "member.created", actor, subject: `member:${member.id}`, detail: {} });
  return member.id;
}

function grantOrderMemberships(tx: Tx, newId: IdFactory, order: { id: string; memberId: string | null; lines: readonly { kind: string; productId: string | null }[] }, nowMs: number, timeZone: string): void {
  for (const line of order.lines) {
    if (line.kind !== "membership") continue;
    assert(order.memberId !== null && line.productId !== null, "a membership line has a member and a product");
    grantMembershipProduct(tx, newId, { memberId: order.memberId, productId: line.productId, orderId: order.id, nowMs, timeZone });
  }
}

function logOrder(tx: Tx, signer: Signer, kind: string, actor: string, order: { id: string; reference: string }, detail: Record<string, string | number | null>): void {
  // Personal data stays in the orders table: the log names the order by id and reference.
  appendEvent(tx, signer, { kind, actor, subject: `order:${order.id}`, detail: { reference: order.reference, ...detail } });
}

const DEFAULT_TIME_ZONE = "Europe/Paris";

/**
 * Creates an order in the caller's transaction, or answers the order already created under the
 * same idempotency key (replayed: true, nothing written). Refusals (nothing written): see
 * docs/ticketing.md, "Orders".
 */
export function createOrder(tx: Tx, deps: OrderDeps, input: OrderInput): CreatedOrder {
  if (typeof input.idempotencyKey !== "string" || !IDEMPOTENCY_KEY_PATTERN.test(input.idempotencyKey)) fail("idempotency_key_invalid", "an idempotency key is 1 to 128 letters, digits or . _ : -");
  const existing = tx.sqlite.query<{ id: string }, [string]>("SELECT id FROM orders WHERE idempotency_key = ?").get(input.idempotencyKey);
  if (existing) return { ...findOrder(tx.sqlite, existing.id)!, replayed: true };
  const plan = planOrder(tx.sqlite, input);
  const actor = input.actor ?? "system";
  const orderId = deps.newId();
  const reference = newReference(tx.sqlite, deps.random);
  const memberId = plan.createMember ? createBuyerMember(tx, deps, plan.buyer, actor) : plan.memberId;
  const personKey = memberId !== null ? `member:${memberId}` : plan.buyer.email ? `email:${plan.buyer.email}` : null;
  tx.sqlite
    .query(
      `INSERT INTO orders (id, reference, channel, state, buyer_name, buyer_email, buyer_phone, member_id, person_key, total_minor, payment_method,
        hold_until_ms, sale_id, operator_name, terminal_id, lang, idempotency_key, created_at_ms, paid_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      orderId,
      reference,
      plan.channel,
      plan.state,
      plan.buyer.name,
      plan.buyer.email,
      plan.buyer.phone,
      memberId,
      personKey,
      plan.totalMinor,
      plan.paymentMethod,
      plan.holdUntilMs,
      input.saleId ?? null,
      (input.operatorName ?? "").trim(),
      input.terminalId ?? null,
      plan.lang,
      input.idempotencyKey,
      input.nowMs,
      plan.state === "paid" ? input.nowMs : null,
    );
  insertLines(tx, orderId, plan.lines);
  const order = findOrder(tx.sqlite, orderId)!;
  // A membership is granted once paid; before the tickets, so a member price in the same order sees it.
  if (plan.state === "paid") grantOrderMemberships(tx, deps.newId, order, input.nowMs, input.timeZone ?? DEFAULT_TIME_ZONE);
  const tickets = issueOrderTickets(tx, deps.newId, orderId, plan, memberId);
  // The buyer's order by e-mail (through the outbox: tickets, memberships, donations), once paid or to pay on site.
  if (plan.state === "paid" || plan.state === "pay_on_site") enqueueOrderTicketsEmail(tx, deps, orderId);
  logOrder(tx, deps.signer, "order.created", actor, order, { channel: plan.channel, state: plan.state, total_minor: plan.totalMinor, tickets, payment_method: plan.paymentMethod });
  return { ...order, replayed: false };
}

function requireOrder(sqlite: Sqlite, orderId: string): Order {
  const order = typeof orderId === "string" ? findOrder(sqlite, orderId) : undefined;
  if (!order) fail("order_unknown", "no such order");
  return order;
}

/** Revokes the order's valid tickets; answers how many. The places freed go to the waiting list. */
function revokeOrderTickets(tx: Tx, deps: Pick<OrderDeps, "newId">, orderId: string, nowMs: number): number {
  const freed = tx.sqlite
    .query<{ eventId: string; productId: string; n: number }, [string]>("SELECT event_id AS eventId, product_id AS productId, count(*) AS n FROM tickets WHERE order_id = ? AND state = 'valid' GROUP BY event_id, product_id")
    .all(orderId);
  const revoked = tx.sqlite.query("UPDATE tickets SET state = 'revoked', revoked_at_ms = ? WHERE order_id = ? AND state = 'valid'").run(nowMs, orderId).changes;
  for (const place of freed) notifyWaitingList(tx, deps, { eventId: place.eventId, productId: place.productId, freed: place.n });
  return revoked;
}

export interface MarkPaidInput {
  readonly orderId: string;
  readonly method: string;
  readonly provider?: string | null | undefined;
  readonly providerRef?: string | null | undefined;
  readonly nowMs: number;
  readonly actor?: string | undefined;
  readonly timeZone?: string | undefined;
  /** The point-of-sale sale that took the payment (the box office settling a pay-on-site order): recorded on the order. */
  readonly saleId?: string | null | undefined;
}

/**
 * A held or pay-on-site order is paid (its tickets were issued already; the door stops answering
 * `unpaid`), and its membership is granted. The same provider reference again answers the paid
 * order unchanged (a provider sends its notifications again). Refusals: order_unknown,
 * order_not_payable, payment_method_invalid, provider_ref_taken.
 */
export function markOrderPaid(tx: Tx, deps: Pick<OrderDeps, "newId" | "signer">, input: MarkPaidInput): Order {
  const order = requireOrder(tx.sqlite, input.orderId);
  const provider = input.provider ?? null;
  const providerRef = input.providerRef ?? null;
  if (order.state === "paid" && providerRef !== null && order.provider === provider && order.providerRef === providerRef) return order;
  if (order.state !== "held" && order.state !== "pay_on_site") fail("order_not_payable", `this order is ${order.state}`, { state: order.state });
  if (typeof input.method !== "string" || !isOneOf(PAYMENT_METHODS, input.method)) fail("payment_method_invalid", `a payment is one of ${PAYMENT_METHODS.join(", ")}`);
  if (input.method === "free" && order.totalMinor !== 0) fail("payment_method_invalid", "only an order of 0 is free");
  if (providerRef !== null) {
    if (provider === null || provider.length > 40 || providerRef.length > limits.textFieldChars) fail("provider_invalid", "a provider reference needs its provider");
    if (tx.sqlite.query("SELECT 1 FROM orders WHERE provider = ? AND provider_ref = ? AND id <> ?").get(provider, providerRef, order.id)) fail("provider_ref_taken", "another order has this payment");
  }
  tx.sqlite
    .query("UPDATE orders SET state = 'paid', payment_method = ?, provider = ?, provider_ref = ?, paid_at_ms = ?, sale_id = coalesce(?, sale_id) WHERE id = ?")
    .run(input.method, provider, providerRef, input.nowMs, input.saleId ?? null, order.id);
  grantOrderMemberships(tx, deps.newId, order, input.nowMs, input.timeZone ?? DEFAULT_TIME_ZONE);
  logOrder(tx, deps.signer, "order.paid", input.actor ?? "system", order, { method: input.method, provider, total_minor: order.totalMinor });
  // A held order's tickets become the buyer's now (a pay-on-site order had its mail when made,
  // saying its membership would be valid once paid: it now hears the dates).
  if (order.state === "held") enqueueOrderTicketsEmail(tx, deps, order.id);
  else enqueueMembershipPaidEmail(tx, deps, order.id);
  return findOrder(tx.sqlite, order.id)!;
}

export interface CloseOrderInput {
  readonly orderId: string;
  readonly nowMs: number;
  readonly actor?: string | undefined;
}

/** An unpaid order (held or pay on site) is cancelled and its tickets revoked. Refusals: order_unknown, order_not_cancellable. */
export function cancelOrder(tx: Tx, deps: Pick<OrderDeps, "signer" | "newId">, input: CloseOrderInput): Order {
  const order = requireOrder(tx.sqlite, input.orderId);
  if (order.state !== "held" && order.state !== "pay_on_site") fail("order_not_cancellable", `this order is ${order.state}; a paid order is refunded`, { state: order.state });
  tx.sqlite.query("UPDATE orders SET state = 'cancelled', closed_at_ms = ? WHERE id = ?").run(input.nowMs, order.id);
  const revoked = revokeOrderTickets(tx, deps, order.id, input.nowMs);
  // An unpaid order never granted one; ended anyway, so that a cancelled order never leaves a membership.
  const ended = endMembershipsOfOrder(tx, order.id, input.nowMs);
  logOrder(tx, deps.signer, "order.cancelled", input.actor ?? "system", order, { tickets_revoked: revoked, memberships_ended: ended });
  return findOrder(tx.sqlite, order.id)!;
}

/**
 * A paid order is refunded: its tickets are revoked and the money goes back by `method` (default:
 * how it was paid), recorded in the event log. A cashless (card) payment went through a till sale
 * and is refunded by voiding that sale at the till: refund_method_unsupported here. A membership
 * granted by the order ends now (endMembershipsOfOrder). Refusals: order_unknown,
 * order_not_refundable, refund_method_unsupported.
 */
export function refundOrder(tx: Tx, deps: Pick<OrderDeps, "signer" | "newId">, input: CloseOrderInput & { readonly method?: string | undefined }): Order {
  const order = requireOrder(tx.sqlite, input.orderId);
  if (order.state !== "paid") fail("order_not_refundable", `this order is ${order.state}`, { state: order.state });
  const method = input.method ?? order.paymentMethod ?? "";
  if (order.paymentMethod === "card" || !isOneOf(REFUND_METHODS, method)) fail("refund_method_unsupported", "a cashless payment is refunded by voiding its sale at the till");
  // A till order's money is in its sale (fiscal journal, cash session): voiding the sale refunds it (refundSaleOrder).
  if (order.saleId !== null) fail("refund_method_unsupported", "an order paid at the till is refunded by voiding its sale at the till");
  tx.sqlite.query("UPDATE orders SET state = 'refunded', closed_at_ms = ? WHERE id = ?").run(input.nowMs, order.id);
  const revoked = revokeOrderTickets(tx, deps, order.id, input.nowMs);
  const ended = endMembershipsOfOrder(tx, order.id, input.nowMs);
  logOrder(tx, deps.signer, "order.refunded", input.actor ?? "system", order, { method, amount_minor: order.totalMinor, tickets_revoked: revoked, memberships_ended: ended });
  return findOrder(tx.sqlite, order.id)!;
}

/** Held orders whose hold ended at or before nowMs expire and give their places back; answers how many (at most expireBatch a call). */
export function expireHolds(tx: Tx, deps: Pick<OrderDeps, "signer" | "newId">, nowMs: number): number {
  assert(Number.isSafeInteger(nowMs), "now is integer milliseconds");
  const due = tx.sqlite
    .query<{ id: string; reference: string }, [number, number]>("SELECT id, reference FROM orders WHERE state = 'held' AND hold_until_ms <= ? ORDER BY hold_until_ms, id LIMIT ?")
    .all(nowMs, ORDER_LIMITS.expireBatch);
  for (const order of due) {
    tx.sqlite.query("UPDATE orders SET state = 'expired', closed_at_ms = ? WHERE id = ?").run(nowMs, order.id);
    const revoked = revokeOrderTickets(tx, deps, order.id, nowMs);
    logOrder(tx, deps.signer, "order.expired", "system", order, { tickets_revoked: revoked });
  }
  return due.length;
}

/**
 * The point of sale voided the sale that paid these orders: each paid order of the sale is
 * refunded and its tickets revoked, without moving money (the void reverses the sale's payments
 * and its fiscal record), and `order.refunded` is logged with method `sale_void`. Answers the
 * orders refunded (none when the sale sold no ticket).
 */
export function refundSaleOrder(tx: Tx, deps: Pick<OrderDeps, "signer" | "newId">, input: { readonly saleId: string; readonly nowMs: number; readonly actor?: string | undefined }): Order[] {
  assert(typeof input.saleId === "string" && Number.isSafeInteger(input.nowMs), "a sale id and now");
  const ids = tx.sqlite.query<{ id: string }, [string, number]>("SELECT id FROM orders WHERE sale_id = ? AND state = 'paid' ORDER BY created_at_ms, id LIMIT ?").all(input.saleId, ORDER_LIMITS.lines);
  return ids.map(({ id }) => {
    const order = requireOrder(tx.sqlite, id);
    tx.sqlite.query("UPDATE orders SET state = 'refunded', closed_at_ms = ? WHERE id = ?").run(input.nowMs, order.id);
    const revoked = revokeOrderTickets(tx, deps, order.id, input.nowMs);
    const ended = endMembershipsOfOrder(tx, order.id, input.nowMs);
    logOrder(tx, deps.signer, "order.refunded", input.actor ?? "system", order, { method: "sale_void", sale_id: input.saleId, amount_minor: order.totalMinor, tickets_revoked: revoked, memberships_ended: ended });
    return findOrder(tx.sqlite, order.id)!;
  });
}

/** The order a point-of-sale sale paid (tickets sold at the till), if any. */
export function orderIdOfSale(sqlite: Sqlite, saleId: string): string | undefined {
  return sqlite.query<{ id: string }, [string]>("SELECT id FROM orders WHERE sale_id = ? ORDER BY created_at_ms, id LIMIT 1").get(saleId)?.id;
}
