/**
 * Tiny image files written byte by byte for tests: a real PNG (IHDR, zlib-deflated IDAT, CRCs),
 * the header segments of a baseline JPEG, and WebP files of the three kinds (VP8, VP8L, VP8X).
 * Only the headers the box reads need to be exact; the PNG decodes in any viewer.
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function u32be(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

function pngChunk(type: string, data: Uint8Array): number[] {
  const typed = new Uint8Array([...new TextEncoder().encode(type), ...data]);
  return [...u32be(data.length), ...typed, ...u32be(crc32(typed))];
}

/** A valid RGB PNG of `width` x `height` red pixels (the IHDR may claim a size the data does not have when `claimed` is given). */
export function pngBytes(width: number, height: number, claimed?: { width: number; height: number }): Uint8Array<ArrayBuffer> {
  const ihdr = new Uint8Array([...u32be(claimed?.width ?? width), ...u32be(claimed?.height ?? height), 8, 2, 0, 0, 0]);
  const raw = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    raw[y * (1 + width * 3)] = 0; // filter: none
    for (let x = 0; x < width; x++) raw[y * (1 + width * 3) + 1 + x * 3] = 0xff;
  }
  return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...pngChunk("IHDR", ihdr), ...pngChunk("IDAT", deflateSync(raw)), ...pngChunk("IEND", new Uint8Array())]);
}

/** A valid PNG of `totalBytes` bytes: `pngBytes(width, height)` with a private ancillary chunk ("tiBx", ignored by viewers) before IEND. */
export function paddedPngBytes(width: number, height: number, totalBytes: number): Uint8Array<ArrayBuffer> {
  const plain = pngBytes(width, height);
  const iendBytes = 12;
  const padding = totalBytes - plain.length - 12;
  if (padding < 0) throw new Error("the padded PNG must be larger than the plain one");
  const chunk = pngChunk("tiBx", new Uint8Array(padding));
  const bytes = new Uint8Array(totalBytes);
  bytes.set(plain.subarray(0, plain.length - iendBytes));
  bytes.set(chunk, plain.length - iendBytes);
  bytes.set(plain.subarray(plain.length - iendBytes), plain.length - iendBytes + chunk.length);
  return bytes;
}

/** SOI, an APP0 JFIF segment, a quantisation table, then SOF0 with the size, SOS and EOI. */
export function jpegBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const dqt = [0xff, 0xdb, 0x00, 0x43, 0x00, ...new Array<number>(64).fill(1)];
  const sof0 = [0xff, 0xc0, 0x00, 0x0b, 0x08, (height >> 8) & 0xff, height & 0xff, (width >> 8) & 0xff, width & 0xff, 0x01, 0x01, 0x11, 0x00];
  const sos = [0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0x00];
  return new Uint8Array([0xff, 0xd8, ...app0, ...dqt, ...sof0, ...sos, 0xff, 0xd9]);
}

function riff(chunk: string, payload: number[]): Uint8Array<ArrayBuffer> {
  const body = [...new TextEncoder().encode("WEBP"), ...new TextEncoder().encode(chunk), payload.length & 0xff, (payload.length >> 8) & 0xff, 0, 0, ...payload];
  return new Uint8Array([...new TextEncoder().encode("RIFF"), body.length & 0xff, (body.length >> 8) & 0xff, 0, 0, ...body]);
}

/** Lossless WebP header: signature 0x2F and (width-1, height-1) on 14 bits each. */
export function webpLosslessBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const bits = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  return riff("VP8L", [0x2f, bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, (bits >>> 24) & 0xff, 0, 0, 0, 0, 0]);
}

/** Lossy WebP header: frame tag, start code 9D 01 2A, 14-bit width and height. */
export function webpLossyBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  return riff("VP8 ", [0x50, 0x01, 0x00, 0x9d, 0x01, 0x2a, width & 0xff, (width >> 8) & 0x3f, height & 0xff, (height >> 8) & 0x3f, 0, 0]);
}

/** Extended WebP header: flags, then the canvas (width-1, height-1) on 24 bits each. */
export function webpExtendedBytes(width: number, height: number): Uint8Array<ArrayBuffer> {
  const w = width - 1;
  const h = height - 1;
  return riff("VP8X", [0, 0, 0, 0, w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff, 0, 0]);
}

export function gifBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array([...new TextEncoder().encode("GIF89a"), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3b]);
}
