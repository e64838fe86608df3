/**
 * The NFC reader port: what every reader implementation (simulated, PC/SC, and the remote
 * agent's forwarding of either) offers to the box. A reader is started with one listener and
 * reports everything through it, in order, as plain values:
 *
 *   tap       a card arrived and its UID was read (once per arrival: a card held on the reader
 *             is not reported again until it has been removed);
 *   removed   the card left the reader;
 *   attached  a reader appeared (at start for those already there, then on plug);
 *   detached  a reader disappeared (unplugged, or the PC/SC service went away);
 *   error     something failed without a tap: an unreadable UID (garbled or short answer), a
 *             failed read, the PC/SC service unreachable. Never thrown: a reader does not crash
 *             its host, it reports and carries on.
 *
 * A callback rather than an async iterator: the producers (a Worker's messages, a simulated
 * reader's method calls) push, and a callback costs no buffering. Listeners must not throw; a
 * throwing listener is a programmer error and is rethrown outside the reader's loop.
 */

/** A card UID: uppercase hex without separators, 4, 7 or 10 bytes (8, 14 or 20 digits). */
export type CardUid = string;

export type NfcErrorCode =
  /** The card answered FF CA with something that is not 4, 7 or 10 bytes followed by 90 00. */
  | "uid_unreadable"
  /** Connecting to the card or transmitting failed (card pulled away mid-read, mute card). */
  | "read_failed"
  /** The PC/SC service (pcscd) cannot be reached; the reader retries by itself. */
  | "service_unavailable"
  /** The PC/SC library is missing (install libpcsclite1); the reader stays stopped. */
  | "library_missing";

export type NfcEvent =
  | { readonly type: "tap"; readonly readerName: string; readonly uid: CardUid; readonly atMs: number }
  | { readonly type: "removed"; readonly readerName: string; readonly atMs: number }
  | { readonly type: "attached"; readonly readerName: string; readonly atMs: number }
  | { readonly type: "detached"; readonly readerName: string; readonly atMs: number }
  | { readonly type: "error"; readonly readerName: string | undefined; readonly code: NfcErrorCode; readonly detail: string; readonly atMs: number };

export type NfcListener = (event: NfcEvent) => void;

export interface NfcReader {
  /** What this implementation is, for logs and the admin page: "simulated", "pcsc". */
  readonly kind: string;
  /** Starts watching and reporting to `listener`; resolves once watching has begun. */
  start(listener: NfcListener): Promise<void>;
  /** Stops watching and releases what it holds; no event is reported after it resolves. */
  stop(): Promise<void>;
}

/** UID lengths in bytes that ISO 14443-3 defines (single, double and triple size). */
export const UID_BYTE_LENGTHS: readonly number[] = [4, 7, 10];

/** The UID in the answer to `FF CA 00 00 00`, or undefined for a garbled or short answer. */
export function uidFromGetDataAnswer(answer: Uint8Array): CardUid | undefined {
  if (answer.length < 2) return undefined;
  const sw1 = answer[answer.length - 2];
  const sw2 = answer[answer.length - 1];
  if (sw1 !== 0x90 || sw2 !== 0x00) return undefined;
  const uid = answer.subarray(0, answer.length - 2);
  if (!UID_BYTE_LENGTHS.includes(uid.length)) return undefined;
  return Array.from(uid, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
}

/** A UID typed or received in any usual form ("04:a1:b2:c3", "04a1b2c3"), or undefined. */
export function parseCardUid(text: string): CardUid | undefined {
  const bare = text.replace(/[:\s-]/g, "").toUpperCase();
  if (!/^[0-9A-F]+$/.test(bare)) return undefined;
  return UID_BYTE_LENGTHS.includes(bare.length / 2) ? bare : undefined;
}

/** The APDU that asks a PC/SC contactless reader for the card's UID (PC/SC part 3, GET DATA). */
export const GET_UID_APDU: Uint8Array = Uint8Array.of(0xff, 0xca, 0x00, 0x00, 0x00);
