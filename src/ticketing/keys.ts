/**
 * Ticket keys. Each event has its own Ed25519 key that signs its tickets; the venue key certifies
 * it (context tibox-ticket-key/v1) over the canonical JSON {event_id, public_key, valid_from_ms,
 * valid_until_ms}. A door device therefore holds the venue's public key and one certificate per
 * event, never a private key; a stolen event key signs nothing for another event.
 */
import { canonicalBytes, fail, fromHex, generateSigningKeyPem, signerFromPem, SIGNING_CONTEXTS, toHex, verifySignature, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

/** A certificate outlives its event by a day, so that a late scan is refused as expired, not forged. */
export const TICKET_KEY_GRACE_MS = 86_400_000;

export interface EventCertificate {
  readonly eventId: string;
  readonly publicKeyHex: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  /** The venue key's signature, hex. */
  readonly signatureHex: string;
}

export type SignatureCheck = (context: typeof SIGNING_CONTEXTS.ticketKey | typeof SIGNING_CONTEXTS.ticket, payload: Uint8Array, signature: Uint8Array, publicKey: Uint8Array) => boolean;

/** The bytes the venue key signs. */
export function certificateBody(certificate: Omit<EventCertificate, "signatureHex">): Uint8Array {
  return canonicalBytes({
    event_id: certificate.eventId,
    public_key: certificate.publicKeyHex,
    valid_from_ms: certificate.validFromMs,
    valid_until_ms: certificate.validUntilMs,
  });
}

export function signCertificate(venue: Signer, body: Omit<EventCertificate, "signatureHex">): EventCertificate {
  return { ...body, signatureHex: toHex(venue.sign(SIGNING_CONTEXTS.ticketKey, certificateBody(body))) };
}

/** Whether the venue key signed this certificate (node:crypto unless another check is given). */
export function verifyCertificate(certificate: EventCertificate, venuePublicKey: Uint8Array, check: SignatureCheck = verifySignature): boolean {
  if (!/^[0-9a-f]{64}$/.test(certificate.publicKeyHex) || !/^[0-9a-f]{128}$/.test(certificate.signatureHex)) return false;
  return check(SIGNING_CONTEXTS.ticketKey, certificateBody(certificate), fromHex(certificate.signatureHex), venuePublicKey);
}

export function createEventKey(tx: Tx, venue: Signer, input: { eventId: string; validFromMs: number; endsAtMs: number }): EventCertificate {
  const privateKeyPem = generateSigningKeyPem();
  const publicKeyHex = toHex(signerFromPem(privateKeyPem).publicKey);
  const certificate = signCertificate(venue, { eventId: input.eventId, publicKeyHex, validFromMs: input.validFromMs, validUntilMs: input.endsAtMs + TICKET_KEY_GRACE_MS });
  tx.sqlite
    .query("INSERT INTO event_keys (event_id, private_key_pem, public_key_hex, valid_from_ms, valid_until_ms, certificate, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .run(input.eventId, privateKeyPem, publicKeyHex, certificate.validFromMs, certificate.validUntilMs, certificate.signatureHex, tx.stamp().atMs);
  return certificate;
}

/** Signs the event's key again for a new end (the key itself, and tickets it signed, stay). */
export function certifyEventKey(tx: Tx, venue: Signer, eventId: string, endsAtMs: number): EventCertificate {
  const current = eventCertificate(tx.sqlite, eventId);
  const certificate = signCertificate(venue, { eventId, publicKeyHex: current.publicKeyHex, validFromMs: current.validFromMs, validUntilMs: endsAtMs + TICKET_KEY_GRACE_MS });
  tx.sqlite.query("UPDATE event_keys SET valid_until_ms = ?, certificate = ? WHERE event_id = ?").run(certificate.validUntilMs, certificate.signatureHex, eventId);
  return certificate;
}

export function eventCertificate(sqlite: Sqlite, eventId: string): EventCertificate {
  const row = sqlite
    .query<EventCertificate, [string]>(
      "SELECT event_id AS eventId, public_key_hex AS publicKeyHex, valid_from_ms AS validFromMs, valid_until_ms AS validUntilMs, certificate AS signatureHex FROM event_keys WHERE event_id = ?",
    )
    .get(eventId);
  if (!row) fail("event_unknown", "no ticket key for this event");
  return row;
}

/** The event's ticket signer; its private key stays inside the returned object. */
export function eventSigner(sqlite: Sqlite, eventId: string): Signer {
  const row = sqlite.query<{ pem: string }, [string]>("SELECT private_key_pem AS pem FROM event_keys WHERE event_id = ?").get(eventId);
  if (!row) fail("event_unknown", "no ticket key for this event");
  return signerFromPem(row.pem);
}
