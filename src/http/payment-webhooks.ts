/**
 * `POST /api/v1/payments/stripe/webhook`: Stripe's notifications. Public (Stripe has no session),
 * so nothing is believed before the `Stripe-Signature` header is verified against the raw body
 * (stripe.ts); a refused one is 400 with its code (signature_missing, signature_invalid,
 * signature_expired, payload_invalid) and changes nothing. A verified one is applied once
 * (payment-events.ts: deduplicated on (provider, event id)) and answered 200 with its outcome,
 * also when it names no order of ours, so that Stripe stops sending it.
 */
import { applyPaymentEvent, readOnlineSalesSettings } from "../ticketing/index.ts";
import type { Ctx } from "./context.ts";
import { currentProvider } from "./online-sales.ts";
import { json, jsonError } from "./respond.ts";
import type { Route } from "./router.ts";

/** Outcomes an admin has to look at (money taken that the order did not get). */
const NEEDS_ATTENTION = new Set(["paid_after_close", "amount_mismatch", "checkout_mismatch"]);

async function stripeWebhook(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const provider = currentProvider(ctx, readOnlineSalesSettings(deps.writer.sqlite));
  if (!provider || provider.name !== "stripe") return jsonError("payments_not_configured", "Stripe is not configured on this box");
  const nowMs = deps.clock.nowMs();
  const reading = provider.parseWebhook(ctx.rawBody, ctx.request.headers, nowMs);
  if (!reading.ok) {
    deps.logger.log("warn", "payment notification refused", { provider: provider.name, code: reading.code, address: ctx.address });
    return jsonError(reading.code, reading.message, 400);
  }
  const { event } = reading;
  const result = await deps.writer.submit((tx) => applyPaymentEvent(tx, { newId: deps.newId, signer: deps.signer }, event, nowMs));
  const level = NEEDS_ATTENTION.has(result.outcome) ? "error" : "info";
  deps.logger.log(level, "payment notification", { provider: provider.name, event_id: event.eventId, type: event.type, order_id: result.orderId, outcome: result.outcome, duplicate: result.duplicate });
  return json({ received: true, outcome: result.outcome, duplicate: result.duplicate });
}

export const paymentWebhookRoutes: readonly Route[] = [{ method: "POST", path: "/api/v1/payments/stripe/webhook", access: { kind: "anyone" }, handle: stripeWebhook }];
