// One contract suite for the payment-provider port, run against every implementation: the fake
// provider (in memory) and the Stripe adapter talking to a local HTTP server that stands in for
// api.stripe.com. Each implementation brings a harness that writes its own notification bodies
// and signs them its own way; the suite asserts the same outcomes and refusal codes for both.
import { afterAll, describe, expect, test } from "bun:test";
import { FakeClock, isAppError } from "../../src/kernel/index.ts";
import { FakeProvider, stripeProvider, type CheckoutRequest, type PaymentProvider } from "../../src/ticketing/index.ts";
import { startStripeStandIn } from "../helpers/stripe-server.ts";
import { createHmac } from "node:crypto";

const NOW = Date.UTC(2026, 11, 2, 17, 0);
const NOW_S = NOW / 1000;

type Kind = "paid" | "expired" | "other";

interface Harness {
  readonly provider: PaymentProvider;
  /** A notification body of this kind for an order and a checkout. */
  body(kind: Kind, eventId: string, orderId: string, ref: string, amountMinor: number): string;
  sign(body: string, timestampS: number, secret?: string): Headers;
  readonly wrongSecret: string;
}

function fakeHarness(): Harness {
  const provider = new FakeProvider("fake-secret-123");
  return {
    provider,
    body: (kind, eventId, orderId, ref, amountMinor) => JSON.stringify({ id: eventId, type: kind === "other" ? "refund" : kind, order_id: orderId, ref, amount: amountMinor, currency: "eur" }),
    sign: (body, timestampS, secret) => provider.sign(body, timestampS, secret),
    wrongSecret: "not-the-fake-secret",
  };
}

const STRIPE_TYPE: Record<Kind, string> = { paid: "checkout.session.completed", expired: "checkout.session.expired", other: "charge.refunded" };
const WEBHOOK_SECRET = "whsec_contractSuiteSecret";
const standIn = startStripeStandIn();
afterAll(() => standIn.stop());

function stripeHarness(): Harness {
  const provider = stripeProvider({ secretKey: "sk_test_contract", webhookSecret: WEBHOOK_SECRET, clock: new FakeClock(NOW), apiBaseUrl: standIn.baseUrl });
  return {
    provider,
    body: (kind, eventId, orderId, ref, amountMinor) =>
      JSON.stringify({
        id: eventId,
        object: "event",
        type: STRIPE_TYPE[kind],
        data: {
          object:
            kind === "other"
              ? { id: "ch_1", object: "charge", amount: amountMinor }
              : { id: ref, object: "checkout.session", client_reference_id: orderId, metadata: { order_id: orderId }, amount_total: amountMinor, currency: "eur", payment_status: kind === "paid" ? "paid" : "unpaid" },
        },
      }),
    sign: (body, timestampS, secret = WEBHOOK_SECRET) => new Headers({ "stripe-signature": `t=${timestampS},v1=${createHmac("sha256", secret).update(`${timestampS}.${body}`).digest("hex")}` }),
    wrongSecret: "whsec_someoneElse",
  };
}

function checkout(orderId: string, lines = [{ label: "Plein tarif", unitMinor: 1250, quantity: 2 }]): CheckoutRequest {
  const totalMinor = lines.reduce((sum, line) => sum + line.unitMinor * line.quantity, 0);
  return {
    order: { id: orderId, reference: "ABC123", totalMinor, buyerEmail: "lea@example.org", lang: "fr" },
    lines,
    successUrl: "https://box.example.org/orders/ABC123/paid?k=x",
    cancelUrl: "https://box.example.org/orders/ABC123/cancelled?k=x",
    expiresAtMs: NOW + 15 * 60_000,
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isAppError(error) ? error.code : `not an AppError: ${String(error)}`;
  }
}

for (const [name, make] of [
  ["fake", fakeHarness],
  ["stripe (local stand-in server)", stripeHarness],
] as const) {
  describe(`payment provider contract: ${name}`, () => {
    const harness = make();
    const { provider } = harness;

    test("a checkout answers a reference and an https page; another order gets another; the same order again the same", async () => {
      const first = await provider.startCheckout(checkout("01ORDERAAAAAAAAAAAAAAAAAAA"));
      expect(first.providerRef.length).toBeGreaterThan(3);
      expect(first.redirectUrl).toStartWith("https://");
      const second = await provider.startCheckout(checkout("01ORDERBBBBBBBBBBBBBBBBBBB"));
      expect(second.providerRef).not.toBe(first.providerRef);
      const again = await provider.startCheckout(checkout("01ORDERAAAAAAAAAAAAAAAAAAA"));
      expect(again.providerRef).toBe(first.providerRef);
    });

    test("nothing to pay is refused payment_not_needed", async () => {
      expect(await codeOf(provider.startCheckout(checkout("01ORDERFREEEEEEEEEEEEEEEEE", [{ label: "Invitation", unitMinor: 0, quantity: 1 }])))).toBe("payment_not_needed");
    });

    test("closing a checkout is accepted", async () => {
      const started = await provider.startCheckout(checkout("01ORDERCCCCCCCCCCCCCCCCCCC"));
      expect(await codeOf(provider.expireCheckout(started.providerRef))).toBeUndefined();
    });

    test("a signed paid notification reads as paid for its order, checkout, amount and currency", () => {
      const body = harness.body("paid", "evt_paid_1", "01ORDERAAAAAAAAAAAAAAAAAAA", "ref_1", 2500);
      const reading = provider.parseWebhook(body, harness.sign(body, NOW_S - 10), NOW);
      expect(reading).toEqual({
        ok: true,
        event: { provider: provider.name, eventId: "evt_paid_1", type: expect.any(String), kind: "paid", orderId: "01ORDERAAAAAAAAAAAAAAAAAAA", providerRef: "ref_1", amountMinor: 2500, currency: "eur" },
      });
    });

    test("expired and other notifications read as such; the same body twice has the same event id", () => {
      const expired = harness.body("expired", "evt_exp_1", "01ORDERAAAAAAAAAAAAAAAAAAA", "ref_1", 2500);
      const reading = provider.parseWebhook(expired, harness.sign(expired, NOW_S), NOW);
      expect(reading.ok && reading.event.kind).toBe("expired");
      const again = provider.parseWebhook(expired, harness.sign(expired, NOW_S + 60), NOW + 60_000);
      expect(again.ok && again.event.eventId).toBe("evt_exp_1");
      const other = harness.body("other", "evt_other_1", "01ORDERAAAAAAAAAAAAAAAAAAA", "ref_1", 2500);
      const otherReading = provider.parseWebhook(other, harness.sign(other, NOW_S), NOW);
      expect(otherReading.ok && otherReading.event.kind).toBe("other");
    });

    test("forged, unsigned, stale and unreadable notifications are refused with their code", () => {
      const body = harness.body("paid", "evt_paid_2", "01ORDERAAAAAAAAAAAAAAAAAAA", "ref_1", 2500);
      const headers = harness.sign(body, NOW_S);
      const flipped = body.replace("2500", "2501");
      expect(flipped).not.toBe(body);
      expect(provider.parseWebhook(flipped, headers, NOW)).toMatchObject({ ok: false, code: "signature_invalid" });
      expect(provider.parseWebhook(body, harness.sign(body, NOW_S, harness.wrongSecret), NOW)).toMatchObject({ ok: false, code: "signature_invalid" });
      expect(provider.parseWebhook(body, new Headers(), NOW)).toMatchObject({ ok: false, code: "signature_missing" });
      expect(provider.parseWebhook(body, harness.sign(body, NOW_S - 301), NOW)).toMatchObject({ ok: false, code: "signature_expired" });
      expect(provider.parseWebhook(body, harness.sign(body, NOW_S + 301), NOW)).toMatchObject({ ok: false, code: "signature_expired" });
      expect(provider.parseWebhook(body, harness.sign(body, NOW_S - 299), NOW).ok).toBe(true);
      const garbage = "{not json";
      expect(provider.parseWebhook(garbage, harness.sign(garbage, NOW_S), NOW)).toMatchObject({ ok: false, code: "payload_invalid" });
    });
  });
}
