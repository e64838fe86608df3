/**
 * An event's uploaded image. The box re-encodes nothing: it recognises JPEG, PNG and WebP by
 * their magic bytes (never by the file's name or the type the browser claims), reads width and
 * height from their headers (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X), refuses anything else or
 * anything absurdly large, and keeps the bytes in SQLite (so a backup carries them). The event's
 * `image_url` then points to `/media/<image id>`; a new upload replaces the row with a new id, so
 * that one address always serves the same bytes, and removing it clears the event's address.
 */
import { fail, sha256Hex, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findEvent } from "./events.ts";
import { EVENT_IMAGE_TYPES } from "./schema.ts";

export type EventImageType = (typeof EVENT_IMAGE_TYPES)[number];

export const EVENT_IMAGE_LIMITS = {
  /** Largest image accepted, in bytes: a phone's photo of a poster fits. */
  bytes: 5 * 1024 * 1024,
  /** Largest width or height, in pixels; beyond it an image is refused as absurd. */
  sidePx: 8_000,
  /** JPEG segments walked before SOFn is found; a file needing more is refused. */
  jpegSegments: 1_000,
} as const;

/** Where the box serves an uploaded image. */
export const MEDIA_PREFIX = "/media/";

export interface ImageProbe {
  readonly contentType: EventImageType;
  readonly width: number;
  readonly height: number;
}

export interface EventImage extends ImageProbe {
  readonly id: string;
  readonly eventId: string;
  readonly byteCount: number;
  readonly sha256: string;
  readonly createdAtMs: number;
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((byte, index) => bytes[at + index] === byte);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function probePng(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  // The first chunk must be IHDR (length 13): width and height as big-endian 32-bit integers.
  if (bytes.length < 24 || view.getUint32(8) !== 13 || ascii(bytes, 12, 4) !== "IHDR") return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Start-of-frame markers that carry the size (C4 DHT, C8 JPG and CC DAC are not frames). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function probeJpeg(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  let at = 2;
  for (let segment = 0; segment < EVENT_IMAGE_LIMITS.jpegSegments; segment++) {
    if (at >= bytes.length || bytes[at] !== 0xff) return undefined;
    while (at < bytes.length && bytes[at] === 0xff) at++; // fill bytes
    if (at >= bytes.length) return undefined;
    const marker = bytes[at]!;
    at++;
    // Markers without a length: TEM, RSTn; SOI again or EOI before a frame means no image.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return undefined;
    if (at + 2 > bytes.length) return undefined;
    const length = view.getUint16(at);
    if (length < 2) return undefined;
    if (isStartOfFrame(marker)) {
      // length, precision (1 byte), height, width (big-endian 16-bit).
      if (length < 7 || at + 7 > bytes.length) return undefined;
      return { height: view.getUint16(at + 3), width: view.getUint16(at + 5) };
    }
    at += length;
  }
  return undefined;
}

function probeWebp(bytes: Uint8Array, view: DataView): { width: number; height: number } | undefined {
  if (bytes.length < 30) return undefined;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === "VP8 ") {
    // Lossy: a 3-byte frame tag, the start code 9D 01 2A, then 14-bit width and height (little-endian).
    if (!startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) return undefined;
    return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === "VP8L") {
    // Lossless: signature 0x2F, then width-1 and height-1 on 14 bits each (little-endian bit order).
    if (bytes[20] !== 0x2f) return undefined;
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    // Extended: flags (4 bytes), then canvas width-1 and height-1 on 24 bits each (little-endian).
    const width = (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16)) + 1;
    const height = (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16)) + 1;
    return { width, height };
  }
  return undefined;
}

/**
 * What the bytes are, by their magic, and their size from their headers; refuses with
 * `image_too_large` (over the byte bound), `image_type_invalid` (not a readable JPEG, PNG or
 * WebP) or `image_size_invalid` (a side of 0 or over 8000 px).
 */
export function probeImage(bytes: Uint8Array): ImageProbe {
  if (bytes.length > EVENT_IMAGE_LIMITS.bytes) fail("image_too_large", `an image has at most ${EVENT_IMAGE_LIMITS.bytes} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let found: { contentType: EventImageType; size: { width: number; height: number } | undefined } | undefined;
  if (startsWith(bytes, PNG_SIGNATURE)) found = { contentType: "image/png", size: probePng(bytes, view) };
  else if (startsWith(bytes, [0xff, 0xd8, 0xff])) found = { contentType: "image/jpeg", size: probeJpeg(bytes, view) };
  else if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") found = { contentType: "image/webp", size: probeWebp(bytes, view) };
  if (!found || !found.size) fail("image_type_invalid", "an image is a JPEG, PNG or WebP file");
  const { width, height } = found.size;
  if (width < 1 || height < 1 || width > EVENT_IMAGE_LIMITS.sidePx || height > EVENT_IMAGE_LIMITS.sidePx) {
    fail("image_size_invalid", `an image is 1 to ${EVENT_IMAGE_LIMITS.sidePx} pixels wide and high`);
  }
  return { contentType: found.contentType, width, height };
}

export function mediaUrl(imageId: string): string {
  return `${MEDIA_PREFIX}${imageId}`;
}

const SELECT = `SELECT id, event_id AS eventId, content_type AS contentType, byte_count AS byteCount, width, height, sha256, created_at_ms AS createdAtMs FROM event_images`;

export function findEventImage(sqlite: Sqlite, id: string): EventImage | undefined {
  return sqlite.query<EventImage, [string]>(`${SELECT} WHERE id = ?`).get(id) ?? undefined;
}

/** The image's bytes (read only when served). */
export function eventImageBytes(sqlite: Sqlite, id: string): Uint8Array<ArrayBuffer> | undefined {
  return sqlite.query<{ bytes: Uint8Array<ArrayBuffer> }, [string]>("SELECT bytes FROM event_images WHERE id = ?").get(id)?.bytes;
}

/** Widths and heights of the uploaded images among these addresses (for `<img width height>`), by address. */
export function uploadedImageSizes(sqlite: Sqlite, imageUrls: readonly (string | null)[]): Map<string, { width: number; height: number }> {
  const ids = imageUrls.filter((url): url is string => url !== null && url.startsWith(MEDIA_PREFIX)).map((url) => url.slice(MEDIA_PREFIX.length));
  const sizes = new Map<string, { width: number; height: number }>();
  if (ids.length === 0) return sizes;
  const rows = sqlite.query<{ id: string; width: number; height: number }, [string]>("SELECT id, width, height FROM event_images WHERE id IN (SELECT value FROM json_each(?))").all(JSON.stringify(ids));
  for (const row of rows) sizes.set(mediaUrl(row.id), { width: row.width, height: row.height });
  return sizes;
}

/**
 * Stores `bytes` as the event's image (replacing any previous upload) and points the event's
 * address to it; returns the stored image and the address it replaced.
 */
export function saveEventImage(tx: Tx, newId: IdFactory, eventId: string, bytes: Uint8Array): { image: EventImage; previousUrl: string | null } {
  const event = findEvent(tx.sqlite, eventId);
  if (!event) fail("event_unknown", "no such event");
  if (bytes.length === 0) fail("image_required", "choose an image file");
  const probe = probeImage(bytes);
  const id = newId();
  const nowMs = tx.stamp().atMs;
  tx.sqlite.query("DELETE FROM event_images WHERE event_id = ?").run(eventId);
  tx.sqlite
    .query("INSERT INTO event_images (id, event_id, content_type, bytes, byte_count, width, height, sha256, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    .run(id, eventId, probe.contentType, bytes, bytes.length, probe.width, probe.height, sha256Hex(bytes), nowMs);
  tx.sqlite.query("UPDATE events SET image_url = ?, updated_at_ms = ? WHERE id = ?").run(mediaUrl(id), nowMs, eventId);
  return { image: findEventImage(tx.sqlite, id)!, previousUrl: event.imageUrl };
}

/** Removes the event's image: its uploaded bytes if any, and its address (typed or uploaded). */
export function removeEventImage(tx: Tx, eventId: string): { previousUrl: string | null } {
  const event = findEvent(tx.sqlite, eventId);
  if (!event) fail("event_unknown", "no such event");
  if (event.imageUrl === null) fail("image_none", "the event has no image");
  tx.sqlite.query("DELETE FROM event_images WHERE event_id = ?").run(eventId);
  tx.sqlite.query("UPDATE events SET image_url = NULL, updated_at_ms = ? WHERE id = ?").run(tx.stamp().atMs, eventId);
  return { previousUrl: event.imageUrl };
}
