/**
 * The payment-provider port: what ticketing needs of an online payment service, whatever it is.
 * Two calls: start a checkout for a held order (the buyer is sent to the provider's page), and
 * read a notification the provider sends back (a webhook), verified before anything is believed.
 *
 * Implementations: `stripeProvider` (stripe.ts, HTTP over an injected fetch) and `FakeProvider`
 * here (in memory, for tests). Both pass one contract suite (test/ticketing/payment-contract.test.ts).
 * The adapter is built by app.ts from the settings and handed to the routes, as hardware ports
 * are; ticketing itself never opens a connection.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { assert, fail } from "../kernel/index.ts";

/** One line of what the buyer pays for, in euro cents. */
export interface CheckoutLine {
  readonly label: string;
  readonly unitMinor: number;
  readonly quantity: number;
}

export interface CheckoutOrder {
  readonly id: string;
  readonly reference: string;
  readonly totalMinor: number;
  readonly buyerEmail: string;
  readonly lang: string;
}

export interface CheckoutRequest {
  readonly order: CheckoutOrder;
  readonly lines: readonly CheckoutLine[];
  /** Where the provider sends the buyer after paying, and after giving up. */
  readonly successUrl: string;
  readonly cancelUrl: string;
  /** When the hold ends: the provider should stop taking the payment by then (as far as it can). */
  readonly expiresAtMs: number;
}

export interface CheckoutStarted {
  /** The provider's id for this checkout (a Stripe Checkout Session id), stored on the order. */
  readonly providerRef: string;
  /** The provider's page the buyer is sent to. */
  readonly redirectUrl: string;
}

/**
 * What a verified notification means for an order: paid (the money is taken), expired (the
 * checkout closed without a payment), failed (a delayed payment method failed), pending (the
 * buyer finished but the money is not there yet), other (a type we do not act on).
 */
export const PAYMENT_EVENT_KINDS = ["paid", "expired", "failed", "pending", "other"] as const;
export type PaymentEventKind = (typeof PAYMENT_EVENT_KINDS)[number];

export interface PaymentEvent {
  readonly provider: string;
  /** The provider's id of the notification: a resent notification has the same one. */
  readonly eventId: string;
  /** The provider's own type ("checkout.session.completed"). */
  readonly type: string;
  readonly kind: PaymentEventKind;
  /** The order the checkout was started for (as we told the provider), when the event names one. */
  readonly orderId: string | null;
  readonly providerRef: string | null;
  /** What the provider says was paid, in minor units, and its currency (lowercase ISO 4217). */
  readonly amountMinor: number | null;
  readonly currency: string | null;
}

/** Why a notification was not believed. */
export const WEBHOOK_REFUSALS = ["signature_missing", "signature_invalid", "signature_expired", "payload_invalid"] as const;
export type WebhookRefusal = (typeof WEBHOOK_REFUSALS)[number];

export type WebhookReading = { readonly ok: true; readonly event: PaymentEvent } | { readonly ok: false; readonly code: WebhookRefusal; readonly message: string };

export interface PaymentProvider {
  /** "stripe", "fake": stored on the order and in payment_events. */
  readonly name: string;
  /**
   * Starts a checkout. Starting twice for one order gives the provider the same idempotency key,
   * so a retried request does not open a second checkout. Fails `payment_provider_unavailable`
   * (network, timeout, the provider's 5xx) or `payment_provider_refused` (its 4xx).
   */
  startCheckout(request: CheckoutRequest): Promise<CheckoutStarted>;
  /** Closes a checkout whose hold ran out, so that it can no longer be paid (best effort). */
  expireCheckout(providerRef: string): Promise<void>;
  /** Verifies a notification against the raw body as received and reads it; never throws on bad input. */
  parseWebhook(rawBody: string, headers: Headers, nowMs: number): WebhookReading;
}

/** The provider for the current settings, or undefined when online payment is not configured. */
export type PaymentProviderFactory = (keys: PaymentKeys) => PaymentProvider | undefined;

export interface PaymentKeys {
  readonly stripeSecretKey: string;
  readonly stripeWebhookSecret: string;
}

export const PAYMENT_LIMITS = {
  /** How long a call to the provider may take before the buyer is told to try again. */
  requestTimeoutMs: 10_000,
  /** A notification older (or newer) than this is refused: a replay, or a clock far off. */
  webhookToleranceS: 300,
  linesMax: 100,
  labelChars: 200,
} as const;

/** Checks a request against the port's rules (both implementations call it first). */
export function checkCheckoutRequest(request: CheckoutRequest): void {
  assert(request.lines.length > 0 && request.lines.length <= PAYMENT_LIMITS.linesMax, "a checkout has 1 to 100 lines");
  let total = 0;
  for (const line of request.lines) {
    assert(Number.isSafeInteger(line.unitMinor) && line.unitMinor >= 0, "a line's unit price is whole cents");
    assert(Number.isSafeInteger(line.quantity) && line.quantity >= 1, "a line's quantity is at least 1");
    total += line.unitMinor * line.quantity;
  }
  assert(total === request.order.totalMinor, "the lines add up to the order's total");
  if (total <= 0) fail("payment_not_needed", "an order of nothing to pay needs no online payment");
  for (const url of [request.successUrl, request.cancelUrl]) assert(/^https?:\/\//.test(url), "return addresses are absolute http(s) URLs");
}

/** Hex HMAC-SHA256. */
export function hmacSha256Hex(secret: string, message: string): string {
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}

/** Compares two hex digests in constant time (false for anything not 64 hex digits). */
export function sameHexDigest(expected: string, given: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(given) || expected.length !== given.length) return false;
  return timingSafeEqual(Buffer.from(expected, "hex"), Buffer.from(given, "hex"));
}

/**
 * A provider in memory for tests: checkouts get ids `fake_cs_<n>`; notifications carry the
 * headers `x-fake-timestamp` (seconds) and `x-fake-signature` (HMAC-SHA256 hex of
 * `${timestamp}:${body}` under the secret), a scheme of its own so that the contract suite proves
 * the behaviour, not one format. The body is JSON `{id, type, order_id, ref, amount, currency}`
 * with type paid, expired, failed, pending or anything else.
 */
export class FakeProvider implements PaymentProvider {
  readonly name = "fake";
  readonly secret: string;
  readonly started: CheckoutRequest[] = [];
  readonly expired: string[] = [];
  readonly #byOrder = new Map<string, string>();
  /** When set, the next startCheckout fails with this code (a provider that is down or refuses). */
  failNext: "payment_provider_unavailable" | "payment_provider_refused" | undefined;

  constructor(secret: string) {
    assert(secret.length >= 8, "a fake provider needs a secret");
    this.secret = secret;
  }

  async startCheckout(request: CheckoutRequest): Promise<CheckoutStarted> {
    checkCheckoutRequest(request);
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) fail(failure, "the fake provider was told to fail");
    this.started.push(request);
    const providerRef = this.#byOrder.get(request.order.id) ?? `fake_cs_${this.#byOrder.size + 1}`;
    this.#byOrder.set(request.order.id, providerRef);
    return { providerRef, redirectUrl: `https://pay.example.test/checkout/${providerRef}` };
  }

  async expireCheckout(providerRef: string): Promise<void> {
    this.expired.push(providerRef);
  }

  /** The headers that sign `body` at `timestampS` (tests; `secret` to forge with another one). */
  sign(body: string, timestampS: number, secret = this.secret): Headers {
    return new Headers({ "x-fake-timestamp": String(timestampS), "x-fake-signature": hmacSha256Hex(secret, `${timestampS}:${body}`) });
  }

  parseWebhook(rawBody: string, headers: Headers, nowMs: number): WebhookReading {
    const timestamp = headers.get("x-fake-timestamp");
    const signature = headers.get("x-fake-signature");
    if (!timestamp || !signature) return { ok: false, code: "signature_missing", message: "no x-fake-signature" };
    if (!/^\d{1,12}$/.test(timestamp) || !sameHexDigest(hmacSha256Hex(this.secret, `${timestamp}:${rawBody}`), signature)) {
      return { ok: false, code: "signature_invalid", message: "the signature does not match" };
    }
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > PAYMENT_LIMITS.webhookToleranceS) return { ok: false, code: "signature_expired", message: "the notification is too old" };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return { ok: false, code: "payload_invalid", message: "not JSON" };
    }
    if (typeof body.id !== "string" || typeof body.type !== "string") return { ok: false, code: "payload_invalid", message: "no id or type" };
    const kinds: readonly string[] = PAYMENT_EVENT_KINDS;
    const kind = (kinds.includes(body.type) ? body.type : "other") as PaymentEventKind;
    return {
      ok: true,
      event: {
        provider: this.name,
        eventId: body.id,
        type: body.type,
        kind,
        orderId: typeof body.order_id === "string" ? body.order_id : null,
        providerRef: typeof body.ref === "string" ? body.ref : null,
        amountMinor: typeof body.amount === "number" ? body.amount : null,
        currency: typeof body.currency === "string" ? body.currency : null,
      },
    };
  }
}
