/**
 * A camera picture of a ticket for Chromium's fake capture device: the QR code of a text (uqr's
 * module matrix), black on a white page with a quiet zone, as a Y4M video
 * (`--use-file-for-fake-video-capture=FILE.y4m`; Chromium loops it). Y4M is a header line, then
 * per frame "FRAME\n" and the raw planes: Y (W x H), then U and V (W/2 x H/2) in 4:2:0, full
 * range (C420jpeg), so white is Y 255 and black Y 0, with U = V = 128 (no colour).
 * With `blankFrames`, the code's frames are followed by that many white frames: looped, the ticket
 * comes into view, leaves, and comes back.
 */
import { writeFileSync } from "node:fs";
import { encode } from "uqr";

export interface QrVideoOptions {
  readonly widthPx?: number;
  readonly heightPx?: number;
  /** Frames showing the code; Chromium loops the file. */
  readonly frames?: number;
  /** White frames (no code) after the code's frames; 0 by default. */
  readonly blankFrames?: number;
  /** Frames per second, in the header: Chromium plays the file at this rate. */
  readonly fps?: number;
  /** Quiet zone around the code, in modules (the standard asks for 4). */
  readonly quietModules?: number;
}

const WHITE = 255;
const BLACK = 0;
const NEUTRAL_CHROMA = 128;

/** Writes the video to `path`; returns the module size used, in pixels. */
export function writeQrVideo(path: string, text: string, options: QrVideoOptions = {}): { readonly modulePx: number; readonly modules: number } {
  const width = options.widthPx ?? 640;
  const height = options.heightPx ?? 480;
  const frames = options.frames ?? 10;
  const blankFrames = options.blankFrames ?? 0;
  const fps = options.fps ?? 10;
  const quiet = options.quietModules ?? 4;
  if (width % 2 !== 0 || height % 2 !== 0) throw new Error("Y4M 4:2:0 needs even dimensions");
  const matrix = encode(text, { border: quiet }).data;
  const modules = matrix.length;
  const modulePx = Math.floor((Math.min(width, height) * 0.9) / modules);
  if (modulePx < 2) throw new Error(`${modules} modules do not fit ${width}x${height}`);
  const left = Math.floor((width - modules * modulePx) / 2);
  const top = Math.floor((height - modules * modulePx) / 2);

  const luma = new Uint8Array(width * height).fill(WHITE);
  for (let row = 0; row < modules; row++) {
    for (let column = 0; column < modules; column++) {
      if (!matrix[row]![column]) continue;
      for (let y = top + row * modulePx; y < top + (row + 1) * modulePx; y++) luma.fill(BLACK, y * width + left + column * modulePx, y * width + left + (column + 1) * modulePx);
    }
  }
  const chroma = new Uint8Array((width / 2) * (height / 2)).fill(NEUTRAL_CHROMA);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`, "ascii");
  const frameMark = Buffer.from("FRAME\n", "ascii");
  const parts: Uint8Array[] = [header];
  for (let frame = 0; frame < frames; frame++) parts.push(frameMark, luma, chroma, chroma);
  const blank = new Uint8Array(width * height).fill(WHITE);
  for (let frame = 0; frame < blankFrames; frame++) parts.push(frameMark, blank, chroma, chroma);
  writeFileSync(path, Buffer.concat(parts));
  return { modulePx, modules };
}
