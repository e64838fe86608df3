// Proves the door phone's offline verifier answers as the box: one table of vectors (a valid
// ticket, every single-byte change, a wrong venue key, another event's or a relabelled or forged
// certificate, truncated and oversized texts, a wrong version signed correctly, non-canonical
// base32) goes through the box's decodeTicket (node:crypto), the TypeScript source of the
// browser verifier, and the bundled file the browser really loads (ui/static/gen/door-verify.js),
// and all three must give the same answer, field for field. It also proves the committed bundle is
// exactly what deploy/bundle-client.ts builds today, so it cannot go stale.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSigningKeyPem, signerFromPem, SIGNING_CONTEXTS, toHex, type Signer } from "../../src/kernel/index.ts";
import { base32Decode, base32Encode, decodeTicket, encodeTicket, signCertificate, type EventCertificate, type TicketFields } from "../../src/ticketing/index.ts";
import * as source from "../../ui/client/door-verify.ts";
import { bundleClient, GENERATED_FOLDER } from "../../deploy/bundle-client.ts";

type Verifier = typeof source;
const BUNDLE_PATH = join(GENERATED_FOLDER, "door-verify.js");
const bundled = (await import(BUNDLE_PATH)) as Verifier;

const venue = signerFromPem(generateSigningKeyPem());
const otherVenue = signerFromPem(generateSigningKeyPem());
const EVENT_ID = "01JQ4Z8D3M2V6S9T0ABCDEFGHJ";
const OTHER_EVENT_ID = "01JQ4Z8D3M2V6S9T0ABCDEFGHK";

function eventKey(eventId: string, certifier: Signer = venue) {
  const signer = signerFromPem(generateSigningKeyPem());
  const certificate: EventCertificate = signCertificate(certifier, { eventId, publicKeyHex: toHex(signer.publicKey), validFromMs: 1_700_000_000_000, validUntilMs: 1_900_000_000_000 });
  return { signer, certificate };
}

const TICKET: TicketFields = { ticketId: "01JQ4Z9K7N8P0R1S2T3V4W5X6Y", eventId: EVENT_ID, productId: "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", validFromMs: 1_773_500_000_000, validUntilMs: 1_773_520_000_000 };
const event = eventKey(EVENT_ID);
const other = eventKey(OTHER_EVENT_ID);
const text = encodeTicket(TICKET, event.signer);

/** A payload with another version byte, signed correctly by the event key: the version alone refuses it. */
function withVersion(version: number): string {
  const payload = base32Decode(text)!;
  payload[0] = version;
  payload.set(event.signer.sign(SIGNING_CONTEXTS.ticket, payload.subarray(0, 61)), 61);
  return base32Encode(payload);
}

/** The payload with one byte changed (xor with a non-zero mask). */
function withByte(index: number, mask: number): string {
  const payload = base32Decode(text)!;
  payload[index] = payload[index]! ^ mask;
  return base32Encode(payload);
}

interface Vector {
  readonly name: string;
  readonly text: string;
  readonly certificate: EventCertificate;
  readonly venueKey: Uint8Array;
  readonly expected: "ok" | "qr_invalid" | "invalid_signature";
}

const VECTORS: Vector[] = [
  { name: "valid", text, certificate: event.certificate, venueKey: venue.publicKey, expected: "ok" },
  { name: "valid, with the spaces a scanner may add", text: ` ${text}\n`, certificate: event.certificate, venueKey: venue.publicKey, expected: "ok" },
  { name: "wrong venue key", text, certificate: event.certificate, venueKey: otherVenue.publicKey, expected: "invalid_signature" },
  { name: "certificate by another venue", text, certificate: eventKey(EVENT_ID, otherVenue).certificate, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "another event's certificate", text, certificate: other.certificate, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "the right key certified for another event", text, certificate: signCertificate(venue, { ...event.certificate, eventId: OTHER_EVENT_ID }), venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "certificate with a moved window (signature no longer matches)", text, certificate: { ...event.certificate, validUntilMs: event.certificate.validUntilMs + 1 }, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "certificate with a malformed key", text, certificate: { ...event.certificate, publicKeyHex: "zz" }, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "truncated by one character", text: text.slice(0, -1), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "truncated to half", text: text.slice(0, 100), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "one character too many", text: `${text}A`, certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "oversized", text: "A".repeat(10_000), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "empty", text: "", certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "lowercase", text: text.toLowerCase(), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "non-canonical last character", text: text.replace(/.$/, "1"), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "wrong version, signed correctly", text: withVersion(2), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "version 0, signed correctly", text: withVersion(0), certificate: event.certificate, venueKey: venue.publicKey, expected: "qr_invalid" },
  { name: "tampered ticket id byte", text: withByte(5, 0x42), certificate: event.certificate, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "tampered window byte", text: withByte(55, 0x01), certificate: event.certificate, venueKey: venue.publicKey, expected: "invalid_signature" },
  { name: "tampered signature byte", text: withByte(100, 0x80), certificate: event.certificate, venueKey: venue.publicKey, expected: "invalid_signature" },
];

function answer(verifier: Verifier, vector: { text: string; certificate: EventCertificate; venueKey: Uint8Array }) {
  return verifier.verifyDoorTicket(vector.text, vector.certificate, toHex(vector.venueKey));
}

describe("the door's offline verifier decides as the box's decodeTicket", () => {
  for (const vector of VECTORS) {
    test(vector.name, () => {
      const box = decodeTicket(vector.text, vector.certificate, vector.venueKey);
      if (vector.expected === "ok") expect(box).toEqual({ ok: true, ticket: TICKET });
      else expect(box).toEqual({ ok: false, code: vector.expected });
      expect(answer(source, vector)).toEqual(box);
      expect(answer(bundled, vector)).toEqual(box);
    });
  }

  test("every single-byte change of the 125-byte payload: the three agree, and none is admitted", () => {
    const codes = new Map<string, number>();
    for (let index = 0; index < 125; index++) {
      const payload = base32Decode(text)!;
      payload[index] = payload[index]! ^ (1 << index % 8);
      const vector = { text: base32Encode(payload), certificate: event.certificate, venueKey: venue.publicKey };
      const box = decodeTicket(vector.text, vector.certificate, vector.venueKey);
      expect(box.ok).toBe(false);
      expect(answer(source, vector)).toEqual(box);
      expect(answer(bundled, vector)).toEqual(box);
      if (!box.ok) codes.set(box.code, (codes.get(box.code) ?? 0) + 1);
    }
    // Only the version byte makes the text malformed; every other change breaks the signature.
    expect(Object.fromEntries(codes)).toEqual({ qr_invalid: 1, invalid_signature: 124 });
  });

  test("the per-event checker (certificate checked once) answers as the one-shot verifier", () => {
    const check = bundled.doorTicketChecker(event.certificate, toHex(venue.publicKey));
    for (const vector of VECTORS.filter((item) => item.certificate === event.certificate && item.venueKey === venue.publicKey)) {
      expect(check(vector.text)).toEqual(decodeTicket(vector.text, event.certificate, venue.publicKey));
    }
    const forged = bundled.doorTicketChecker(event.certificate, toHex(otherVenue.publicKey));
    expect(forged(text)).toEqual({ ok: false, code: "invalid_signature" });
    expect(forged("nonsense")).toEqual({ ok: false, code: "qr_invalid" });
  });

  test("the window: before it not_yet_valid, after it expired, inside it nothing", () => {
    expect(bundled.ticketWindowRefusal(TICKET, TICKET.validFromMs - 1)).toBe("not_yet_valid");
    expect(bundled.ticketWindowRefusal(TICKET, TICKET.validFromMs)).toBeUndefined();
    expect(bundled.ticketWindowRefusal(TICKET, TICKET.validUntilMs)).toBeUndefined();
    expect(bundled.ticketWindowRefusal(TICKET, TICKET.validUntilMs + 1)).toBe("expired");
    expect(bundled.peekDoorTicketEventId(text)).toBe(EVENT_ID);
    expect(bundled.peekDoorTicketEventId(text.slice(1))).toBeUndefined();
  });
});

describe("the committed browser bundles", () => {
  test("are exactly what deploy/bundle-client.ts builds from ui/client/ today", async () => {
    const built = await bundleClient();
    expect(built.size).toBeGreaterThan(0);
    for (const [name, text] of built) {
      const committed = readFileSync(join(GENERATED_FOLDER, name), "utf8");
      // A difference means ui/client/ changed without `bun deploy/bundle-client.ts`.
      expect({ name, same: committed === text }).toEqual({ name, same: true });
    }
  });

  test("carry no import a browser could not resolve", async () => {
    for (const name of (await bundleClient()).keys()) {
      const bundle = readFileSync(join(GENERATED_FOLDER, name), "utf8");
      expect({ name, imports: /\bimport\s*[\s{*"'(]/.test(bundle) || /\brequire\(/.test(bundle) }).toEqual({ name, imports: false });
    }
  });
});
