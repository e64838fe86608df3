// Proves a ticket's QR payload round-trips through encodeTicket and decodeTicket, verified by
// node:crypto and by @noble/curves (strict), is QR-alphanumeric only and 200 characters long,
// and that a one-character change, a truncated text or another event's certificate is refused.
import { describe, expect, test } from "bun:test";
import { generateSigningKeyPem, signerFromPem, toHex, verifySignatureIndependently } from "../../src/kernel/index.ts";
import { decodeTicket, encodeTicket, signCertificate, TICKET_TEXT_CHARS, type EventCertificate, type TicketFields } from "../../src/ticketing/index.ts";

const venue = signerFromPem(generateSigningKeyPem());
const EVENT_ID = "01JQ4Z8D3M2V6S9T0ABCDEFGHJ";

function eventKey(eventId: string) {
  const signer = signerFromPem(generateSigningKeyPem());
  const certificate: EventCertificate = signCertificate(venue, { eventId, publicKeyHex: toHex(signer.publicKey), validFromMs: 1_700_000_000_000, validUntilMs: 1_900_000_000_000 });
  return { signer, certificate };
}

const TICKET: TicketFields = { ticketId: "01JQ4Z9K7N8P0R1S2T3V4W5X6Y", eventId: EVENT_ID, productId: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", validFromMs: 1_773_500_000_000, validUntilMs: 1_773_520_000_000 };

describe("signed ticket payload", () => {
  const { signer, certificate } = eventKey(EVENT_ID);
  const text = encodeTicket(TICKET, signer);

  test("round trip, with node:crypto and with @noble/curves strict", () => {
    expect(decodeTicket(text, certificate, venue.publicKey)).toEqual({ ok: true, ticket: TICKET });
    expect(decodeTicket(text, certificate, venue.publicKey, verifySignatureIndependently)).toEqual({ ok: true, ticket: TICKET });
  });

  test("200 characters, all in the QR alphanumeric set (base32 uppercase, no padding)", () => {
    // 125 bytes (version, three 16-byte ids, two 6-byte times, 64-byte signature) = 200 characters.
    expect(text.length).toBe(200);
    expect(TICKET_TEXT_CHARS).toBe(200);
    expect(text).toMatch(/^[A-Z2-7]+$/);
    expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
  });

  test("every one-character change is refused (invalid_signature or qr_invalid)", () => {
    for (let index = 0; index < text.length; index++) {
      const replacement = text[index] === "A" ? "B" : "A";
      const changed = text.slice(0, index) + replacement + text.slice(index + 1);
      const decoded = decodeTicket(changed, certificate, venue.publicKey);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(["invalid_signature", "qr_invalid"]).toContain(decoded.code);
    }
  });

  test("malformed texts are qr_invalid", () => {
    for (const bad of ["", text.slice(0, -1), `${text}A`, text.toLowerCase(), text.replace(/.$/, "1"), "X".repeat(10_000)]) {
      expect(decodeTicket(bad, certificate, venue.publicKey)).toEqual({ ok: false, code: "qr_invalid" });
    }
  });

  test("another event's certificate, or a certificate the venue did not sign, is invalid_signature", () => {
    const other = eventKey("01JQ4Z8D3M2V6S9T0ABCDEFGHK");
    expect(decodeTicket(text, other.certificate, venue.publicKey)).toEqual({ ok: false, code: "invalid_signature" });
    // The right key, certified for another event: the ticket names an event the certificate does not cover.
    const relabelled = signCertificate(venue, { ...certificate, eventId: other.certificate.eventId });
    expect(decodeTicket(text, relabelled, venue.publicKey)).toEqual({ ok: false, code: "invalid_signature" });
    const forged = signCertificate(signerFromPem(generateSigningKeyPem()), certificate);
    expect(decodeTicket(text, forged, venue.publicKey)).toEqual({ ok: false, code: "invalid_signature" });
    expect(decodeTicket(text, forged, venue.publicKey, verifySignatureIndependently)).toEqual({ ok: false, code: "invalid_signature" });
  });
});
