// Proves the door phone's offline verifier answers as the box: one table of vectors (a valid
// ticket, every single-byte change, a wrong venue key, another event's or a relabelled or forged
// certificate, truncated and oversized texts, a wrong version signed correctly, non-canonical
// base32) goes through the box's decodeTicket (node:crypto), the TypeScript source of the
// browser verifier, and the bundled file the browser really loads (ui/static/gen/door-verify.js),
// each both one-shot (@noble's verify) and through the per-event checker (the event key decoded
// and precomputed once), and all must give the same answer, field for field. The checker's own
// Ed25519 check is also held to node:crypto and @noble on the kernel's edge cases (small-order
// and non-canonical keys, S + L, non-canonical R) and 2,000 random bit flips. It also proves the committed bundle is
// exactly what deploy/bundle-client.ts builds today, so it cannot go stale.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSigningKeyPem, seededRandom, signerFromPem, SIGNING_CONTEXTS, toHex, verifySignature, verifySignatureIndependently, type Signer } from "../../src/kernel/index.ts";
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
  const oneShot = verifier.verifyDoorTicket(vector.text, vector.certificate, toHex(vector.venueKey));
  const checked = verifier.doorTicketChecker(vector.certificate, toHex(vector.venueKey))(vector.text);
  expect(checked).toEqual(oneShot);
  return oneShot;
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

  test("every single-byte change of the 125-byte payload: all agree, and none is admitted", () => {
    const codes = new Map<string, number>();
    const checkers = [source, bundled].map((verifier) => verifier.doorTicketChecker(event.certificate, toHex(venue.publicKey)));
    for (let index = 0; index < 125; index++) {
      const payload = base32Decode(text)!;
      payload[index] = payload[index]! ^ (1 << index % 8);
      const vector = { text: base32Encode(payload), certificate: event.certificate, venueKey: venue.publicKey };
      const box = decodeTicket(vector.text, vector.certificate, vector.venueKey);
      expect(box.ok).toBe(false);
      expect(source.verifyDoorTicket(vector.text, vector.certificate, toHex(vector.venueKey))).toEqual(box);
      expect(bundled.verifyDoorTicket(vector.text, vector.certificate, toHex(vector.venueKey))).toEqual(box);
      for (const check of checkers) expect(check(vector.text)).toEqual(box);
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

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;

function littleEndian(value: bigint): Uint8Array {
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

function fromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = 31; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]!);
  return value;
}

describe("the checker's Ed25519 check (event key decoded once) accepts exactly what node:crypto and @noble accept", () => {
  const context = SIGNING_CONTEXTS.ticket;
  const payload = new TextEncoder().encode("a ticket's 61 signed bytes, or any message");
  const good = event.signer.sign(context, payload);
  const identity = littleEndian(1n);
  const trivial = new Uint8Array(64);
  trivial.set(identity, 0);
  const order8 = new Uint8Array(Buffer.from("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a", "hex"));
  const sPlusL = new Uint8Array(good);
  sPlusL.set(littleEndian(fromLittleEndian(good.slice(32)) + L), 32);
  const nonCanonicalR = new Uint8Array(good);
  nonCanonicalR.set(littleEndian(P + 1n), 0);
  const cases: Array<{ name: string; signature: Uint8Array; publicKey: Uint8Array; message?: Uint8Array; expected: boolean }> = [
    { name: "valid", signature: good, publicKey: event.signer.publicKey, expected: true },
    { name: "other message", signature: good, publicKey: event.signer.publicKey, message: new TextEncoder().encode("another"), expected: false },
    { name: "S + L", signature: sPlusL, publicKey: event.signer.publicKey, expected: false },
    { name: "non-canonical R", signature: nonCanonicalR, publicKey: event.signer.publicKey, expected: false },
    { name: "identity key, trivial signature", signature: trivial, publicKey: identity, expected: false },
    { name: "non-canonical identity key", signature: trivial, publicKey: littleEndian(P + 1n), expected: false },
    { name: "order-8 key", signature: trivial, publicKey: order8, expected: false },
    { name: "all-zero signature", signature: new Uint8Array(64), publicKey: event.signer.publicKey, expected: false },
    { name: "short signature", signature: good.slice(0, 63), publicKey: event.signer.publicKey, expected: false },
    { name: "short key", signature: good, publicKey: event.signer.publicKey.slice(0, 31), expected: false },
  ];
  for (const item of cases) {
    test(item.name, () => {
      const message = item.message ?? payload;
      expect(verifySignature(context, message, item.signature, item.publicKey)).toBe(item.expected);
      expect(verifySignatureIndependently(context, message, item.signature, item.publicKey)).toBe(item.expected);
      expect(source.eventKeyVerifier(item.publicKey)(context, message, item.signature)).toBe(item.expected);
      expect(bundled.eventKeyVerifier(item.publicKey)(context, message, item.signature)).toBe(item.expected);
    });
  }

  test("2,000 random bit flips of signature, key or message: the same answer as node:crypto every time", () => {
    const random = seededRandom(11);
    const verifiers = new Map<string, ReturnType<Verifier["eventKeyVerifier"]>>();
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const signature = new Uint8Array(good);
      const publicKey = new Uint8Array(event.signer.publicKey);
      const message = new Uint8Array(payload);
      const target = random(1)[0]! % 3;
      const draw = random(2);
      const position = ((draw[0]! << 8) | draw[1]!) % (target === 0 ? 512 : target === 1 ? 256 : message.length * 8);
      const bytes = target === 0 ? signature : target === 1 ? publicKey : message;
      bytes[position >> 3]! ^= 1 << (position & 7);
      const keyHex = toHex(publicKey);
      if (!verifiers.has(keyHex)) verifiers.set(keyHex, bundled.eventKeyVerifier(publicKey));
      const expected = verifySignature(context, message, signature, publicKey);
      expect(verifiers.get(keyHex)!(context, message, signature)).toBe(expected);
      if (expected) accepted++;
    }
    expect(accepted).toBe(0);
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
