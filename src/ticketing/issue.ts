/**
 * Ticket products (minimal: a name, one price, an optional quota) and issued tickets. Issuing signs
 * the QR payload with the event's key; a ticket is valid from two hours before the doors open to
 * two hours after the end. A revoked ticket gives its place in the quota back.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findEvent } from "./events.ts";
import { eventSigner } from "./keys.ts";
import { encodeTicket } from "./tickets.ts";

/** Tickets open this long before the doors and close this long after the end. */
export const TICKET_WINDOW_MARGIN_MS = 2 * 3_600_000;

export const PRODUCT_LIMITS = { nameChars: 100, priceMinorMax: 100_000_000, quotaMax: 1_000_000, holderChars: 200, perEvent: 100 } as const;

export interface TicketProduct {
  readonly id: string;
  readonly eventId: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly quota: number | null;
  readonly active: boolean;
  readonly createdAtMs: number;
  /** Tickets issued and not revoked. */
  readonly issued: number;
}

export interface ProductInput {
  /** Absent to create. */
  readonly id?: string | undefined;
  readonly eventId: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly quota: number | null;
  readonly active?: boolean | undefined;
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
}

const PRODUCT_SELECT = `SELECT p.id, p.event_id AS eventId, p.name, p.price_minor AS priceMinor, p.quota, p.active, p.created_at_ms AS createdAtMs,
  (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued FROM ticket_products p`;

type ProductRow = Omit<TicketProduct, "active"> & { active: number };
const productOf = (row: ProductRow): TicketProduct => ({ ...row, active: row.active === 1 });

export function findProduct(sqlite: Sqlite, id: string): TicketProduct | undefined {
  const row = sqlite.query<ProductRow, [string]>(`${PRODUCT_SELECT} WHERE p.id = ?`).get(id);
  return row ? productOf(row) : undefined;
}

export function listProducts(sqlite: Sqlite, eventId: string): TicketProduct[] {
  return sqlite.query<ProductRow, [string, number]>(`${PRODUCT_SELECT} WHERE p.event_id = ? ORDER BY p.created_at_ms, p.id LIMIT ?`).all(eventId, PRODUCT_LIMITS.perEvent).map(productOf);
}

/** Creates a product (no id) or changes one; refusals: product_name_required, product_name_too_long, price_invalid, quota_invalid, event_unknown, product_unknown. */
export function saveProduct(tx: Tx, deps: { readonly newId: IdFactory }, input: ProductInput): TicketProduct {
  const name = input.name.trim();
  if (!name) fail("product_name_required", "a product needs a name");
  if (name.length > PRODUCT_LIMITS.nameChars) fail("product_name_too_long", `a product name has at most ${PRODUCT_LIMITS.nameChars} characters`);
  if (!Number.isSafeInteger(input.priceMinor) || input.priceMinor < 0 || input.priceMinor > PRODUCT_LIMITS.priceMinorMax) fail("price_invalid", "a price is a whole number of cents, 0 or more");
  if (input.quota !== null && (!Number.isSafeInteger(input.quota) || input.quota < 0 || input.quota > PRODUCT_LIMITS.quotaMax)) fail("quota_invalid", "a quota is a whole number, 0 or more");
  if (!findEvent(tx.sqlite, input.eventId)) fail("event_unknown", "no such event");
  const active = input.active ?? true;
  if (input.id === undefined) {
    if (listProducts(tx.sqlite, input.eventId).length >= PRODUCT_LIMITS.perEvent) fail("quota_invalid", `an event has at most ${PRODUCT_LIMITS.perEvent} products`);
    const id = deps.newId();
    tx.sqlite
      .query("INSERT INTO ticket_products (id, event_id, name, price_minor, quota, active, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, input.eventId, name, input.priceMinor, input.quota, active ? 1 : 0, tx.stamp().atMs);
    // Its first price, "full", carries the product's id (as the migration gave older products).
    tx.sqlite.query("INSERT INTO ticket_prices (id, product_id, label, kind, amount_minor) VALUES (?, ?, 'Plein tarif', 'full', ?)").run(id, id, input.priceMinor);
    return findProduct(tx.sqlite, id)!;
  }
  const before = findProduct(tx.sqlite, input.id);
  if (!before || before.eventId !== input.eventId) fail("product_unknown", "no such product");
  tx.sqlite.query("UPDATE ticket_products SET name = ?, price_minor = ?, quota = ?, active = ? WHERE id = ?").run(name, input.priceMinor, input.quota, active ? 1 : 0, input.id);
  tx.sqlite.query("UPDATE ticket_prices SET amount_minor = ? WHERE id = ?").run(input.priceMinor, input.id);
  return findProduct(tx.sqlite, input.id)!;
}

const TICKET_SELECT = `SELECT t.id, t.event_id AS eventId, t.product_id AS productId, p.name AS productName, t.holder_name AS holderName, t.state, t.qr,
  t.valid_from_ms AS validFromMs, t.valid_until_ms AS validUntilMs, t.issued_at_ms AS issuedAtMs, t.revoked_at_ms AS revokedAtMs
  FROM tickets t JOIN ticket_products p ON p.id = t.product_id`;

export function findTicket(sqlite: Sqlite, id: string): Ticket | undefined {
  return sqlite.query<Ticket, [string]>(`${TICKET_SELECT} WHERE t.id = ?`).get(id) ?? undefined;
}

/** The window a ticket of this event is valid in: doors minus two hours to end plus two hours. */
export function ticketWindow(event: { doorsAtMs: number; endsAtMs: number }): { validFromMs: number; validUntilMs: number } {
  return { validFromMs: event.doorsAtMs - TICKET_WINDOW_MARGIN_MS, validUntilMs: event.endsAtMs + TICKET_WINDOW_MARGIN_MS };
}

/** Issues one signed ticket; refusals: product_unknown, event_unknown, product_inactive, sold_out, holder_name_too_long. */
export function issueTicket(tx: Tx, deps: { readonly newId: IdFactory }, input: { productId: string; holderName: string }): Ticket {
  const product = findProduct(tx.sqlite, input.productId);
  if (!product) fail("product_unknown", "no such product");
  const event = findEvent(tx.sqlite, product.eventId);
  if (!event) fail("event_unknown", "no such event");
  if (!product.active) fail("product_inactive", "this product is not on sale");
  const holderName = input.holderName.trim();
  if (holderName.length > PRODUCT_LIMITS.holderChars) fail("holder_name_too_long", `a holder's name has at most ${PRODUCT_LIMITS.holderChars} characters`);
  // The writer runs one transaction at a time: counting here cannot race another issue.
  if (product.quota !== null && product.issued >= product.quota) fail("sold_out", "this product is sold out");
  const id = deps.newId();
  const window = ticketWindow(event);
  const qr = encodeTicket({ ticketId: id, eventId: event.id, productId: product.id, ...window }, eventSigner(tx.sqlite, event.id));
  tx.sqlite
    .query("INSERT INTO tickets (id, event_id, product_id, holder_name, state, qr, valid_from_ms, valid_until_ms, issued_at_ms) VALUES (?, ?, ?, ?, 'valid', ?, ?, ?, ?)")
    .run(id, event.id, product.id, holderName, qr, window.validFromMs, window.validUntilMs, tx.stamp().atMs);
  return findTicket(tx.sqlite, id)!;
}

/** Revokes a ticket (it is refused at the door from now on); refusals: ticket_unknown, already_revoked. */
export function revokeTicket(tx: Tx, ticketId: string): Ticket {
  const ticket = findTicket(tx.sqlite, ticketId);
  if (!ticket) fail("ticket_unknown", "no such ticket");
  if (ticket.state === "revoked") fail("already_revoked", "this ticket is already revoked");
  tx.sqlite.query("UPDATE tickets SET state = 'revoked', revoked_at_ms = ? WHERE id = ?").run(tx.stamp().atMs, ticketId);
  return findTicket(tx.sqlite, ticketId)!;
}
