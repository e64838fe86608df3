/**
 * The device API described as OpenAPI 3.1, served at /api/openapi.json. Written by hand beside
 * the routes (docs/api.md says the same in prose); test/http/openapi.test.ts checks that every
 * /api route of the app is described and nothing else.
 */
import { errorResponse, json, idempotencyKey } from "./openapi-parts.ts";
import { doorPaths } from "./openapi-door.ts";
import { posPaths } from "./openapi-pos.ts";
import { tapPaths } from "./openapi-taps.ts";
import { paymentPaths } from "./openapi-payments.ts";
import type { Route } from "./router.ts";

const sessionToken = {
  name: "X-Session-Token",
  in: "header",
  required: false,
  description: "the session_token of POST /api/v1/sessions on this terminal: the operator's role (managers offer gifts and refund card-loaded balances)",
  schema: { type: "string" },
};
const amount = { type: "integer", minimum: 1, maximum: 1_000_000_000, description: "minor units (cents)" };
const operation = {
  description: "Created: the entry and the card's balances after it",
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["entry_seq", "transfers", "balances"],
        properties: {
          entry_seq: { type: "integer" },
          transfers: { type: "array", items: { type: "object", properties: { asset: { type: "string" }, amount: { type: "integer" } } } },
          balances: { $ref: "#/components/schemas/Balances" },
        },
      },
    },
  },
};
const refusals = {
  "400": errorResponse("amount_invalid, card_uid_invalid, asset_unknown, method_invalid, idempotency_key_invalid, malformed_json"),
  "401": errorResponse("unauthorized"),
  "403": errorResponse("forbidden (terminal kind), manager_required"),
  "404": errorResponse("card_unknown"),
  "409": errorResponse("insufficient_funds (with missing), card_blocked, limit_exceeded, nothing_to_refund, reserve_insufficient"),
  "422": errorResponse("idempotency_key_reused"),
};

export function openApiDocument(version: string, routes: readonly Route[]) {
  const paths = {
    "/api/v1/pair": {
      post: {
        summary: "Trade a single-use pairing code for a device token",
        security: [],
        requestBody: json({ type: "object", required: ["code"], properties: { code: { type: "string" } } }),
        responses: { "201": { description: "Paired" }, "400": errorResponse("pairing_code_invalid, pairing_code_expired"), "429": errorResponse("login_locked") },
      },
    },
    "/api/v1/terminal": { get: { summary: "Who am I, and the box's time", responses: { "200": { description: "The terminal" }, "401": errorResponse("unauthorized") } } },
    "/api/v1/sessions": {
      post: {
        summary: "Open an operator session on a till or door (PIN or staff card)",
        requestBody: json({ type: "object", properties: { operator_id: { type: "string" }, pin: { type: "string" }, staff_card_uid: { type: "string" } } }),
        responses: { "201": { description: "session_token, expires_at_ms, operator" }, "401": errorResponse("login_failed"), "403": errorResponse("forbidden"), "429": errorResponse("login_locked") },
      },
    },
    "/api/v1/cards/{uid}": {
      get: {
        summary: "Read a card (tills and doors)",
        parameters: [{ name: "uid", in: "path", required: true, schema: { type: "string" }, description: "4, 7 or 10 bytes of hex, any case, ':' allowed" }],
        responses: {
          "200": {
            description: "The card",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    uid: { type: "string" },
                    state: { enum: ["new", "active", "lost", "blocked"] },
                    balances: { $ref: "#/components/schemas/Balances" },
                    member: {
                      type: ["object", "null"],
                      description: "The card's member (an erased member's name is their pseudonym); null for a card of no member",
                      properties: { id: { type: "string" }, name: { type: "string" } },
                    },
                    membership: {
                      type: ["object", "null"],
                      description: "null for a card of no member",
                      properties: {
                        valid: { type: "boolean", description: "now lies inside the member's latest membership" },
                        until: { type: ["integer", "null"], description: "end of the latest membership (ms, exclusive); null when they never had one" },
                      },
                    },
                  },
                },
              },
            },
          },
          "400": errorResponse("card_uid_invalid"),
          "404": errorResponse("card_unknown"),
        },
      },
    },
    "/api/v1/wallet/topups": {
      post: {
        summary: "Top up a card (tills): cash or card terminal; gifts offered by a manager",
        parameters: [idempotencyKey, sessionToken],
        requestBody: json({
          type: "object",
          required: ["card_uid", "asset", "amount", "method"],
          properties: { card_uid: { type: "string" }, asset: { type: "string", examples: ["EUR", "GIFT"] }, amount, method: { enum: ["cash", "card", "offered"] } },
        }),
        responses: { "201": operation, ...refusals },
      },
    },
    "/api/v1/wallet/payments": {
      post: {
        summary: "Pay from a card (tills), drawing assets in spend priority, all or nothing",
        parameters: [idempotencyKey, sessionToken],
        requestBody: json({ type: "object", required: ["card_uid", "amount"], properties: { card_uid: { type: "string" }, amount, point_of_sale: { type: "string" } } }),
        responses: { "201": operation, ...refusals },
      },
    },
    "/api/v1/wallet/refunds": {
      post: {
        summary: "Refund a card's refundable balances in cash (tills)",
        parameters: [idempotencyKey, sessionToken],
        requestBody: json({ type: "object", required: ["card_uid"], properties: { card_uid: { type: "string" } } }),
        responses: { "201": operation, ...refusals },
      },
    },
    ...doorPaths,
    ...tapPaths,
    ...paymentPaths,
    ...posPaths,
  };
  const described = new Set(Object.entries(paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`)));
  const served = routes.filter((route) => route.path.startsWith("/api/v1/")).map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
  return {
    document: {
      openapi: "3.1.0",
      info: { title: "tibox device API", version, description: "See docs/api.md. Errors are {code, message} with stable codes." },
      servers: [{ url: "/" }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a terminal's device token" } },
        schemas: {
          Error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" }, missing: { type: "integer" }, redeemed_at_ms: { type: "integer" }, door: { type: "string" }, ticket_id: { type: "string" } } },
          Balances: { type: "object", additionalProperties: { type: "integer" }, examples: [{ EUR: 1000, GIFT: 0 }] },
        },
      },
      paths,
    },
    undocumented: served.filter((route) => !described.has(route)),
    stale: [...described].filter((route) => !served.includes(route)),
  };
}
