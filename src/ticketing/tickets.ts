/**
 * The signed ticket a QR code carries. The payload is binary and small: a version byte, the
 * ticket, event and product ids (ULIDs, 16 bytes each), the validity window (milliseconds, 6 bytes
 * each, enough until the year 10889), then the event key's 64-byte Ed25519 signature (context
 * tibox-ticket/v1) over everything before it: 125 bytes. It is written in RFC 4648 base32,
 * uppercase without padding (200 characters), which uses only characters of the QR code's
 * alphanumeric mode, so the code stays small enough for a phone to read on a printed page.
 *
 * Decoding never throws on input: a malformed text is `qr_invalid`, a bad signature or a
 * certificate the venue did not sign is `invalid_signature`.
 */
import { assert, fromHex, SIGNING_CONTEXTS, verifySignature, type Signer } from "../kernel/index.ts";
import { verifyCertificate, type EventCertificate, type SignatureCheck } from "./keys.ts";

export const TICKET_VERSION = 1;
const ID_BYTES = 16;
const TIME_BYTES = 6;
const SIGNED_BYTES = 1 + 3 * ID_BYTES + 2 * TIME_BYTES;
const SIGNATURE_BYTES = 64;
export const TICKET_PAYLOAD_BYTES = SIGNED_BYTES + SIGNATURE_BYTES;
/** 125 bytes are exactly 200 base32 characters (1,000 bits, no leftover bits to normalise). */
export const TICKET_TEXT_CHARS = Math.ceil((TICKET_PAYLOAD_BYTES * 8) / 5);
/** Longer scanner input is refused before any decoding. */
export const TICKET_TEXT_MAX_CHARS = 512;

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export interface TicketFields {
  readonly ticketId: string;
  readonly eventId: string;
  readonly productId: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

export type DecodedTicket = { readonly ok: true; readonly ticket: TicketFields } | { readonly ok: false; readonly code: "qr_invalid" | "invalid_signature" };

export function base32Encode(bytes: Uint8Array): string {
  let text = "";
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) text += BASE32[(value << (5 - bits)) & 31];
  return text;
}

/** Strict: uppercase alphabet only, and leftover bits must be zero (one text per payload). */
export function base32Decode(text: string): Uint8Array | undefined {
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

function ulidBytes(id: string): Uint8Array {
  assert(ULID_PATTERN.test(id), `ticket ids are ULIDs, got ${id}`);
  let value = 0n;
  for (const char of id) value = (value << 5n) | BigInt(CROCKFORD.indexOf(char));
  const bytes = new Uint8Array(ID_BYTES);
  for (let i = ID_BYTES - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

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

function writeTime(target: Uint8Array, offset: number, ms: number): void {
  assert(Number.isSafeInteger(ms) && ms >= 0 && ms < 2 ** 48, `a ticket time fits 48 bits, got ${ms}`);
  let rest = ms;
  for (let i = TIME_BYTES - 1; i >= 0; i--) {
    target[offset + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

function readTime(source: Uint8Array, offset: number): number {
  let ms = 0;
  for (let i = 0; i < TIME_BYTES; i++) ms = ms * 256 + source[offset + i]!;
  return ms;
}

export function encodeTicket(ticket: TicketFields, eventSigner: Signer): string {
  assert(ticket.validUntilMs > ticket.validFromMs, "a ticket's window ends after it starts");
  const payload = new Uint8Array(TICKET_PAYLOAD_BYTES);
  payload[0] = TICKET_VERSION;
  payload.set(ulidBytes(ticket.ticketId), 1);
  payload.set(ulidBytes(ticket.eventId), 1 + ID_BYTES);
  payload.set(ulidBytes(ticket.productId), 1 + 2 * ID_BYTES);
  writeTime(payload, 1 + 3 * ID_BYTES, ticket.validFromMs);
  writeTime(payload, 1 + 3 * ID_BYTES + TIME_BYTES, ticket.validUntilMs);
  const signature = eventSigner.sign(SIGNING_CONTEXTS.ticket, payload.subarray(0, SIGNED_BYTES));
  assert(signature.length === SIGNATURE_BYTES, "an Ed25519 signature is 64 bytes");
  payload.set(signature, SIGNED_BYTES);
  const text = base32Encode(payload);
  assert(text.length === TICKET_TEXT_CHARS, "a version 1 ticket is 200 characters");
  return text;
}

/**
 * Reads and checks a scanned ticket: the certificate must be the venue's, the ticket signed by
 * the certified key for the certified event. Windows are not checked here (the door does, with
 * its clock). `check` is node:crypto by default; tests pass @noble/curves too.
 */
export function decodeTicket(text: string, certificate: EventCertificate, venuePublicKey: Uint8Array, check: SignatureCheck = verifySignature): DecodedTicket {
  if (text.length > TICKET_TEXT_MAX_CHARS) return { ok: false, code: "qr_invalid" };
  const trimmed = text.trim();
  if (trimmed.length !== TICKET_TEXT_CHARS) return { ok: false, code: "qr_invalid" };
  const payload = base32Decode(trimmed);
  if (!payload || payload.length !== TICKET_PAYLOAD_BYTES || payload[0] !== TICKET_VERSION) return { ok: false, code: "qr_invalid" };
  const ticket: TicketFields = {
    ticketId: ulidText(payload.subarray(1, 1 + ID_BYTES)),
    eventId: ulidText(payload.subarray(1 + ID_BYTES, 1 + 2 * ID_BYTES)),
    productId: ulidText(payload.subarray(1 + 2 * ID_BYTES, 1 + 3 * ID_BYTES)),
    validFromMs: readTime(payload, 1 + 3 * ID_BYTES),
    validUntilMs: readTime(payload, 1 + 3 * ID_BYTES + TIME_BYTES),
  };
  // 16 bytes hold 128 bits; a ULID has 130, its first character at most 7: any 16 bytes are one.
  if (!verifyCertificate(certificate, venuePublicKey, check)) return { ok: false, code: "invalid_signature" };
  const signed = check(SIGNING_CONTEXTS.ticket, payload.subarray(0, SIGNED_BYTES), payload.subarray(SIGNED_BYTES), fromHex(certificate.publicKeyHex));
  // A ticket for another event, even signed by a key that event shares, is not this certificate's.
  if (!signed || ticket.eventId !== certificate.eventId) return { ok: false, code: "invalid_signature" };
  return { ok: true, ticket };
}

/** The event a scanned text names, read before any signature check (to pick its certificate). */
export function peekTicketEventId(text: string): string | undefined {
  if (text.length > TICKET_TEXT_MAX_CHARS) return undefined;
  const trimmed = text.trim();
  if (trimmed.length !== TICKET_TEXT_CHARS) return undefined;
  const payload = base32Decode(trimmed);
  if (!payload || payload.length !== TICKET_PAYLOAD_BYTES || payload[0] !== TICKET_VERSION) return undefined;
  return ulidText(payload.subarray(1 + ID_BYTES, 1 + 2 * ID_BYTES));
}
