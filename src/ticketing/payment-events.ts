/**
 * What a verified payment notification does to an order, once. Every notification gets a row in
 * `payment_events` keyed by (provider, event id) in the same transaction as its effect, so a
 * notification sent again (providers retry until they get a 2xx) finds its row and does nothing.
 *
 * Outcomes (stored, and answered to the provider with a 200 so that it stops retrying):
 * - paid: a held or pay-on-site order is paid through markOrderPaid (method online);
 * - already_paid: the order was paid by this same checkout already;
 * - paid_after_close: the money came for an order that had expired or been cancelled (the hold
 *   ran out first): nothing changes, the admin refunds it from the provider's dashboard;
 * - amount_mismatch: the amount or currency is not the order's: not paid, to be looked at;
 * - checkout_mismatch: the event names another checkout than the one started for the order;
 * - cancelled: the checkout expired or its payment failed while the order was still held;
 * - already_closed: same, but the order had expired or been closed already;
 * - unknown_order: no order of this box has that id;
 * - ignored: a type we do not act on, or a payment still pending;
 * - refused:<code>: orders refused the change (its stable code).
 */
import type { Tx } from "../db/index.ts";
import { fail, isAppError, type IdFactory, type Signer } from "../kernel/index.ts";
import { cancelOrder, findOrder, markOrderPaid } from "./orders.ts";
import type { PaymentEvent } from "./payments.ts";

export interface PaymentEventResult {
  readonly outcome: string;
  readonly orderId: string | null;
  /** True when this notification had been handled before: nothing was done this time. */
  readonly duplicate: boolean;
}

export interface PaymentEventDeps {
  readonly newId: IdFactory;
  readonly signer: Signer;
}

function decide(tx: Tx, deps: PaymentEventDeps, event: PaymentEvent, nowMs: number): { outcome: string; orderId: string | null } {
  const order = event.orderId ? findOrder(tx.sqlite, event.orderId) : undefined;
  if (!order) return { outcome: event.kind === "other" ? "ignored" : "unknown_order", orderId: null };
  const orderId = order.id;
  if (event.kind === "other" || event.kind === "pending") return { outcome: "ignored", orderId };
  if (order.providerRef !== null && event.providerRef !== null && (order.provider !== event.provider || order.providerRef !== event.providerRef)) {
    return { outcome: "checkout_mismatch", orderId };
  }
  const actor = `provider:${event.provider}`;
  try {
    if (event.kind === "paid") {
      if (order.state === "paid") return { outcome: order.providerRef === event.providerRef ? "already_paid" : "checkout_mismatch", orderId };
      if (order.state !== "held" && order.state !== "pay_on_site") return { outcome: "paid_after_close", orderId };
      if (event.amountMinor !== order.totalMinor || event.currency !== "eur") return { outcome: "amount_mismatch", orderId };
      markOrderPaid(tx, deps, { orderId, method: "online", provider: event.provider, providerRef: event.providerRef, nowMs, actor });
      return { outcome: "paid", orderId };
    }
    // expired or failed: the checkout is over without the money.
    if (order.state !== "held") return { outcome: "already_closed", orderId };
    cancelOrder(tx, deps, { orderId, nowMs, actor });
    return { outcome: "cancelled", orderId };
  } catch (error) {
    // orders refuses before writing anything, so the transaction is still clean here.
    if (isAppError(error)) return { outcome: `refused:${error.code}`, orderId };
    throw error;
  }
}

/** Applies a verified notification once, in the caller's transaction. */
export function applyPaymentEvent(tx: Tx, deps: PaymentEventDeps, event: PaymentEvent, nowMs: number): PaymentEventResult {
  const seen = tx.sqlite
    .query<{ outcome: string; order_id: string | null }, [string, string]>("SELECT outcome, order_id FROM payment_events WHERE provider = ? AND event_id = ?")
    .get(event.provider, event.eventId);
  if (seen) return { outcome: seen.outcome, orderId: seen.order_id, duplicate: true };
  const { outcome, orderId } = decide(tx, deps, event, nowMs);
  tx.sqlite
    .query("INSERT INTO payment_events (provider, event_id, type, order_id, received_at_ms, outcome) VALUES (?, ?, ?, ?, ?, ?)")
    .run(event.provider, event.eventId.slice(0, 255), event.type.slice(0, 100), orderId, nowMs, outcome);
  return { outcome, orderId, duplicate: false };
}

/**
 * Records on a held order the checkout started for it (provider and its reference), so that the
 * notification can be matched and the checkout closed when the hold ends. Only a held order takes
 * one; the same reference again changes nothing. Refusals: order_unknown, order_not_payable,
 * checkout_mismatch (another checkout is recorded already).
 */
export function attachCheckout(tx: Tx, input: { readonly orderId: string; readonly provider: string; readonly providerRef: string }): void {
  const order = findOrder(tx.sqlite, input.orderId);
  if (!order) fail("order_unknown", "no such order");
  if (order.provider === input.provider && order.providerRef === input.providerRef) return;
  if (order.state !== "held") fail("order_not_payable", `this order is ${order.state}`);
  if (order.providerRef !== null) fail("checkout_mismatch", "another checkout is recorded for this order");
  tx.sqlite.query("UPDATE orders SET provider = ?, provider_ref = ? WHERE id = ? AND state = 'held'").run(input.provider, input.providerRef, order.id);
}

/** Held orders just expired at `closedAtMs` that had a checkout: to close at the provider. */
export function checkoutsToClose(tx: Tx, closedAtMs: number): { provider: string; providerRef: string }[] {
  return tx.sqlite
    .query<{ provider: string; providerRef: string }, [number]>(
      "SELECT provider, provider_ref AS providerRef FROM orders WHERE state = 'expired' AND closed_at_ms = ? AND provider IS NOT NULL AND provider_ref IS NOT NULL",
    )
    .all(closedAtMs);
}
