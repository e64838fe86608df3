/** The payment notifications part of the OpenAPI document (route in payment-webhooks.ts, prose in docs/api.md and docs/payments.md). */
import { errorResponse } from "./openapi-parts.ts";

export const paymentPaths = {
  "/api/v1/payments/stripe/webhook": {
    post: {
      summary: "Stripe's webhook: checkout session completed, expired, async payment succeeded or failed",
      description:
        "No bearer token: the raw body must carry Stripe's signature, the header Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' under the endpoint's signing secret> (several v1 allowed), within 300 s of the box's clock. A verified event is applied once per event id: sent again, it answers the first outcome with duplicate: true and changes nothing.",
      security: [],
      parameters: [{ name: "Stripe-Signature", in: "header", required: true, schema: { type: "string" }, description: "t=...,v1=..." }],
      requestBody: { required: true, content: { "application/json": { schema: { type: "object", description: "a Stripe Event object (id, type, data.object: the checkout.session)" } } } },
      responses: {
        "200": {
          description:
            "Received. outcome: paid, already_paid, cancelled, already_closed, paid_after_close (money for an order already expired or cancelled: to refund), amount_mismatch, checkout_mismatch, unknown_order, ignored, or refused:<code>",
          content: {
            "application/json": {
              schema: { type: "object", required: ["received", "outcome", "duplicate"], properties: { received: { const: true }, outcome: { type: "string" }, duplicate: { type: "boolean" } } },
            },
          },
        },
        "400": errorResponse("signature_missing, signature_invalid, signature_expired, payload_invalid, malformed_json"),
        "503": errorResponse("payments_not_configured (no Stripe keys in the settings), setup_required"),
      },
    },
  },
};
