/** The card-tap part of the device API's OpenAPI document (routes in taps.ts, prose in docs/api.md). */
import { error, errorResponse, json } from "./openapi-parts.ts";
const uid = { type: "string", description: "4, 7 or 10 bytes of hex, any case, ':' allowed", examples: ["04A1B2C3D4E5F6"] };
const accepted = {
  description: "Routed: delivered (a page of the terminal was listening), pending (kept 5 s for it), unbound (the reader is bound to no terminal: dropped), duplicate (this key was already used), expired (older than 5 s)",
  content: {
    "application/json": {
      schema: {
        type: "object",
        required: ["status"],
        properties: { status: { enum: ["delivered", "pending", "unbound", "duplicate", "expired"] }, tap_id: { type: "string" }, terminal_id: { type: "string" } },
      },
    },
  },
};

export const tapPaths = {
  "/api/v1/taps": {
    post: {
      summary: "A reader agent forwards a card tap to the terminal its reader is bound to",
      parameters: [
        {
          name: "Idempotency-Key",
          in: "header",
          required: true,
          description: "1 to 128 characters of [A-Za-z0-9._:-], one per tap, the same on every retry of it: a retried tap is not delivered twice",
          schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
        },
      ],
      requestBody: json({
        type: "object",
        required: ["uid"],
        properties: {
          uid,
          reader: { type: "string", maxLength: 128, description: "the reader's name, when the agent forwards several (key agent:ID:NAME); absent, the key is agent:ID" },
          at_ms: { type: "integer", description: "when the card touched the reader, by the agent's clock (informative)" },
          age_ms: { type: "integer", minimum: 0, description: "how long the tap waited in the agent before this attempt; the box's 5 s lifetime counts from then" },
        },
      }),
      responses: { "202": accepted, "400": errorResponse("card_uid_invalid, reader_name_invalid, idempotency_key_invalid, malformed_json"), "401": errorResponse("unauthorized"), "403": errorResponse("forbidden (only reader terminals)") },
    },
  },
  "/api/v1/reader-events": {
    post: {
      summary: "A reader agent reports a reader plugged, unplugged or failing (shown on the admin page)",
      requestBody: json({
        type: "object",
        required: ["event"],
        properties: { event: { enum: ["attached", "detached", "error"] }, reader: { type: "string", maxLength: 128 }, code: { type: "string" }, detail: { type: "string" } },
      }),
      responses: { "204": { description: "Noted" }, "400": errorResponse("reader_event_invalid, reader_name_invalid"), "401": errorResponse("unauthorized"), "403": errorResponse("forbidden") },
    },
  },
  "/api/v1/simulator/taps": {
    post: {
      summary: "A simulated tap from `tibox tap` on the box's own machine (only when simulated readers are on)",
      description:
        "No bearer token: the exact body is signed with the venue key (Ed25519, context tibox-simulator-tap/v1) and the signature sent as X-Tibox-Signature (128 hex digits). at_ms must be within 5 s of the box's clock and each nonce is used once.",
      security: [],
      parameters: [{ name: "X-Tibox-Signature", in: "header", required: true, schema: { type: "string", pattern: "^[0-9a-f]{128}$" } }],
      requestBody: json({
        type: "object",
        required: ["uid", "at_ms", "nonce"],
        properties: {
          uid,
          terminal: { type: "string", description: "a till's or door's id or name: the tap goes straight to it" },
          reader: { type: "string", description: "or a simulated reader's name: the tap routes by the binding of sim:NAME" },
          at_ms: { type: "integer" },
          nonce: { type: "string", pattern: "^[A-Za-z0-9._:-]{1,128}$" },
        },
      }),
      responses: {
        "202": accepted,
        "400": errorResponse("card_uid_invalid, tap_target_required"),
        "401": errorResponse("unauthorized (signature, time or nonce)"),
        "403": errorResponse("simulation_disabled"),
        "404": errorResponse("terminal_unknown"),
      },
    },
  },
};
