/**
 * The Stripe adapter of the payment-provider port (payments.ts), over an injected fetch: no SDK.
 *
 * - startCheckout creates a Checkout Session: a form-encoded POST /v1/checkout/sessions with one
 *   line_items[i][price_data] per line in EUR cents, mode=payment, client_reference_id and
 *   metadata[order_id] = the order id, expires_at, the return addresses, and the header
 *   `Idempotency-Key: <order id>` so that a retry never opens a second session for one order.
 *   Stripe takes expires_at only between 30 minutes and 24 hours ahead, so the session is set to
 *   end 31 minutes after our hold (a value that depends on the hold alone: a retried request carries
 *   the same parameters, as an idempotency key requires), and the hold job closes the session
 *   (expireCheckout) as soon as our hold ends. A payment that still slips in is recorded for a refund.
 * - parseWebhook checks the `Stripe-Signature` header as Stripe documents it: `t=<unix seconds>`
 *   and one or more `v1=<hex>` (other schemes ignored), where v1 is HMAC-SHA256 of
 *   `${t}.${rawBody}` under the endpoint's signing secret; any v1 may match (secret rotation);
 *   compared in constant time; then the timestamp must be within 300 s of now. The body is read
 *   only once the signature holds.
 *
 * The API base address is injectable so that tests run it against a local server.
 */
import { assert, fail, type Clock } from "../kernel/index.ts";
import { checkCheckoutRequest, hmacSha256Hex, PAYMENT_LIMITS, sameHexDigest, type CheckoutRequest, type CheckoutStarted, type PaymentEvent, type PaymentEventKind, type PaymentProvider, type WebhookReading } from "./payments.ts";

export const STRIPE_API_BASE = "https://api.stripe.com";

/** Stripe refuses a session expiring sooner than 30 minutes after its creation: ours ends this long after the hold. */
export const STRIPE_SESSION_AFTER_HOLD_MS = 31 * 60_000;
/** ... or later than 24 hours after it. */
export const STRIPE_MAX_SESSION_MS = 24 * 3_600_000;

export interface StripeOptions {
  /** sk_live_..., sk_test_... or a restricted rk_... key. */
  readonly secretKey: string;
  /** whsec_...: the webhook endpoint's signing secret. */
  readonly webhookSecret: string;
  readonly clock: Clock;
  readonly fetch?: typeof fetch;
  readonly apiBaseUrl?: string;
  readonly timeoutMs?: number;
}

export type SignatureCheck = { readonly ok: true; readonly timestampS: number } | { readonly ok: false; readonly code: "signature_missing" | "signature_invalid" | "signature_expired"; readonly message: string };

/**
 * Verifies a Stripe-Signature header against the raw body at `nowMs`. Missing header or no v1
 * signature: signature_missing; malformed, or no v1 matching: signature_invalid; authentic but
 * more than `toleranceS` away from now: signature_expired (a replay, or a clock far off).
 */
export function verifyStripeSignature(rawBody: string, header: string | null, secret: string, nowMs: number, toleranceS: number = PAYMENT_LIMITS.webhookToleranceS): SignatureCheck {
  assert(secret.length > 0, "a webhook secret is needed to verify");
  if (!header || header.trim() === "") return { ok: false, code: "signature_missing", message: "no Stripe-Signature header" };
  let timestamp: string | undefined;
  const signatures: string[] = [];
  // Bounded: a header of more than 32 elements is not Stripe's.
  const elements = header.split(",");
  if (elements.length > 32) return { ok: false, code: "signature_invalid", message: "malformed Stripe-Signature header" };
  for (const element of elements) {
    const at = element.indexOf("=");
    if (at < 0) continue;
    const key = element.slice(0, at).trim();
    const value = element.slice(at + 1).trim();
    if (key === "t") timestamp = value;
    else if (key === "v1") signatures.push(value);
  }
  if (signatures.length === 0) return { ok: false, code: "signature_missing", message: "no v1 signature in the Stripe-Signature header" };
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return { ok: false, code: "signature_invalid", message: "malformed timestamp in the Stripe-Signature header" };
  const expected = hmacSha256Hex(secret, `${timestamp}.${rawBody}`);
  // Every v1 is compared (no early exit), so the time taken does not say which one matched.
  let matched = false;
  for (const signature of signatures) matched = sameHexDigest(expected, signature) || matched;
  if (!matched) return { ok: false, code: "signature_invalid", message: "no signature matches the body" };
  const timestampS = Number(timestamp);
  if (Math.abs(nowMs / 1000 - timestampS) > toleranceS) return { ok: false, code: "signature_expired", message: `the signature is more than ${toleranceS} s away from now` };
  return { ok: true, timestampS };
}

/** The form body of a Checkout Session for a request, as Stripe's bracket notation. */
export function checkoutSessionForm(request: CheckoutRequest, nowMs: number): URLSearchParams {
  const form = new URLSearchParams();
  form.set("mode", "payment");
  form.set("success_url", request.successUrl);
  form.set("cancel_url", request.cancelUrl);
  form.set("client_reference_id", request.order.id);
  form.set("metadata[order_id]", request.order.id);
  form.set("metadata[order_reference]", request.order.reference);
  const expiresAtMs = request.expiresAtMs + STRIPE_SESSION_AFTER_HOLD_MS;
  if (expiresAtMs - nowMs < 30 * 60_000) fail("order_hold_over", "the hold of this order is over");
  assert(expiresAtMs - nowMs <= STRIPE_MAX_SESSION_MS, "a hold is shorter than 23 hours (ONLINE_SALES_LIMITS)");
  form.set("expires_at", String(Math.floor(expiresAtMs / 1000)));
  if (request.order.buyerEmail) form.set("customer_email", request.order.buyerEmail);
  if (request.order.lang === "fr" || request.order.lang === "en") form.set("locale", request.order.lang);
  let index = 0;
  for (const line of request.lines) {
    // Stripe wants a positive total; a free line (an invitation in a paid order) is not sent.
    if (line.unitMinor === 0) continue;
    form.set(`line_items[${index}][price_data][currency]`, "eur");
    form.set(`line_items[${index}][price_data][unit_amount]`, String(line.unitMinor));
    form.set(`line_items[${index}][price_data][product_data][name]`, line.label.slice(0, PAYMENT_LIMITS.labelChars));
    form.set(`line_items[${index}][quantity]`, String(line.quantity));
    index++;
  }
  return form;
}

const KIND_OF_TYPE: Readonly<Record<string, PaymentEventKind>> = {
  "checkout.session.async_payment_succeeded": "paid",
  "checkout.session.async_payment_failed": "failed",
  "checkout.session.expired": "expired",
};

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads a verified Stripe event body into the port's terms. */
export function readStripeEvent(rawBody: string): PaymentEvent | undefined {
  let body: Record<string, unknown> | undefined;
  try {
    body = record(JSON.parse(rawBody));
  } catch {
    return undefined;
  }
  if (!body || typeof body.id !== "string" || typeof body.type !== "string") return undefined;
  const session = record(record(body.data)?.object);
  const isSession = session?.object === "checkout.session";
  let kind: PaymentEventKind = "other";
  if (isSession && body.type === "checkout.session.completed") {
    // A delayed method (SEPA debit) completes the session unpaid; async_payment_succeeded follows.
    kind = session.payment_status === "paid" || session.payment_status === "no_payment_required" ? "paid" : "pending";
  } else if (isSession) kind = KIND_OF_TYPE[body.type] ?? "other";
  const metadata = record(session?.metadata);
  const orderId = typeof metadata?.order_id === "string" ? metadata.order_id : typeof session?.client_reference_id === "string" ? session.client_reference_id : null;
  return {
    provider: "stripe",
    eventId: body.id,
    type: body.type,
    kind,
    orderId: isSession ? orderId : null,
    providerRef: isSession && typeof session.id === "string" ? session.id : null,
    amountMinor: isSession && Number.isSafeInteger(session.amount_total) ? (session.amount_total as number) : null,
    currency: isSession && typeof session.currency === "string" ? session.currency : null,
  };
}

async function stripeCall(options: StripeOptions, path: string, form: URLSearchParams, idempotencyKey?: string): Promise<Record<string, unknown>> {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { authorization: `Bearer ${options.secretKey}`, "content-type": "application/x-www-form-urlencoded" };
  if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
  let response: Response;
  let body: Record<string, unknown> | undefined;
  try {
    response = await doFetch(`${options.apiBaseUrl ?? STRIPE_API_BASE}${path}`, {
      method: "POST",
      headers,
      body: form.toString(),
      signal: AbortSignal.timeout(options.timeoutMs ?? PAYMENT_LIMITS.requestTimeoutMs),
    });
    body = record(await response.json().catch(() => undefined));
  } catch {
    fail("payment_provider_unavailable", "the payment provider could not be reached");
  }
  if (response.status >= 500 || response.status === 429) fail("payment_provider_unavailable", `the payment provider answered ${response.status}`);
  if (!response.ok) {
    const message = record(body?.error)?.message;
    // Stripe's message names the parameter at fault, never our key: safe to show the admin in logs.
    fail("payment_provider_refused", typeof message === "string" ? message.slice(0, 300) : `the payment provider answered ${response.status}`);
  }
  return body ?? fail("payment_provider_unavailable", "the payment provider answered no JSON");
}

export function stripeProvider(options: StripeOptions): PaymentProvider {
  assert(options.secretKey.length > 0 && options.webhookSecret.length > 0, "Stripe needs a secret key and a webhook secret");
  return {
    name: "stripe",
    async startCheckout(request: CheckoutRequest): Promise<CheckoutStarted> {
      checkCheckoutRequest(request);
      const session = await stripeCall(options, "/v1/checkout/sessions", checkoutSessionForm(request, options.clock.nowMs()), request.order.id);
      if (typeof session.id !== "string" || typeof session.url !== "string" || !/^https:\/\//.test(session.url)) {
        fail("payment_provider_unavailable", "the payment provider answered no session address");
      }
      return { providerRef: session.id, redirectUrl: session.url };
    },
    async expireCheckout(providerRef: string): Promise<void> {
      assert(/^[A-Za-z0-9_]{1,255}$/.test(providerRef), "a Stripe session id");
      await stripeCall(options, `/v1/checkout/sessions/${providerRef}/expire`, new URLSearchParams());
    },
    parseWebhook(rawBody: string, headers: Headers, nowMs: number): WebhookReading {
      const check = verifyStripeSignature(rawBody, headers.get("stripe-signature"), options.webhookSecret, nowMs);
      if (!check.ok) return check;
      const event = readStripeEvent(rawBody);
      if (!event) return { ok: false, code: "payload_invalid", message: "the body is not a Stripe event" };
      return { ok: true, event };
    },
  };
}
