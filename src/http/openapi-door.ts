/** The door's part of the device API's OpenAPI document (routes in checkins.ts, prose in docs/api.md, "The door"). */
import { errorResponse, json } from "./openapi-parts.ts";
const ms = { type: "integer", description: "milliseconds since 1970 (UTC)" };
const nullableMs = { type: ["integer", "null"], description: "milliseconds since 1970 (UTC), or null" };
const common = {
  list: { type: ["string", "null"], description: "the check-in list the scan was made on" },
  direction: { enum: ["entry", "exit"] },
  forced: { type: "boolean" },
  scanned_at: { ...ms, description: "a forced scan's time at the door (present when forced)" },
};

export const doorPaths = {
  "/api/v1/checkins": {
    post: {
      summary: "Check a ticket in (or out) at the door (doors and tills), exactly once per nonce: a retry with the same nonce gets the first answer byte for byte",
      requestBody: json({
        type: "object",
        required: ["qr", "nonce"],
        properties: {
          qr: { type: "string", description: "the scanned text (200 characters of base32)" },
          nonce: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,128}$", description: "new for every scan" },
          list: { type: "string", description: "the check-in list (its id); absent: event_id's default list, else the ticket's event's default list" },
          event_id: { type: "string", description: "older doors: the event this door admits to (its default list); a ticket for another is wrong_event" },
          direction: { enum: ["entry", "exit"], default: "entry" },
          forced: { type: "boolean", default: false, description: "an offline door uploads a scan it already let through: never refused, a conflict instead" },
          scanned_at: { ...ms, description: "when the door scanned it; required when forced (the box judges the ticket at that time)" },
        },
      }),
      responses: {
        "200": {
          description: "Admitted (an entry, or an exit), or for a forced upload the conflict recorded",
          content: {
            "application/json": {
              schema: {
                oneOf: [
                  {
                    type: "object",
                    required: ["result", "ticket", "checked_in_at_ms", "entry_no", "list", "direction", "forced"],
                    properties: {
                      result: { const: "admitted" },
                      ticket: { type: "object", properties: { id: { type: "string" }, product: { type: "string" }, holder: { type: "string" } } },
                      checked_in_at_ms: ms,
                      entry_no: { type: "integer", description: "the ticket's nth entry on this list (for an exit: the entry it ends)" },
                      ...common,
                    },
                  },
                  {
                    type: "object",
                    required: ["result", "code", "message", "recorded_at_ms", "list", "direction", "forced"],
                    properties: {
                      result: { const: "conflict" },
                      code: { type: "string", description: "what the box would have answered: already_redeemed, revoked, invalid_signature, ..." },
                      message: { type: "string" },
                      ticket_id: { type: ["string", "null"] },
                      first: { type: "object", properties: { at: ms, door: { type: "string" } }, description: "already_redeemed: the entry that was there first" },
                      recorded_at_ms: ms,
                      ...common,
                    },
                  },
                ],
              },
            },
          },
        },
        "400": errorResponse("invalid_signature, qr_invalid (recorded); nonce_invalid, list_invalid, event_id_invalid, direction_invalid, forced_invalid, scanned_at_invalid, malformed_json (not recorded)"),
        "401": errorResponse("unauthorized"),
        "403": errorResponse("forbidden (a reader terminal)"),
        "404": errorResponse("list_unknown (not recorded)"),
        "409": errorResponse("revoked, wrong_event, product_not_admitted, unpaid, not_yet_valid, expired, already_redeemed (with redeemed_at_ms and door), not_inside; with ticket_id"),
      },
    },
  },
  "/api/v1/door/snapshot": {
    get: {
      summary: "What an offline door keeps for one check-in list: the venue key, the event and its certificate, the list, the event's tickets (at most 50,000) and the revoked ones. Door terminals only",
      parameters: [
        { name: "list", in: "query", required: true, schema: { type: "string" }, description: "the check-in list's id (an event's default list has the event's id)" },
        { name: "If-None-Match", in: "header", required: false, schema: { type: "string" }, description: "the etag of the snapshot the door holds: 304 while nothing changed" },
      ],
      responses: {
        "200": {
          description: "The snapshot (header ETag: the etag, quoted)",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["venue_public_key", "event", "certificate", "list", "tickets", "revoked", "truncated", "generated_at", "etag"],
                properties: {
                  venue_public_key: { type: "string", description: "hex of the venue's Ed25519 public key" },
                  event: { type: "object", properties: { id: { type: "string" }, title: { type: "string" }, starts: ms, ends: ms, doors: ms } },
                  certificate: {
                    type: "object",
                    description: "the event key's certificate, as the box stores it: the venue key's signature (context tibox-ticket-key/v1) over canonical {event_id, public_key, valid_from_ms, valid_until_ms}",
                    properties: { eventId: { type: "string" }, publicKeyHex: { type: "string" }, validFromMs: ms, validUntilMs: ms, signatureHex: { type: "string" } },
                  },
                  list: {
                    type: "object",
                    properties: { id: { type: "string" }, name: { type: "string" }, product_ids: { type: "array", items: { type: "string" } }, allow_reentry: { type: "boolean" }, valid_from: nullableMs, valid_until: nullableMs },
                  },
                  tickets: {
                    type: "array",
                    maxItems: 50000,
                    items: {
                      type: "object",
                      properties: {
                        id: { type: "string" },
                        product_id: { type: "string" },
                        holder: { type: "string" },
                        state: { enum: ["valid", "revoked", "unpaid"] },
                        admitted_at: { ...nullableMs, description: "set while another entry on this list would be already_redeemed" },
                      },
                    },
                  },
                  revoked: { type: "array", items: { type: "string" } },
                  truncated: { type: "boolean", description: "the event has more tickets than listed" },
                  generated_at: ms,
                  etag: { type: "string" },
                },
              },
            },
          },
        },
        "304": { description: "Not modified: the door's snapshot is current" },
        "400": errorResponse("list_invalid"),
        "401": errorResponse("unauthorized"),
        "403": errorResponse("forbidden (a till or a reader terminal: only door terminals read the holders' names; a till acting as a door uses the door page's session route GET /door/snapshot)"),
        "404": errorResponse("list_unknown"),
      },
    },
  },
};
