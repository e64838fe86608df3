/** The point-of-sale part of the device API's OpenAPI document (routes in pos-api.ts, prose in docs/api.md and docs/pos.md). */
import { errorResponse, json, idempotencyKey } from "./openapi-parts.ts";
const ok = (description: string, properties: Record<string, unknown> = {}) => ({ description, content: { "application/json": { schema: { type: "object", properties } } } });
const cents = { type: "integer", description: "cents, VAT included" };
const sessionToken = {
  name: "X-Session-Token",
  in: "header",
  required: false,
  description: "the operator's session opened on this till (POST /api/v1/sessions): names the operator on receipts and closures; voids, offered payments and closures need a manager's",
  schema: { type: "string" },
};
const sale = { name: "number", in: "path", required: true, schema: { type: "string", pattern: "^T?[1-9][0-9]*$" }, description: "the sale number; T and the number for a training sale" };
const session = { name: "id", in: "path", required: true, schema: { type: "string" }, description: "the cash session's id" };
const vat = { type: "array", items: { type: "object", properties: { rate_bp: { type: "integer" }, incl: cents, vat: cents, excl: cents } } };
const line = {
  type: "object",
  required: ["item_id", "quantity"],
  properties: {
    item_id: { type: "string", description: "a catalogue item, tp_<ticket product id> for a ticket (its prices are the ticket prices; the sale issues the tickets), or mp_<membership product id> for a membership (one unit; needs the member's card, member_required; the sale's order grants it)" },
    price_id: { type: "string", description: "one of the item's prices; may be left out for its free price" },
    amount: { type: "integer", description: "the customer's amount for a free price (at least its minimum); ignored for a fixed price" },
    quantity: { type: "integer", minimum: 1, maximum: 10_000 },
  },
};
const cartRefusals = {
  "400": errorResponse("quantity_invalid, lines_required, cart_too_large, price_below_minimum, amount_invalid, point_of_sale_invalid, payment_mismatch, payments_required, payment_method_unknown, card_uid_invalid, idempotency_key_invalid, malformed_json"),
  "401": errorResponse("unauthorized"),
  "403": errorResponse("forbidden (terminal kind), manager_required (offered)"),
  "404": errorResponse("item_unknown, price_unknown, point_of_sale_unknown, card_unknown"),
  "409": errorResponse(
    "insufficient_funds (with missing), price_changed (with total), item_inactive, item_not_at_point_of_sale, out_of_stock, payment_method_not_accepted, payment_method_inactive, point_of_sale_inactive, card_blocked",
  ),
  "422": errorResponse("idempotency_key_reused"),
};

export const posPaths = {
  "/api/v1/catalogue": {
    get: {
      summary: "The catalogue a till sells from: points of sale, categories, active items with their prices, VAT rates, payment methods",
      parameters: [{ name: "point_of_sale", in: "query", required: false, schema: { type: "string" }, description: "only the items sold at this point of sale" }],
      responses: {
        "200": ok("The catalogue", {
          items: { type: "array" },
          vat_status: { enum: ["liable", "franchise"] },
          vat_mention: { type: ["string", "null"] },
          tickets: { type: "array", description: "ticket types on sale now: item_id (tp_<ticket product id>), event_id, event_title, starts_at_ms, product_name, prices [{id, label, kind: full|reduced|member|free, amount}], left (null: no limit), sold_out" },
          memberships: { type: "array", description: "active membership products: item_id (mp_<membership product id>), name, duration (rolling_year|calendar_year|month|custom), custom_days, price {id, kind: fixed|free, amount (the minimum of a free price)}" },
        }),
        "404": errorResponse("point_of_sale_unknown"),
      },
    },
  },
  "/api/v1/sales/quote": {
    post: {
      summary: "Price a cart from the catalogue as the till builds it (no sale is recorded)",
      requestBody: json({ type: "object", required: ["point_of_sale", "lines"], properties: { point_of_sale: { type: "string" }, lines: { type: "array", items: line }, member_card_uid: { type: "string" } } }),
      responses: { "200": ok("The priced cart", { total: cents, lines: { type: "array" }, vat, vat_mention: { type: ["string", "null"] } }), ...cartRefusals },
    },
  },
  "/api/v1/sales": {
    post: {
      summary: "Record a sale: the server prices it, the payments must settle it (cash may exceed: change), card parts go through the wallet; all or nothing",
      parameters: [idempotencyKey, sessionToken],
      requestBody: json({
        type: "object",
        required: ["point_of_sale", "lines", "payments"],
        properties: {
          point_of_sale: { type: "string" },
          lines: { type: "array", items: line },
          payments: {
            type: "array",
            items: {
              type: "object",
              required: ["method", "amount"],
              properties: { method: { enum: ["nfc_card", "cash", "card_terminal", "cheque", "offered"] }, amount: cents, card_uid: { type: "string" } },
            },
          },
          training: { type: "boolean" },
          expected_total: { ...cents, description: "the total the till showed: another server total refuses with price_changed" },
          member_card_uid: { type: "string" },
        },
      }),
      responses: {
        "201": ok("The sale", {
          sale_number: { type: "integer" },
          total: cents,
          vat,
          change: cents,
          receipt_url: { type: "string" },
          balances: { $ref: "#/components/schemas/Balances" },
          order_id: { type: ["string", "null"], description: "the till order of the sale's ticket lines (null without tickets, and in training)" },
          order_reference: { type: ["string", "null"] },
          tickets: { type: "array", items: { type: "string" }, description: "the tickets issued, in order" },
        }),
        ...cartRefusals,
        "409": errorResponse(
          "insufficient_funds (with missing), price_changed (with total), item_inactive, item_not_at_point_of_sale, out_of_stock, payment_method_not_accepted, payment_method_inactive, point_of_sale_inactive, card_blocked; for ticket lines: sold_out, per_order_limit, per_person_limit, sale_not_open, sale_closed, event_over, price_inactive, membership_required, member_price_needs_membership",
        ),
      },
    },
  },
  "/api/v1/sales/{number}/receipt": {
    get: { summary: "A sale's receipt, as data", parameters: [sale], responses: { "200": ok("The receipt"), "404": errorResponse("sale_unknown") } },
  },
  "/api/v1/sales/{number}/reprint": {
    post: {
      summary: "Reprint a receipt: marked DUPLICATA, recorded in the event log",
      parameters: [sale, idempotencyKey, sessionToken],
      responses: { "200": ok("The receipt, duplicate: true"), "404": errorResponse("sale_unknown") },
    },
  },
  "/api/v1/sales/{number}/void": {
    post: {
      summary: "Void a sale (a manager's session): compensating fiscal record, card payments voided, stock back",
      parameters: [sale, idempotencyKey, sessionToken],
      requestBody: json({ type: "object", properties: { reason: { type: "string" } } }),
      responses: {
        "201": ok("Voided", { sale_number: { type: "integer" }, voided_total: cents, fiscal_seq: { type: "integer" } }),
        "403": errorResponse("manager_required"),
        "404": errorResponse("sale_unknown"),
        "409": errorResponse("already_voided, not_voidable"),
      },
    },
  },
  "/api/v1/cash-sessions/current": {
    get: { summary: "This till's open cash session and its expected cash", responses: { "200": ok("The session, or session: null") } },
  },
  "/api/v1/cash-sessions": {
    post: {
      summary: "Open this till's cash session with a float",
      parameters: [idempotencyKey, sessionToken],
      requestBody: json({ type: "object", required: ["point_of_sale", "float"], properties: { point_of_sale: { type: "string" }, float: cents } }),
      responses: { "201": ok("Opened", { id: { type: "string" } }), "409": errorResponse("cash_session_open"), "404": errorResponse("point_of_sale_unknown") },
    },
  },
  "/api/v1/cash-sessions/{id}/movements": {
    post: {
      summary: "Cash put in (positive) or taken out (negative), with a reason",
      parameters: [session, idempotencyKey, sessionToken],
      requestBody: json({ type: "object", required: ["amount", "reason"], properties: { amount: { type: "integer" }, reason: { type: "string" } } }),
      responses: { "201": ok("Recorded"), "404": errorResponse("cash_session_unknown"), "409": errorResponse("cash_session_closed, cash_session_other_terminal") },
    },
  },
  "/api/v1/cash-sessions/{id}/close": {
    post: {
      summary: "Close a cash session: counted cash against expected cash",
      parameters: [session, idempotencyKey, sessionToken],
      requestBody: json({ type: "object", required: ["counted"], properties: { counted: cents } }),
      responses: { "200": ok("Closed", { expected: cents, counted: cents, difference: cents }), "404": errorResponse("cash_session_unknown"), "409": errorResponse("cash_session_closed") },
    },
  },
  "/api/v1/closures": {
    post: {
      summary: "Make a closure of an ended period (a manager's session): YYYY-MM-DD, YYYY-MM or YYYY, a point of sale or the venue; once",
      parameters: [idempotencyKey, sessionToken],
      requestBody: json({ type: "object", required: ["period"], properties: { period: { type: "string" }, point_of_sale: { type: ["string", "null"] } } }),
      responses: {
        "201": ok("Made"),
        "200": ok("It already existed"),
        "400": errorResponse("period_invalid"),
        "403": errorResponse("manager_required"),
        "409": errorResponse("period_open"),
      },
    },
  },
};
