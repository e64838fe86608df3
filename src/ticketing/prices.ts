/**
 * A ticket product's prices. The quota is the product's, shared by all its prices; a price only
 * says what one ticket costs and who may take it: `full` and `reduced` anyone, `member` a member
 * with a valid membership (checked when ordering), `free` lets the buyer choose, at least
 * `amountMinor`. The first price (lowest position, then the oldest) is mirrored into
 * `ticket_products.price_minor` for older readers.
 */
import { fail, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findProduct, PRODUCT_LIMITS, syncProductPrice } from "./issue.ts";
import { TICKET_PRICE_KINDS } from "./schema.ts";

export type TicketPriceKind = (typeof TICKET_PRICE_KINDS)[number];

export const PRICE_LIMITS = { labelChars: 100, perProduct: 20 } as const;

export interface TicketPrice {
  readonly id: string;
  readonly productId: string;
  readonly label: string;
  readonly kind: TicketPriceKind;
  /** The price in cents; for a free price, its minimum. */
  readonly amountMinor: number;
  readonly active: boolean;
  readonly position: number;
}

export interface PriceInput {
  /** Absent to create. */
  readonly id?: string | undefined;
  readonly productId: string;
  readonly label: string;
  readonly kind: string;
  readonly amountMinor: number;
  readonly active?: boolean | undefined;
  readonly position?: number | undefined;
}

const COLUMNS = "id, product_id AS productId, label, kind, amount_minor AS amountMinor, active, position";
type Row = Omit<TicketPrice, "active"> & { active: number };
const priceOf = (row: Row): TicketPrice => ({ ...row, active: row.active === 1 });

export function isPriceKind(kind: string): kind is TicketPriceKind {
  return (TICKET_PRICE_KINDS as readonly string[]).includes(kind);
}

export function findPrice(sqlite: Sqlite, id: string): TicketPrice | undefined {
  const row = sqlite.query<Row, [string]>(`SELECT ${COLUMNS} FROM ticket_prices WHERE id = ?`).get(id);
  return row ? priceOf(row) : undefined;
}

/** A product's prices, first price first; `activeOnly` leaves out withdrawn ones. */
export function listPrices(sqlite: Sqlite, productId: string, options: { readonly activeOnly?: boolean } = {}): TicketPrice[] {
  const where = options.activeOnly ? "AND active = 1" : "";
  return sqlite
    .query<Row, [string, number]>(`SELECT ${COLUMNS} FROM ticket_prices WHERE product_id = ? ${where} ORDER BY active DESC, position, id LIMIT ?`)
    .all(productId, PRICE_LIMITS.perProduct)
    .map(priceOf);
}

/** Every price of an event's products (for the box office's sell form), by product. */
export function listEventPrices(sqlite: Sqlite, eventId: string): TicketPrice[] {
  return sqlite
    .query<Row, [string, number]>(
      `SELECT pr.id, pr.product_id AS productId, pr.label, pr.kind, pr.amount_minor AS amountMinor, pr.active, pr.position FROM ticket_prices pr JOIN ticket_products p ON p.id = pr.product_id
        WHERE p.event_id = ? ORDER BY p.position, p.created_at_ms, p.id, pr.active DESC, pr.position, pr.id LIMIT ?`,
    )
    .all(eventId, PRODUCT_LIMITS.perEvent * PRICE_LIMITS.perProduct)
    .map(priceOf);
}

/**
 * Creates a price (no id) or changes one, in the product's transaction, and keeps the product's
 * price_minor equal to the first price. Refusals: price_label_required, price_label_too_long,
 * price_kind_invalid, price_invalid, position_invalid, product_unknown, price_unknown, prices_full.
 */
export function savePrice(tx: Tx, deps: { readonly newId: IdFactory }, input: PriceInput): TicketPrice {
  const label = input.label.trim();
  if (!label) fail("price_label_required", "a price needs a label");
  if (label.length > PRICE_LIMITS.labelChars) fail("price_label_too_long", `a price label has at most ${PRICE_LIMITS.labelChars} characters`);
  const kind = input.kind.trim();
  if (!isPriceKind(kind)) fail("price_kind_invalid", `a price is one of ${TICKET_PRICE_KINDS.join(", ")}`);
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0 || input.amountMinor > PRODUCT_LIMITS.priceMinorMax) fail("price_invalid", "a price is a whole number of cents, 0 or more");
  const position = input.position;
  if (position !== undefined && (!Number.isSafeInteger(position) || Math.abs(position) > PRODUCT_LIMITS.positionMax)) fail("position_invalid", "a position is a whole number");
  if (!findProduct(tx.sqlite, input.productId)) fail("product_unknown", "no such product");
  let id: string;
  if (input.id === undefined) {
    const count = tx.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM ticket_prices WHERE product_id = ?").get(input.productId)!.n;
    if (count >= PRICE_LIMITS.perProduct) fail("prices_full", `a product has at most ${PRICE_LIMITS.perProduct} prices`);
    id = deps.newId();
    // A new price goes after the others unless told otherwise.
    const last = tx.sqlite.query<{ p: number | null }, [string]>("SELECT max(position) AS p FROM ticket_prices WHERE product_id = ?").get(input.productId)!.p;
    tx.sqlite
      .query("INSERT INTO ticket_prices (id, product_id, label, kind, amount_minor, active, position) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(id, input.productId, label, kind, input.amountMinor, (input.active ?? true) ? 1 : 0, position ?? (last ?? 0) + 1);
  } else {
    const before = findPrice(tx.sqlite, input.id);
    if (!before || before.productId !== input.productId) fail("price_unknown", "no such price");
    id = before.id;
    tx.sqlite
      .query("UPDATE ticket_prices SET label = ?, kind = ?, amount_minor = ?, active = ?, position = ? WHERE id = ?")
      .run(label, kind, input.amountMinor, (input.active ?? before.active) ? 1 : 0, position ?? before.position, id);
  }
  syncProductPrice(tx, input.productId);
  return findPrice(tx.sqlite, id)!;
}
