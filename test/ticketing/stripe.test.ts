// Proves the Stripe adapter on recorded fixtures and a real local HTTP server. The fixtures in
// test/fixtures/stripe/ are two event bodies (checkout.session.completed and .expired) with the
// Stripe-Signature header made once by sign.ts with node:crypto (cross-checked with openssl); the
// adapter must accept each stored header for its stored body at its stored time, and refuse one
// flipped byte anywhere, another secret, a stale time, a missing or malformed header. Creating a
// Checkout Session is checked field by field on what a Bun.serve stand-in for api.stripe.com
// received, and the provider's errors map to stable codes.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeClock, isAppError } from "../../src/kernel/index.ts";
import { readStripeEvent, stripeProvider, STRIPE_SESSION_AFTER_HOLD_MS, verifyStripeSignature, type CheckoutRequest } from "../../src/ticketing/index.ts";
import { startStripeStandIn } from "../helpers/stripe-server.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "stripe");
const signed = JSON.parse(readFileSync(join(FIXTURES, "signatures.json"), "utf8")) as { secret: string; signatures: { file: string; timestamp: number; header: string }[] };
const fixture = (file: string) => {
  const entry = signed.signatures.find((item) => item.file === file)!;
  return { ...entry, body: readFileSync(join(FIXTURES, file), "utf8") };
};
const completed = fixture("checkout.session.completed.json");
const expired = fixture("checkout.session.expired.json");

describe("Stripe-Signature on recorded fixtures", () => {
  for (const item of [completed, expired]) {
    test(`${item.file}: the stored header verifies the stored body at the stored time, and 300 s later`, () => {
      expect(verifyStripeSignature(item.body, item.header, signed.secret, item.timestamp * 1000 + 2_000)).toEqual({ ok: true, timestampS: item.timestamp });
      expect(verifyStripeSignature(item.body, item.header, signed.secret, (item.timestamp + 300) * 1000).ok).toBe(true);
    });

    test(`${item.file}: one flipped byte anywhere in the body is signature_invalid`, () => {
      // Every 7th position, and the first and last bytes: a flip anywhere must break the signature.
      const positions = [0, item.body.length - 1, ...Array.from({ length: Math.floor(item.body.length / 7) }, (_, i) => i * 7)];
      for (const at of positions) {
        const flipped = item.body.slice(0, at) + String.fromCharCode(item.body.charCodeAt(at) ^ 1) + item.body.slice(at + 1);
        expect(verifyStripeSignature(flipped, item.header, signed.secret, item.timestamp * 1000).ok).toBe(false);
      }
      const once = item.body.replace("checkout.session", "checkout.sessioN");
      expect(verifyStripeSignature(once, item.header, signed.secret, item.timestamp * 1000)).toMatchObject({ ok: false, code: "signature_invalid" });
    });

    test(`${item.file}: another secret, a flipped signature digit, a stale or future time are refused`, () => {
      const at = item.timestamp * 1000;
      expect(verifyStripeSignature(item.body, item.header, "whsec_another", at)).toMatchObject({ ok: false, code: "signature_invalid" });
      const lastDigit = item.header.at(-1)!;
      const tampered = item.header.slice(0, -1) + (lastDigit === "0" ? "1" : "0");
      expect(verifyStripeSignature(item.body, tampered, signed.secret, at)).toMatchObject({ ok: false, code: "signature_invalid" });
      expect(verifyStripeSignature(item.body, item.header, signed.secret, at + 301_000)).toMatchObject({ ok: false, code: "signature_expired" });
      expect(verifyStripeSignature(item.body, item.header, signed.secret, at - 301_000)).toMatchObject({ ok: false, code: "signature_expired" });
      // Another timestamp with the same v1: the timestamp is signed too.
      const moved = item.header.replace(`t=${item.timestamp}`, `t=${item.timestamp + 1}`);
      expect(verifyStripeSignature(item.body, moved, signed.secret, at)).toMatchObject({ ok: false, code: "signature_invalid" });
    });
  }

  test("header forms: missing, no v1, no timestamp, several v1 (secret rotation) and other schemes", () => {
    const at = completed.timestamp * 1000;
    const v1 = completed.header.split("v1=")[1]!;
    expect(verifyStripeSignature(completed.body, null, signed.secret, at)).toMatchObject({ ok: false, code: "signature_missing" });
    expect(verifyStripeSignature(completed.body, "", signed.secret, at)).toMatchObject({ ok: false, code: "signature_missing" });
    expect(verifyStripeSignature(completed.body, `t=${completed.timestamp}`, signed.secret, at)).toMatchObject({ ok: false, code: "signature_missing" });
    expect(verifyStripeSignature(completed.body, `t=${completed.timestamp},v0=${v1}`, signed.secret, at)).toMatchObject({ ok: false, code: "signature_missing" });
    expect(verifyStripeSignature(completed.body, `v1=${v1}`, signed.secret, at)).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(verifyStripeSignature(completed.body, `t=abc,v1=${v1}`, signed.secret, at)).toMatchObject({ ok: false, code: "signature_invalid" });
    expect(verifyStripeSignature(completed.body, `t=${completed.timestamp},v1=${"0".repeat(64)},v1=${v1},v0=ffff`, signed.secret, at).ok).toBe(true);
    expect(verifyStripeSignature(completed.body, `t=${completed.timestamp},v1=${v1.toUpperCase()}`, signed.secret, at).ok).toBe(false);
  });

  test("the fixtures read as the port's events: paid for the completed one, expired for the other", () => {
    expect(readStripeEvent(completed.body)).toEqual({
      provider: "stripe",
      eventId: "evt_1QfX7eTiboxFixture0000001",
      type: "checkout.session.completed",
      kind: "paid",
      orderId: "01KMZ8Y6W3A0Q9T2R5N7C4B1DX",
      providerRef: "cs_test_a1TiboxFixtureSession000000000000000000000000001",
      amountMinor: 2500,
      currency: "eur",
    });
    expect(readStripeEvent(expired.body)).toMatchObject({ kind: "expired", orderId: "01KMZ9A2B3C4D5E6F7G8H9J0KM", amountMinor: 1200 });
    // A delayed payment method completes the session unpaid: pending, not paid.
    expect(readStripeEvent(completed.body.replace('"payment_status": "paid"', '"payment_status": "unpaid"'))?.kind).toBe("pending");
  });

  test("the adapter's parseWebhook reads the fixture through the Stripe-Signature header", () => {
    const provider = stripeProvider({ secretKey: "sk_test_x", webhookSecret: signed.secret, clock: new FakeClock(0) });
    const reading = provider.parseWebhook(completed.body, new Headers({ "Stripe-Signature": completed.header }), completed.timestamp * 1000);
    expect(reading.ok && reading.event.kind).toBe("paid");
    expect(provider.parseWebhook(completed.body, new Headers({ "Stripe-Signature": completed.header }), (completed.timestamp + 600) * 1000)).toMatchObject({ ok: false, code: "signature_expired" });
  });
});

describe("creating a Checkout Session against a local stand-in for api.stripe.com", () => {
  const NOW = Date.UTC(2026, 11, 2, 17, 0);
  const standIn = startStripeStandIn();
  afterAll(() => standIn.stop());
  const provider = stripeProvider({ secretKey: "sk_test_51Tibox", webhookSecret: "whsec_x", clock: new FakeClock(NOW), apiBaseUrl: standIn.baseUrl });
  const request: CheckoutRequest = {
    order: { id: "01KMZ8Y6W3A0Q9T2R5N7C4B1DX", reference: "T7K2QX", totalMinor: 3000, buyerEmail: "lea@example.org", lang: "en" },
    lines: [
      { label: "Concert <Jazz> – Plein tarif", unitMinor: 1250, quantity: 2 },
      { label: "Invitation", unitMinor: 0, quantity: 1 },
      { label: "Don", unitMinor: 500, quantity: 1 },
    ],
    successUrl: "https://box.example.org/orders/T7K2QX/paid?k=abc",
    cancelUrl: "https://box.example.org/orders/T7K2QX/cancelled?k=abc",
    expiresAtMs: NOW + 15 * 60_000,
  };

  test("the form fields, the key and the idempotency key as Stripe expects them", async () => {
    const started = await provider.startCheckout(request);
    expect(started).toEqual({ providerRef: "cs_test_standin1", redirectUrl: "https://checkout.stripe.com/c/pay/cs_test_standin1" });
    const sent = standIn.requests.at(-1)!;
    expect(sent.method).toBe("POST");
    expect(sent.path).toBe("/v1/checkout/sessions");
    expect(sent.headers.get("authorization")).toBe("Bearer sk_test_51Tibox");
    expect(sent.headers.get("idempotency-key")).toBe("01KMZ8Y6W3A0Q9T2R5N7C4B1DX");
    expect(sent.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(sent.form)).toEqual({
      mode: "payment",
      success_url: "https://box.example.org/orders/T7K2QX/paid?k=abc",
      cancel_url: "https://box.example.org/orders/T7K2QX/cancelled?k=abc",
      client_reference_id: "01KMZ8Y6W3A0Q9T2R5N7C4B1DX",
      "metadata[order_id]": "01KMZ8Y6W3A0Q9T2R5N7C4B1DX",
      "metadata[order_reference]": "T7K2QX",
      // Stripe's floor is 30 minutes: the session ends 31 minutes after the hold, whenever it is asked.
      expires_at: String((NOW + 15 * 60_000 + STRIPE_SESSION_AFTER_HOLD_MS) / 1000),
      customer_email: "lea@example.org",
      locale: "en",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "1250",
      "line_items[0][price_data][product_data][name]": "Concert <Jazz> – Plein tarif",
      "line_items[0][quantity]": "2",
      "line_items[1][price_data][currency]": "eur",
      "line_items[1][price_data][unit_amount]": "500",
      "line_items[1][price_data][product_data][name]": "Don",
      "line_items[1][quantity]": "1",
    });
  });

  test("a retry later in the hold sends the very same parameters (Stripe's idempotency needs it); a hold over is refused", async () => {
    const late = stripeProvider({ secretKey: "sk_test_51Tibox", webhookSecret: "whsec_x", clock: new FakeClock(NOW + 14 * 60_000), apiBaseUrl: standIn.baseUrl });
    await late.startCheckout(request);
    const [first, retry] = standIn.requests.slice(-2);
    expect(retry!.headers.get("idempotency-key")).toBe(first!.headers.get("idempotency-key"));
    expect(retry!.form.toString()).toBe(first!.form.toString());
    const over = stripeProvider({ secretKey: "sk_test_51Tibox", webhookSecret: "whsec_x", clock: new FakeClock(NOW + 17 * 60_000), apiBaseUrl: standIn.baseUrl });
    const count = standIn.requests.length;
    expect((await codeOf(over.startCheckout(request)))?.[0]).toBe("order_hold_over");
    expect(standIn.requests.length).toBe(count);
  });

  test("closing a session posts to its expire address", async () => {
    await provider.expireCheckout("cs_test_standin1");
    expect(standIn.requests.at(-1)!.path).toBe("/v1/checkout/sessions/cs_test_standin1/expire");
    expect(standIn.requests.at(-1)!.headers.get("authorization")).toBe("Bearer sk_test_51Tibox");
  });

  async function codeOf(promise: Promise<unknown>): Promise<[string, string] | undefined> {
    try {
      await promise;
      return undefined;
    } catch (error) {
      return isAppError(error) ? [error.code, error.message] : ["not an AppError", String(error)];
    }
  }

  test("Stripe's refusals and outages become stable codes", async () => {
    standIn.failWith = { status: 400, message: "Invalid email address: lea@" };
    expect(await codeOf(provider.startCheckout(request))).toEqual(["payment_provider_refused", "Invalid email address: lea@"]);
    standIn.failWith = { status: 401, message: "Invalid API Key provided: sk_test_****" };
    expect((await codeOf(provider.startCheckout(request)))?.[0]).toBe("payment_provider_refused");
    standIn.failWith = { status: 500, message: "boom" };
    expect((await codeOf(provider.startCheckout(request)))?.[0]).toBe("payment_provider_unavailable");
    standIn.failWith = { status: 429, message: "rate limited" };
    expect((await codeOf(provider.startCheckout(request)))?.[0]).toBe("payment_provider_unavailable");
    const unreachable = stripeProvider({ secretKey: "sk_test_x", webhookSecret: "whsec_x", clock: new FakeClock(NOW), apiBaseUrl: "http://127.0.0.1:9" });
    expect((await codeOf(unreachable.startCheckout(request)))?.[0]).toBe("payment_provider_unavailable");
  });
});
