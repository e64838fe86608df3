/**
 * A ticket's QR code as a PNG image, for e-mails (an image attached to the mail shows in every
 * mail client, where an inline SVG or a data: address often does not). uqr gives the module
 * matrix; the PNG is written here: 1-bit greyscale, one IHDR, one zlib IDAT (node:zlib), IEND,
 * each chunk with its CRC-32 (ISO 3309, as PNG specifies).
 */
import { deflateSync } from "node:zlib";
import { encode } from "uqr";
import { assert } from "../kernel/index.ts";

/** Pixels per module and quiet-zone modules: a 200-character ticket (version 9, 53 modules) is 4 × 61 = 244 pixels wide. */
export const QR_PNG_SCALE = 4;
export const QR_PNG_BORDER = 4;
const MAX_SIDE_PX = 4_000;

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A black-on-white PNG of a module matrix (true: dark), `scale` pixels per module, `border` light modules around. */
export function matrixPng(modules: readonly (readonly boolean[])[], scale = QR_PNG_SCALE, border = QR_PNG_BORDER): Uint8Array {
  const count = modules.length;
  const side = (count + 2 * border) * scale;
  assert(count > 0 && side <= MAX_SIDE_PX, "a QR image has modules and a bounded size");
  const rowBytes = Math.ceil(side / 8);
  // Each scanline: filter type 0 (none), then the pixels, 1 bit each, most significant first; 1 is white.
  const raw = new Uint8Array((rowBytes + 1) * side);
  for (let y = 0; y < side; y++) {
    const row = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    const my = Math.floor(y / scale) - border;
    for (let x = 0; x < side; x++) {
      const mx = Math.floor(x / scale) - border;
      const dark = my >= 0 && my < count && mx >= 0 && mx < count && modules[my]![mx] === true;
      if (!dark) row[x >> 3]! |= 0x80 >> (x & 7);
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, side);
  view.setUint32(4, side);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, greyscale, deflate, adaptive filtering, no interlace
  const parts = [PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", new Uint8Array(deflateSync(raw))), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The QR code of a text (a ticket's signed payload) as a PNG, error correction M as on paper. */
export function qrPng(text: string, scale = QR_PNG_SCALE): Uint8Array {
  const qr = encode(text, { ecc: "M", border: 0 });
  return matrixPng(qr.data, scale);
}
