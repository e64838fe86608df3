/**
 * Orders paid online (a payment provider: Stripe) in the treasurer's books. They are not sales of
 * a cash register: the money never passes a till or a drawer, the provider keeps its own record
 * of each payment, and the order (its lines, amounts and signed event-log records) is the piece;
 * so no fiscal record is made for them (docs/pos.md, "Where each channel's money is recorded").
 * They still are revenue with VAT: the FEC gives them their own journal (exports.ts) and the
 * reports their own block, read here.
 *
 * An order counts on the business day it was paid (paid_at_ms); its refund on the day it was
 * refunded (closed_at_ms), the way the money went back (the `order.refunded` record's method:
 * online, cash or terminal; "free" gives nothing back, so the revenue stays). The VAT of an order
 * is computed per rate over its lines like a receipt's (order-cart.ts), so a refund reverses
 * exactly what the sale recorded.
 */
import type { Sqlite } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { fail } from "../kernel/index.ts";
import { findOrder } from "../ticketing/index.ts";
import type { Window } from "./business-day.ts";
import { orderCart } from "./order-cart.ts";
import type { VatLine } from "./vat.ts";

/** Online orders read for one window (a day of the FEC, a report's range): a bound, as every list. */
export const ONLINE_BOOK_LIMITS = { ordersPerWindow: 50_000 } as const;

export interface OnlineOrderFigure {
  readonly orderId: string;
  readonly reference: string;
  readonly total: number;
  readonly vat: readonly VatLine[];
  /** How the money went back (refunds only): online, cash, terminal or free. */
  readonly refundMethod: string | null;
}

export interface OnlineOrders {
  readonly paid: readonly OnlineOrderFigure[];
  readonly refunded: readonly OnlineOrderFigure[];
}

function refundMethodOf(sqlite: Sqlite, orderId: string): string {
  const row = sqlite.query<{ detail: string }, [string]>("SELECT detail FROM event_log WHERE kind = 'order.refunded' AND subject = ? ORDER BY seq DESC LIMIT 1").get(`order:${orderId}`);
  const method = row ? (JSON.parse(row.detail) as { method?: unknown }).method : undefined;
  return typeof method === "string" ? method : "online";
}

function figuresOf(sqlite: Sqlite, ids: ReadonlyArray<{ id: string }>, vatStatus: "liable" | "franchise", refunds: boolean): OnlineOrderFigure[] {
  if (ids.length > ONLINE_BOOK_LIMITS.ordersPerWindow) fail("export_too_large", "too many online orders in one range: choose a shorter one");
  return ids.map(({ id }) => {
    const order = findOrder(sqlite, id)!;
    const cart = orderCart(sqlite, order, vatStatus);
    return { orderId: order.id, reference: order.reference, total: order.totalMinor, vat: cart.vat, refundMethod: refunds ? refundMethodOf(sqlite, order.id) : null };
  });
}

/** The orders paid online in a window, and the online orders refunded in it (the window's start included, its end not). */
export function onlineOrders(sqlite: Sqlite, window: Window): OnlineOrders {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  const limit = ONLINE_BOOK_LIMITS.ordersPerWindow + 1;
  const paid = sqlite
    .query<{ id: string }, [number, number, number]>(
      "SELECT id FROM orders WHERE payment_method = 'online' AND total_minor > 0 AND paid_at_ms >= ? AND paid_at_ms < ? ORDER BY paid_at_ms, id LIMIT ?",
    )
    .all(window.startMs, window.endMs, limit);
  const refunded = sqlite
    .query<{ id: string }, [number, number, number]>(
      "SELECT id FROM orders WHERE payment_method = 'online' AND total_minor > 0 AND state = 'refunded' AND closed_at_ms >= ? AND closed_at_ms < ? ORDER BY closed_at_ms, id LIMIT ?",
    )
    .all(window.startMs, window.endMs, limit);
  return { paid: figuresOf(sqlite, paid, venue.vatStatus, false), refunded: figuresOf(sqlite, refunded, venue.vatStatus, true) };
}

export interface OnlineSalesSummary {
  /** Orders paid online in the range, and their total (VAT included). */
  readonly count: number;
  readonly total: number;
  /** Online orders refunded in the range (by whatever way), and what went back. */
  readonly refundCount: number;
  readonly refunded: number;
  /** total − refunded. */
  readonly net: number;
}

/** The reports' online block for a window. */
export function onlineSalesSummary(sqlite: Sqlite, window: Window): OnlineSalesSummary {
  const { paid, refunded } = onlineOrders(sqlite, window);
  const total = paid.reduce((sum, order) => sum + order.total, 0);
  // A refund "free" gave nothing back.
  const back = refunded.filter((order) => order.refundMethod !== "free");
  const refundedTotal = back.reduce((sum, order) => sum + order.total, 0);
  return { count: paid.length, total, refundCount: back.length, refunded: refundedTotal, net: total - refundedTotal };
}
