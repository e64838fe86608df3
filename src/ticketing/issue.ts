/**
 * Ticket products (a name, a quota shared by its prices, limits per order and per person, a sale
 * window, a VAT rate) and issued tickets. Issuing signs the QR payload with the event's key; a
 * ticket is valid from two hours before the doors open to two hours after the end. A revoked
 * ticket gives its place in the quota and the event's capacity back. Prices are in prices.ts,
 * orders (which issue through insertTicket) in orders.ts.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findEvent, type TicketedEvent } from "./events.ts";
import { eventSigner } from "./keys.ts";
import { encodeTicket } from "./tickets.ts";
import { notifyWaitingList } from "./waiting-list.ts";

/** Tickets open this long before the doors and close this long after the end. */
export const TICKET_WINDOW_MARGIN_MS = 2 * 3_600_000;

export const PRODUCT_LIMITS = { nameChars: 100, priceMinorMax: 100_000_000, quotaMax: 1_000_000, holderChars: 200, perEvent: 100, positionMax: 1_000_000 } as const;

/** The highest VAT rate a product may carry, in basis points (100 %; the point of sale's bound). */
export const VAT_RATE_MAX_BP = 10_000;
/** A show's VAT rate in France (5.5 %), the default of a new product. */
export const DEFAULT_TICKET_VAT_BP = 550;

export interface TicketProduct {
  readonly id: string;
  readonly eventId: string;
  readonly name: string;
  /** The first price's amount, kept for older readers (prices.ts holds every price). */
  readonly priceMinor: number;
  readonly quota: number | null;
  readonly active: boolean;
  readonly createdAtMs: number;
  /** Tickets issued and not revoked (tickets of held and unpaid orders count: they keep places). */
  readonly issued: number;
  readonly perOrderMax: number | null;
  readonly perPersonMax: number | null;
  /** On sale from / until; null: from the product's creation / until the event ends. */
  readonly saleFromMs: number | null;
  readonly saleUntilMs: number | null;
  readonly vatRateBp: number;
  readonly position: number;
}

/**
 * A product to create (no id) or change. The optional fields keep their stored value when left
 * out of an update (null clears a limit or a sale bound); priceMinor is needed to create, and on an
 * update sets the first price.
 */
export interface ProductInput {
  /** Absent to create. */
  readonly id?: string | undefined;
  readonly eventId: string;
  readonly name: string;
  readonly priceMinor?: number | undefined;
  readonly quota: number | null;
  readonly active?: boolean | undefined;
  readonly perOrderMax?: number | null | undefined;
  readonly perPersonMax?: number | null | undefined;
  readonly saleFromMs?: number | null | undefined;
  readonly saleUntilMs?: number | null | undefined;
  readonly vatRateBp?: number | undefined;
  readonly position?: number | undefined;
  /** The label of the first price when creating (default "Plein tarif"). */
  readonly priceLabel?: string | undefined;
}

const PRODUCT_SELECT = `SELECT p.id, p.event_id AS eventId, p.name, p.price_minor AS priceMinor, p.quota, p.active, p.created_at_ms AS createdAtMs,
  p.per_order_max AS perOrderMax, p.per_person_max AS perPersonMax, p.sale_from_ms AS saleFromMs, p.sale_until_ms AS saleUntilMs,
  p.vat_rate_bp AS vatRateBp, p.position,
  (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued FROM ticket_products p`;

type ProductRow = Omit<TicketProduct, "active"> & { active: number };
const productOf = (row: ProductRow): TicketProduct => ({ ...row, active: row.active === 1 });

export function findProduct(sqlite: Sqlite, id: string): TicketProduct | undefined {
  const row = sqlite.query<ProductRow, [string]>(`${PRODUCT_SELECT} WHERE p.id = ?`).get(id);
  return row ? productOf(row) : undefined;
}

export function listProducts(sqlite: Sqlite, eventId: string): TicketProduct[] {
  return sqlite
    .query<ProductRow, [string, number]>(`${PRODUCT_SELECT} WHERE p.event_id = ? ORDER BY p.position, p.created_at_ms, p.id LIMIT ?`)
    .all(eventId, PRODUCT_LIMITS.perEvent)
    .map(productOf);
}

function isLimit(value: number | null): boolean {
  return value === null || (Number.isSafeInteger(value) && value >= 1 && value <= PRODUCT_LIMITS.quotaMax);
}

function isInstantOrNull(value: number | null): boolean {
  return value === null || (Number.isSafeInteger(value) && value > 0);
}

interface ProductFields {
  readonly perOrderMax: number | null;
  readonly perPersonMax: number | null;
  readonly saleFromMs: number | null;
  readonly saleUntilMs: number | null;
  readonly vatRateBp: number;
  readonly position: number;
}

/** The optional fields, merged over the stored ones (or the defaults), checked. */
function productFields(input: ProductInput, before: TicketProduct | undefined): ProductFields {
  const pick = <K extends keyof ProductFields>(key: K, fallback: ProductFields[K]): ProductFields[K] => (input[key] === undefined ? (before?.[key] ?? fallback) : (input[key] as ProductFields[K]));
  const fields: ProductFields = {
    perOrderMax: pick("perOrderMax", null),
    perPersonMax: pick("perPersonMax", null),
    saleFromMs: pick("saleFromMs", null),
    saleUntilMs: pick("saleUntilMs", null),
    vatRateBp: pick("vatRateBp", DEFAULT_TICKET_VAT_BP),
    position: pick("position", 0),
  };
  if (!isLimit(fields.perOrderMax) || !isLimit(fields.perPersonMax)) fail("limit_invalid", "a limit per order or per person is a whole number, at least 1");
  if (!isInstantOrNull(fields.saleFromMs) || !isInstantOrNull(fields.saleUntilMs)) fail("sale_window_invalid", "a sale bound is an instant");
  if (fields.saleFromMs !== null && fields.saleUntilMs !== null && fields.saleUntilMs <= fields.saleFromMs) fail("sale_window_invalid", "a sale ends after it opens");
  if (!Number.isSafeInteger(fields.vatRateBp) || fields.vatRateBp < 0 || fields.vatRateBp > VAT_RATE_MAX_BP) fail("vat_rate_invalid", "a VAT rate is 0 to 100 %");
  if (!Number.isSafeInteger(fields.position) || Math.abs(fields.position) > PRODUCT_LIMITS.positionMax) fail("position_invalid", "a position is a whole number");
  return fields;
}

function checkPriceMinor(priceMinor: number | undefined): void {
  if (priceMinor === undefined || !Number.isSafeInteger(priceMinor) || priceMinor < 0 || priceMinor > PRODUCT_LIMITS.priceMinorMax) fail("price_invalid", "a price is a whole number of cents, 0 or more");
}

/**
 * Creates a product (no id) or changes one; refusals: product_name_required, product_name_too_long,
 * price_invalid, quota_invalid, limit_invalid, sale_window_invalid, vat_rate_invalid,
 * position_invalid, price_label_required, price_label_too_long, event_unknown, product_unknown.
 */
export function saveProduct(tx: Tx, deps: { readonly newId: IdFactory }, input: ProductInput): TicketProduct {
  const name = input.name.trim();
  if (!name) fail("product_name_required", "a product needs a name");
  if (name.length > PRODUCT_LIMITS.nameChars) fail("product_name_too_long", `a product name has at most ${PRODUCT_LIMITS.nameChars} characters`);
  if (input.id === undefined || input.priceMinor !== undefined) checkPriceMinor(input.priceMinor);
  if (input.quota !== null && (!Number.isSafeInteger(input.quota) || input.quota < 0 || input.quota > PRODUCT_LIMITS.quotaMax)) fail("quota_invalid", "a quota is a whole number, 0 or more");
  if (!findEvent(tx.sqlite, input.eventId)) fail("event_unknown", "no such event");
  const active = input.active ?? true;
  if (input.id === undefined) {
    const fields = productFields(input, undefined);
    const priceLabel = (input.priceLabel ?? "Plein tarif").trim();
    if (!priceLabel) fail("price_label_required", "a price needs a label");
    if (priceLabel.length > PRODUCT_LIMITS.nameChars) fail("price_label_too_long", `a price label has at most ${PRODUCT_LIMITS.nameChars} characters`);
    if (listProducts(tx.sqlite, input.eventId).length >= PRODUCT_LIMITS.perEvent) fail("quota_invalid", `an event has at most ${PRODUCT_LIMITS.perEvent} products`);
    const id = deps.newId();
    tx.sqlite
      .query(
        `INSERT INTO ticket_products (id, event_id, name, price_minor, quota, active, created_at_ms, per_order_max, per_person_max, sale_from_ms, sale_until_ms, vat_rate_bp, position)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, input.eventId, name, input.priceMinor!, input.quota, active ? 1 : 0, tx.stamp().atMs, fields.perOrderMax, fields.perPersonMax, fields.saleFromMs, fields.saleUntilMs, fields.vatRateBp, fields.position);
    // Its first price, "full", carries the product's id (as the migration gave older products).
    tx.sqlite.query("INSERT INTO ticket_prices (id, product_id, label, kind, amount_minor) VALUES (?, ?, ?, 'full', ?)").run(id, id, priceLabel, input.priceMinor!);
    return findProduct(tx.sqlite, id)!;
  }
  const before = findProduct(tx.sqlite, input.id);
  if (!before || before.eventId !== input.eventId) fail("product_unknown", "no such product");
  const fields = productFields(input, before);
  tx.sqlite
    .query("UPDATE ticket_products SET name = ?, quota = ?, active = ?, per_order_max = ?, per_person_max = ?, sale_from_ms = ?, sale_until_ms = ?, vat_rate_bp = ?, position = ? WHERE id = ?")
    .run(name, input.quota, active ? 1 : 0, fields.perOrderMax, fields.perPersonMax, fields.saleFromMs, fields.saleUntilMs, fields.vatRateBp, fields.position, input.id);
  if (input.priceMinor !== undefined) {
    const first = firstPriceId(tx.sqlite, input.id);
    if (first !== undefined) tx.sqlite.query("UPDATE ticket_prices SET amount_minor = ? WHERE id = ?").run(input.priceMinor, first);
    syncProductPrice(tx, input.id);
  }
  return findProduct(tx.sqlite, input.id)!;
}

/** The product's first price: the lowest position, then the oldest (ids are ULIDs, the first carries the product's id). */
export function firstPriceId(sqlite: Sqlite, productId: string): string | undefined {
  return sqlite.query<{ id: string }, [string]>("SELECT id FROM ticket_prices WHERE product_id = ? ORDER BY active DESC, position, id LIMIT 1").get(productId)?.id;
}

/** Keeps ticket_products.price_minor equal to the first price, for older readers. */
export function syncProductPrice(tx: Tx, productId: string): void {
  const first = firstPriceId(tx.sqlite, productId);
  if (first === undefined) return;
  tx.sqlite.query("UPDATE ticket_products SET price_minor = (SELECT amount_minor FROM ticket_prices WHERE id = ?) WHERE id = ?").run(first, productId);
}

/** Valid tickets of every product of the event (the places taken, against its capacity). */
export function eventTicketsTaken(sqlite: Sqlite, eventId: string): number {
  return sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM tickets WHERE event_id = ? AND state = 'valid'").get(eventId)!.n;
}

/** Refuses sold_out when `quantity` more tickets would pass the product's quota (shared by its prices). */
export function checkQuota(product: TicketProduct, quantity: number): void {
  if (product.quota !== null && product.issued + quantity > product.quota) fail("sold_out", "this product is sold out", { product_id: product.id, left: Math.max(0, product.quota - product.issued) });
}

/** Refuses sold_out when `quantity` more tickets would pass the event's capacity (every product together). */
export function checkCapacity(sqlite: Sqlite, event: TicketedEvent, quantity: number): void {
  if (event.capacity === null) return;
  const taken = eventTicketsTaken(sqlite, event.id);
  if (taken + quantity > event.capacity) fail("sold_out", "this event is full", { event_id: event.id, left: Math.max(0, event.capacity - taken) });
}

export interface Ticket {
  readonly id: string;
  readonly eventId: string;
  readonly productId: string;
  readonly productName: string;
  readonly holderName: string;
  readonly state: "valid" | "revoked";
  readonly qr: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly issuedAtMs: number;
  readonly revokedAtMs: number | null;
  /** The order it was sold in; null for a ticket issued by hand. */
  readonly orderId: string | null;
  readonly priceId: string | null;
  /** What was paid for it, in cents; null for a ticket issued by hand. */
  readonly amountMinor: number | null;
  readonly memberId: string | null;
}

/** A ticket's columns, for a query over `tickets t JOIN ticket_products p`. */
export const TICKET_COLUMNS = `t.id, t.event_id AS eventId, t.product_id AS productId, p.name AS productName, t.holder_name AS holderName, t.state, t.qr,
  t.valid_from_ms AS validFromMs, t.valid_until_ms AS validUntilMs, t.issued_at_ms AS issuedAtMs, t.revoked_at_ms AS revokedAtMs,
  t.order_id AS orderId, t.price_id AS priceId, t.amount_minor AS amountMinor, t.member_id AS memberId`;
const TICKET_SELECT = `SELECT ${TICKET_COLUMNS} FROM tickets t JOIN ticket_products p ON p.id = t.product_id`;

export function findTicket(sqlite: Sqlite, id: string): Ticket | undefined {
  return sqlite.query<Ticket, [string]>(`${TICKET_SELECT} WHERE t.id = ?`).get(id) ?? undefined;
}

/** The window a ticket of this event is valid in: doors minus two hours to end plus two hours. */
export function ticketWindow(event: { doorsAtMs: number; endsAtMs: number }): { validFromMs: number; validUntilMs: number } {
  return { validFromMs: event.doorsAtMs - TICKET_WINDOW_MARGIN_MS, validUntilMs: event.endsAtMs + TICKET_WINDOW_MARGIN_MS };
}

export interface NewTicket {
  readonly holderName: string;
  readonly orderId?: string | null | undefined;
  readonly priceId?: string | null | undefined;
  readonly amountMinor?: number | null | undefined;
  readonly memberId?: string | null | undefined;
}

/** Signs and stores one ticket of a product, unchecked: the caller has checked the sale and the places. */
export function insertTicket(tx: Tx, newId: IdFactory, event: TicketedEvent, productId: string, ticket: NewTicket): string {
  const id = newId();
  const window = ticketWindow(event);
  const qr = encodeTicket({ ticketId: id, eventId: event.id, productId, ...window }, eventSigner(tx.sqlite, event.id));
  tx.sqlite
    .query(
      `INSERT INTO tickets (id, event_id, product_id, holder_name, state, qr, valid_from_ms, valid_until_ms, issued_at_ms, order_id, price_id, amount_minor, member_id)
        VALUES (?, ?, ?, ?, 'valid', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(id, event.id, productId, ticket.holderName, qr, window.validFromMs, window.validUntilMs, tx.stamp().atMs, ticket.orderId ?? null, ticket.priceId ?? null, ticket.amountMinor ?? null, ticket.memberId ?? null);
  return id;
}

/** Issues one signed ticket by hand (no order); refusals: product_unknown, event_unknown, product_inactive, sold_out, holder_name_too_long. */
export function issueTicket(tx: Tx, deps: { readonly newId: IdFactory }, input: { productId: string; holderName: string }): Ticket {
  const product = findProduct(tx.sqlite, input.productId);
  if (!product) fail("product_unknown", "no such product");
  const event = findEvent(tx.sqlite, product.eventId);
  if (!event) fail("event_unknown", "no such event");
  if (!product.active) fail("product_inactive", "this product is not on sale");
  const holderName = input.holderName.trim();
  if (holderName.length > PRODUCT_LIMITS.holderChars) fail("holder_name_too_long", `a holder's name has at most ${PRODUCT_LIMITS.holderChars} characters`);
  // The writer runs one transaction at a time: counting here cannot race another sale.
  checkQuota(product, 1);
  checkCapacity(tx.sqlite, event, 1);
  const id = insertTicket(tx, deps.newId, event, product.id, { holderName });
  return findTicket(tx.sqlite, id)!;
}

/**
 * Revokes a ticket (it is refused at the door from now on); refusals: ticket_unknown, already_revoked.
 * With `deps`, its freed place goes to the waiting list (a mail to the next person waiting).
 */
export function revokeTicket(tx: Tx, ticketId: string, deps?: { readonly newId: IdFactory }): Ticket {
  const ticket = findTicket(tx.sqlite, ticketId);
  if (!ticket) fail("ticket_unknown", "no such ticket");
  if (ticket.state === "revoked") fail("already_revoked", "this ticket is already revoked");
  tx.sqlite.query("UPDATE tickets SET state = 'revoked', revoked_at_ms = ? WHERE id = ?").run(tx.stamp().atMs, ticketId);
  if (deps) notifyWaitingList(tx, deps, { eventId: ticket.eventId, productId: ticket.productId, freed: 1 });
  return findTicket(tx.sqlite, ticketId)!;
}

