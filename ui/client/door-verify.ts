/**
 * The door phone's own ticket check, for when the box cannot be reached (docs/door.md, "Offline").
 * It answers exactly as the box's `decodeTicket` (src/ticketing/tickets.ts) on the same input:
 * the 200-character base32 text, the 125-byte payload (version 1, ticket, event and product ULIDs,
 * the validity window, the event key's Ed25519 signature under tibox-ticket/v1), the event's
 * certificate signed by the venue key under tibox-ticket-key/v1 over the canonical JSON
 * {event_id, public_key, valid_from_ms, valid_until_ms}. test/client/door-verify.test.ts runs one
 * table of vectors through both, and through the bundled file the browser loads.
 *
 * This file runs in the browser, so it may not import the kernel (node:crypto): the encodings are
 * written again here, small on purpose, and @noble/curves verifies strictly (zip215: false), as
 * the kernel's second verifier does. deploy/bundle-client.ts bundles it into ui/static/gen/.
 *
 * Speed on a cheap phone (bench/door-verify.ts): the certificate is checked once per event with
 * @noble's own `ed25519.verify`; each ticket is then checked by `eventKeyVerifier`, the same strict
 * RFC 8032 check step for step (see @noble/curves abstract/edwards.js, `verify`), but with the
 * event key decoded, checked and given a precomputed window once instead of at every scan, which
 * makes a scan about 2.4 times faster. test/ui/door-verify.test.ts holds both to node:crypto and to
 * @noble's verify on the kernel's edge cases and on random mutations.
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { bytesToNumberLE, concatBytes } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";

const TICKET_VERSION = 1;
const ID_BYTES = 16;
const TIME_BYTES = 6;
const SIGNED_BYTES = 1 + 3 * ID_BYTES + 2 * TIME_BYTES;
const SIGNATURE_BYTES = 64;
export const TICKET_PAYLOAD_BYTES = SIGNED_BYTES + SIGNATURE_BYTES;
export const TICKET_TEXT_CHARS = 200;
/** Longer scanner input is refused before any decoding (as the box does). */
export const TICKET_TEXT_MAX_CHARS = 512;

const TICKET_CONTEXT = "tibox-ticket/v1";
const CERTIFICATE_CONTEXT = "tibox-ticket-key/v1";
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** The event's certificate, as the box's EventCertificate. */
export interface DoorCertificate {
  readonly eventId: string;
  readonly publicKeyHex: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  /** The venue key's signature, hex. */
  readonly signatureHex: string;
}

export interface DoorTicketFields {
  readonly ticketId: string;
  readonly eventId: string;
  readonly productId: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

export type DoorVerdict = { readonly ok: true; readonly ticket: DoorTicketFields } | { readonly ok: false; readonly code: "qr_invalid" | "invalid_signature" };

/** Strict: uppercase alphabet only, and leftover bits must be zero (one text per payload). */
function base32Decode(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of text) {
    const digit = BASE32.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  if (bits >= 5 || value !== 0) return undefined;
  return new Uint8Array(bytes);
}

/** 16 bytes as a 26-character ULID (128 bits; the first character is at most 7). */
function ulidText(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = "";
  for (let i = 0; i < 26; i++) {
    text = CROCKFORD[Number(value & 31n)] + text;
    value >>= 5n;
  }
  return text;
}

function readTime(source: Uint8Array, offset: number): number {
  let ms = 0;
  for (let i = 0; i < TIME_BYTES; i++) ms = ms * 256 + source[offset + i]!;
  return ms;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** The context's UTF-8 bytes, one zero byte, the payload: the kernel's signingMessage. */
function signingMessage(context: string, payload: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(context);
  const message = new Uint8Array(prefix.length + 1 + payload.length);
  message.set(prefix, 0);
  message.set(payload, prefix.length + 1);
  return message;
}

function verifyStrict(context: string, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_BYTES || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, signingMessage(context, payload), publicKey, { zip215: false });
  } catch {
    return false;
  }
}

/** A window of 8 bits for the event key's multiples: 2^7 points kept, built once per event. */
const EVENT_KEY_WINDOW = 8;

/**
 * A strict verifier bound to one public key (@noble/curves' verify with zip215: false, with the
 * key's decoding, small-order check and precomputation done here once): a key that does not
 * decode strictly, or of small order, verifies nothing, as @noble answers for every signature.
 */
export function eventKeyVerifier(publicKey: Uint8Array): (context: string, payload: Uint8Array, signature: Uint8Array) => boolean {
  const Point = ed25519.Point;
  let key: InstanceType<typeof Point>;
  try {
    if (publicKey.length !== 32) return () => false;
    key = Point.fromBytes(publicKey, false);
  } catch {
    return () => false;
  }
  if (key.isSmallOrder()) return () => false;
  key.precompute(EVENT_KEY_WINDOW, false);
  const keyBytes = Uint8Array.from(publicKey);
  const order = Point.Fn.ORDER;
  return (context, payload, signature) => {
    if (signature.length !== SIGNATURE_BYTES) return false;
    const r = signature.subarray(0, 32);
    const s = bytesToNumberLE(signature.subarray(32, 64));
    let R: InstanceType<typeof Point>;
    let SB: InstanceType<typeof Point>;
    try {
      // A non-canonical R (y >= p) throws, and so does S >= L (multiplyUnsafe checks its scalar).
      R = Point.fromBytes(r, false);
      SB = Point.BASE.multiplyUnsafe(s);
    } catch {
      return false;
    }
    // k = SHA-512(R || A || M) mod L, over the exact bytes (plain Ed25519: no dom2 prefix).
    const k = bytesToNumberLE(sha512(concatBytes(r, keyBytes, signingMessage(context, payload)))) % order;
    // The cofactored equation [8][S]B = [8]R + [8][k]A, as @noble checks it.
    return R.add(key.multiplyUnsafe(k)).subtract(SB).clearCofactor().is0();
  };
}

/** The canonical JSON the venue key signs: sorted keys, safe integers only (as kernel/canonical). */
function certificateBody(certificate: DoorCertificate): Uint8Array | undefined {
  if (!Number.isSafeInteger(certificate.validFromMs) || !Number.isSafeInteger(certificate.validUntilMs)) return undefined;
  if (typeof certificate.eventId !== "string") return undefined;
  const json = `{"event_id":${JSON.stringify(certificate.eventId)},"public_key":${JSON.stringify(certificate.publicKeyHex)},"valid_from_ms":${certificate.validFromMs},"valid_until_ms":${certificate.validUntilMs}}`;
  return new TextEncoder().encode(json);
}

/** Whether the venue key signed this certificate. */
export function verifyDoorCertificate(certificate: DoorCertificate, venuePublicKeyHex: string): boolean {
  if (typeof certificate.publicKeyHex !== "string" || typeof certificate.signatureHex !== "string" || typeof venuePublicKeyHex !== "string") return false;
  if (!/^[0-9a-f]{64}$/.test(certificate.publicKeyHex) || !/^[0-9a-f]{128}$/.test(certificate.signatureHex) || !/^[0-9a-f]{64}$/.test(venuePublicKeyHex)) return false;
  const body = certificateBody(certificate);
  if (!body) return false;
  return verifyStrict(CERTIFICATE_CONTEXT, body, hexBytes(certificate.signatureHex), hexBytes(venuePublicKeyHex));
}

/** The payload's fields, or undefined when the text is not a version 1 ticket (qr_invalid). */
function parseTicket(text: string): { readonly fields: DoorTicketFields; readonly payload: Uint8Array } | undefined {
  if (typeof text !== "string" || text.length > TICKET_TEXT_MAX_CHARS) return undefined;
  const trimmed = text.trim();
  if (trimmed.length !== TICKET_TEXT_CHARS) return undefined;
  const payload = base32Decode(trimmed);
  if (!payload || payload.length !== TICKET_PAYLOAD_BYTES || payload[0] !== TICKET_VERSION) return undefined;
  const fields: DoorTicketFields = {
    ticketId: ulidText(payload.subarray(1, 1 + ID_BYTES)),
    eventId: ulidText(payload.subarray(1 + ID_BYTES, 1 + 2 * ID_BYTES)),
    productId: ulidText(payload.subarray(1 + 2 * ID_BYTES, 1 + 3 * ID_BYTES)),
    validFromMs: readTime(payload, 1 + 3 * ID_BYTES),
    validUntilMs: readTime(payload, 1 + 3 * ID_BYTES + TIME_BYTES),
  };
  return { fields, payload };
}

/** The event a scanned text names, before any signature check (to pick its certificate). */
export function peekDoorTicketEventId(text: string): string | undefined {
  return parseTicket(text)?.fields.eventId;
}

type TicketSignatureCheck = (context: string, payload: Uint8Array, signature: Uint8Array) => boolean;

function checkTicket(text: string, certificate: DoorCertificate, verify: TicketSignatureCheck | undefined): DoorVerdict {
  const parsed = parseTicket(text);
  if (!parsed) return { ok: false, code: "qr_invalid" };
  if (!verify) return { ok: false, code: "invalid_signature" };
  const signed = verify(TICKET_CONTEXT, parsed.payload.subarray(0, SIGNED_BYTES), parsed.payload.subarray(SIGNED_BYTES));
  // A ticket for another event, even signed by a key that event shares, is not this certificate's.
  if (!signed || parsed.fields.eventId !== certificate.eventId) return { ok: false, code: "invalid_signature" };
  return { ok: true, ticket: parsed.fields };
}

/**
 * A checker for one event, what a door keeps for the night: the certificate is checked once,
 * here, and the event key made ready (eventKeyVerifier); each scan then costs one fast check.
 */
export function doorTicketChecker(certificate: DoorCertificate, venuePublicKeyHex: string): (text: string) => DoorVerdict {
  const verify = verifyDoorCertificate(certificate, venuePublicKeyHex) ? eventKeyVerifier(hexBytes(certificate.publicKeyHex)) : undefined;
  return (text) => checkTicket(text, certificate, verify);
}

/** The box's decodeTicket, in the browser, for one scan: certificate and ticket through @noble's own verify. */
export function verifyDoorTicket(text: string, certificate: DoorCertificate, venuePublicKeyHex: string): DoorVerdict {
  const certified = verifyDoorCertificate(certificate, venuePublicKeyHex);
  const eventKey = certified ? hexBytes(certificate.publicKeyHex) : undefined;
  return checkTicket(text, certificate, eventKey ? (context, payload, signature) => verifyStrict(context, payload, signature, eventKey) : undefined);
}

/** The ticket's own window, as the box judges it: before it, not_yet_valid; after it, expired. */
export function ticketWindowRefusal(ticket: DoorTicketFields, nowMs: number): "not_yet_valid" | "expired" | undefined {
  if (nowMs < ticket.validFromMs) return "not_yet_valid";
  if (nowMs > ticket.validUntilMs) return "expired";
  return undefined;
}
