/**
 * A virtual contactless card for vsmartcard's vpcd driver: pcscd's "Virtual PCD" reader listens
 * on a TCP port, and a card program connects to it. Connecting is putting the card on the
 * reader; closing the connection is taking it away.
 *
 * The vpcd socket protocol: every frame is a 2-byte big-endian length then that many bytes. A
 * 1-byte frame from the reader is a control: 0x00 power off, 0x01 power on, 0x02 reset (no
 * answer), 0x04 "send your ATR" (answered with the ATR). Any longer frame is an APDU, answered
 * with the response APDU. This card answers `FF CA 00 00 00` (GET DATA, UID) with its UID and
 * 90 00, or, in garbled mode, with an answer no reader should accept as a UID.
 */
import type { Socket } from "bun";

/** A MIFARE Classic 1K as PC/SC part 3 presents a contactless card. */
const ATR = Uint8Array.from([0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a]);
const CONTROL = { powerOff: 0x00, powerOn: 0x01, reset: 0x02, getAtr: 0x04 } as const;
/** A frame longer than an extended APDU is a broken stream. */
const MAX_FRAME_BYTES = 65_544;

export type CardMode = "normal" | "garbled" | "short";

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 2);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

export interface VirtualCardOptions {
  readonly host?: string;
  readonly port: number;
  /** Called when the card answers a GET DATA (UID) APDU, with the wall time in fractional ms. */
  readonly onUidAnswered?: (uid: string, atMs: number) => void;
}

export class VirtualCard {
  readonly #options: VirtualCardOptions;
  #socket: Socket<undefined> | undefined;
  #pending = new Uint8Array(0);
  #uid = "04A1B2C3";
  #mode: CardMode = "normal";
  /** Every APDU received since the card was made, as hex, for assertions. */
  readonly apdus: string[] = [];

  constructor(options: VirtualCardOptions) {
    this.#options = options;
  }

  get present(): boolean {
    return this.#socket !== undefined;
  }

  /** Puts the card on the reader: connects to vpcd. */
  async insert(uid: string, mode: CardMode = "normal"): Promise<void> {
    if (this.#socket) throw new Error("the card is already on the reader");
    this.#uid = uid;
    this.#mode = mode;
    this.#pending = new Uint8Array(0);
    this.#socket = await Bun.connect<undefined>({
      hostname: this.#options.host ?? "127.0.0.1",
      port: this.#options.port,
      socket: {
        data: (socket, chunk) => this.#receive(socket, chunk),
        close: () => {
          this.#socket = undefined;
        },
        error: () => {
          this.#socket = undefined;
        },
      },
    });
  }

  /** Takes the card away: closes the connection. */
  remove(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.end();
  }

  #receive(socket: Socket<undefined>, chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#pending.length + chunk.length);
    joined.set(this.#pending, 0);
    joined.set(chunk, this.#pending.length);
    let offset = 0;
    while (joined.length - offset >= 2) {
      const length = (joined[offset]! << 8) | joined[offset + 1]!;
      if (length > MAX_FRAME_BYTES) throw new Error(`vpcd sent a frame of ${length} bytes`);
      if (joined.length - offset - 2 < length) break;
      const payload = joined.subarray(offset + 2, offset + 2 + length);
      offset += 2 + length;
      const answer = this.#answer(payload);
      if (answer) socket.write(frame(answer));
    }
    this.#pending = joined.slice(offset);
  }

  #answer(payload: Uint8Array): Uint8Array | undefined {
    if (payload.length === 1) return payload[0] === CONTROL.getAtr ? ATR : undefined;
    const hex = Array.from(payload, (byte) => byte.toString(16).padStart(2, "0")).join("").toUpperCase();
    this.apdus.push(hex);
    if (hex !== "FFCA000000") return Uint8Array.of(0x6d, 0x00);
    const atMs = performance.timeOrigin + performance.now();
    if (this.#mode === "garbled") return Uint8Array.of(0x6a, 0x81);
    if (this.#mode === "short") return Uint8Array.of(...hexBytes(this.#uid).subarray(0, 2), 0x90, 0x00);
    this.#options.onUidAnswered?.(this.#uid, atMs);
    return Uint8Array.of(...hexBytes(this.#uid), 0x90, 0x00);
  }
}
