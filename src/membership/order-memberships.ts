/**
 * Memberships granted by a ticketing order end when the order is refunded (or cancelled after a
 * grant, which createOrder never does for an unpaid order, so in practice: refunded, or its till
 * sale voided). Ending keeps the row (what was sold stays readable): its window is cut at now, and
 * a window that had not started yet (a renewal bought while the previous one ran) becomes empty
 * (until = from), so it is never valid. Time is a parameter.
 */
import { assert } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

/** Ends the memberships the order granted that still run at nowMs; answers how many. */
export function endMembershipsOfOrder(tx: Tx, orderId: string, nowMs: number): number {
  assert(typeof orderId === "string" && Number.isSafeInteger(nowMs), "an order id and now");
  return tx.sqlite
    .query("UPDATE memberships SET valid_until_ms = max(valid_from_ms, ?) WHERE order_id = ? AND valid_until_ms > ?")
    .run(nowMs, orderId, nowMs).changes;
}

export interface OrderMembership {
  readonly label: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

/** The memberships an order granted (none before it is paid), oldest first. */
export function membershipsOfOrder(sqlite: Sqlite, orderId: string): OrderMembership[] {
  return sqlite
    .query<OrderMembership, [string]>("SELECT label, valid_from_ms AS validFromMs, valid_until_ms AS validUntilMs FROM memberships WHERE order_id = ? ORDER BY created_at_ms, id LIMIT 20")
    .all(orderId);
}
