/**
 * A minimal binding to pcsc-lite (`libpcsclite.so.1`) through bun:ffi: the seven calls a UID
 * reader needs. pcsc-lite on 64-bit Linux (x64 and arm64 alike, both LP64) uses `long` for
 * LONG and DWORD, so every DWORD is 8 bytes, and SCARD_READERSTATE is 80 bytes:
 *
 *   0 szReader (char*)  8 pvUserData  16 dwCurrentState  24 dwEventState  32 cbAtr  40 rgbAtr[33] (+7 padding)
 *
 * Return codes are LONG; every SCARD_* code fits in 32 bits, so they are read as u32. Every
 * call here blocks the calling thread: use this module only from the poller's Worker.
 */
import { dlopen, ptr } from "bun:ffi";

export const SCARD = {
  S_SUCCESS: 0,
  E_CANCELLED: 0x80100002,
  E_INVALID_HANDLE: 0x80100003,
  E_UNKNOWN_READER: 0x80100009,
  E_TIMEOUT: 0x8010000a,
  E_NO_SMARTCARD: 0x8010000c,
  E_READER_UNAVAILABLE: 0x80100017,
  E_NO_SERVICE: 0x8010001d,
  E_SERVICE_STOPPED: 0x8010001e,
  E_NO_READERS_AVAILABLE: 0x8010002e,
  W_REMOVED_CARD: 0x80100069,
  SCOPE_SYSTEM: 2,
  SHARE_SHARED: 2,
  PROTOCOL_T0: 1,
  PROTOCOL_T1: 2,
  LEAVE_CARD: 0,
  STATE_UNAWARE: 0,
  STATE_CHANGED: 0x2,
  STATE_UNKNOWN: 0x4,
  STATE_UNAVAILABLE: 0x8,
  STATE_EMPTY: 0x10,
  STATE_PRESENT: 0x20,
  STATE_MUTE: 0x200,
} as const;

/** The pseudo-reader whose state changes when a reader is plugged or unplugged. */
export const PNP_NOTIFICATION = "\\\\?PnP?\\Notification";
export const READER_STATE_BYTES = 80;
const MAX_READERS_TEXT_BYTES = 64 * 1024;
const MAX_ANSWER_BYTES = 258;

function open(path: string) {
  return dlopen(path, {
    SCardEstablishContext: { args: ["u64", "ptr", "ptr", "ptr"], returns: "u32" },
    SCardReleaseContext: { args: ["i64"], returns: "u32" },
    SCardListReaders: { args: ["i64", "ptr", "ptr", "ptr"], returns: "u32" },
    SCardGetStatusChange: { args: ["i64", "u64", "ptr", "u64"], returns: "u32" },
    SCardConnect: { args: ["i64", "ptr", "u64", "u64", "ptr", "ptr"], returns: "u32" },
    SCardDisconnect: { args: ["i64", "u64"], returns: "u32" },
    SCardTransmit: { args: ["i64", "ptr", "ptr", "u64", "ptr", "ptr", "ptr"], returns: "u32" },
  });
}

type Library = ReturnType<typeof open>["symbols"];

function cString(text: string): Buffer {
  return Buffer.from(`${text}\0`, "utf8");
}

/** A reader's slot in a SCardGetStatusChange call; `name` stays referenced while the call runs. */
export interface WatchedReader {
  readonly name: string;
  currentState: number;
}

export class Pcsc {
  readonly #lib: Library;
  readonly #close: () => void;

  constructor(path = "libpcsclite.so.1") {
    const handle = open(path);
    this.#lib = handle.symbols;
    this.#close = () => handle.close();
  }

  close(): void {
    this.#close();
  }

  establish(): { code: number; context: bigint } {
    const out = new BigInt64Array(1);
    const code = this.#lib.SCardEstablishContext(SCARD.SCOPE_SYSTEM, null, null, ptr(out));
    return { code, context: out[0]! };
  }

  release(context: bigint): number {
    return this.#lib.SCardReleaseContext(context);
  }

  /** The reader names; an empty list when none is plugged. */
  listReaders(context: bigint): { code: number; names: string[] } {
    const size = new BigUint64Array([BigInt(MAX_READERS_TEXT_BYTES)]);
    const text = new Uint8Array(MAX_READERS_TEXT_BYTES);
    const code = this.#lib.SCardListReaders(context, null, ptr(text), ptr(size));
    if (code === SCARD.E_NO_READERS_AVAILABLE) return { code: SCARD.S_SUCCESS, names: [] };
    if (code !== SCARD.S_SUCCESS) return { code, names: [] };
    const used = Math.min(Number(size[0]), text.length);
    const names = new TextDecoder().decode(text.subarray(0, used)).split("\0").filter((name) => name.length > 0);
    return { code, names };
  }

  /** Waits up to `timeoutMs` for a change; on success each reader's `eventState` is returned. */
  getStatusChange(context: bigint, timeoutMs: number, readers: readonly WatchedReader[]): { code: number; eventStates: number[] } {
    const names = readers.map((reader) => cString(reader.name));
    const states = new Uint8Array(READER_STATE_BYTES * readers.length);
    const view = new DataView(states.buffer);
    readers.forEach((reader, index) => {
      const base = index * READER_STATE_BYTES;
      view.setBigUint64(base, BigInt(ptr(names[index]!)), true);
      view.setBigUint64(base + 16, BigInt(reader.currentState), true);
    });
    const code = this.#lib.SCardGetStatusChange(context, timeoutMs, ptr(states), readers.length);
    const eventStates = readers.map((_, index) => Number(view.getBigUint64(index * READER_STATE_BYTES + 24, true)));
    names.length = 0;
    return { code, eventStates };
  }

  /** Connects to the card on `reader`, sends one APDU, disconnects leaving the card as it is. */
  transmit(context: bigint, reader: string, apdu: Uint8Array): { code: number; answer: Uint8Array } {
    const card = new BigInt64Array(1);
    const protocol = new BigUint64Array(1);
    const name = cString(reader);
    const connected = this.#lib.SCardConnect(context, ptr(name), SCARD.SHARE_SHARED, SCARD.PROTOCOL_T0 | SCARD.PROTOCOL_T1, ptr(card), ptr(protocol));
    if (connected !== SCARD.S_SUCCESS) return { code: connected, answer: new Uint8Array(0) };
    try {
      // SCARD_IO_REQUEST {dwProtocol, cbPciLength}: two longs.
      const pci = new BigUint64Array([protocol[0]!, 16n]);
      const answer = new Uint8Array(MAX_ANSWER_BYTES);
      const length = new BigUint64Array([BigInt(answer.length)]);
      const sent = Uint8Array.from(apdu);
      const code = this.#lib.SCardTransmit(card[0]!, ptr(pci), ptr(sent), sent.length, null, ptr(answer), ptr(length));
      return { code, answer: code === SCARD.S_SUCCESS ? answer.slice(0, Math.min(Number(length[0]), answer.length)) : new Uint8Array(0) };
    } finally {
      this.#lib.SCardDisconnect(card[0]!, SCARD.LEAVE_CARD);
    }
  }
}

/** A readable name for a return code, for logs. */
export function scardCodeName(code: number): string {
  const entry = Object.entries(SCARD).find(([key, value]) => (key.startsWith("E_") || key.startsWith("W_")) && value === code);
  return entry ? `SCARD_${entry[0]}` : `0x${code.toString(16).padStart(8, "0")}`;
}

/**
 * Points pcsc-lite at another daemon socket (a private pcscd, in tests), through the C
 * environment: pcsc-lite reads PCSCLITE_CSOCK_NAME with getenv() on its first call and keeps
 * it for the life of the process, and Bun's process.env does not reach the C environment.
 */
export function usePcscSocket(path: string): void {
  const libc = dlopen("libc.so.6", { setenv: { args: ["ptr", "ptr", "i32"], returns: "i32" } });
  try {
    libc.symbols.setenv(ptr(cString("PCSCLITE_CSOCK_NAME")), ptr(cString(path)), 1);
  } finally {
    libc.close();
  }
}
