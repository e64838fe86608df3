/**
 * The event certificates already found valid. Every scan decodes its ticket against the event's
 * certificate (tickets.ts): two Ed25519 checks, the certificate's (by the venue key) and the
 * ticket's (by the event key). A certificate changes only when its event's end moves, so the box
 * remembers the ones it verified and a scan costs one signature check instead of two. Only valid
 * certificates are remembered, keyed by everything signed (key, signature, body): a certificate
 * changed in any way is checked again. Bounded: past the limit the memo starts empty again.
 * One instance per box, built by app.ts; the ticket's own signature is always checked.
 */
import { SIGNING_CONTEXTS, toHex, verifySignature } from "../kernel/index.ts";
import type { SignatureCheck } from "./keys.ts";

export const CERTIFICATE_MEMO_ENTRIES = 1_000;

export class CertificateMemo {
  readonly #valid = new Set<string>();
  readonly #maxEntries: number;

  constructor(maxEntries: number = CERTIFICATE_MEMO_ENTRIES) {
    this.#maxEntries = maxEntries;
  }

  /** A SignatureCheck (node:crypto) that answers a certificate verified before without verifying it again. */
  readonly check: SignatureCheck = (context, payload, signature, publicKey) => {
    if (context !== SIGNING_CONTEXTS.ticketKey) return verifySignature(context, payload, signature, publicKey);
    const key = `${toHex(publicKey)}:${toHex(signature)}:${toHex(payload)}`;
    if (this.#valid.has(key)) return true;
    const valid = verifySignature(context, payload, signature, publicKey);
    if (valid) {
      if (this.#valid.size >= this.#maxEntries) this.#valid.clear();
      this.#valid.add(key);
    }
    return valid;
  };

  get size(): number {
    return this.#valid.size;
  }
}
