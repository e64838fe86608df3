/**
 * The module size of a printed QR code, chosen to fit the paper. A thermal head prints 8 dots per
 * millimetre: 384 dots across the 48 mm printable width of 58 mm paper, 576 across the 72 mm of
 * 80 mm paper. The printer picks the QR version from the data it is given (GS ( k, model 2, error
 * correction M); the largest it may pick is the byte-mode one, so the size is computed for that
 * version, and the cell is the largest whole number of dots that keeps the symbol inside the
 * printable width (at most 8, the command's useful maximum; at least 1). The quiet zone is the
 * paper's own margin beside the printable width, and the blank lines above and below.
 */
import { encode } from "uqr";
import type { PaperMm } from "./document.ts";

export const PRINTABLE_DOTS: Readonly<Record<PaperMm, number>> = { 58: 384, 80: 576 };
export const QR_CELL_SIZE_MAX = 8;

/** Modules across the largest QR code (byte mode, error correction M) a printer may make of `data`. */
export function qrModulesFor(data: string): number {
  const bytes = [...new TextEncoder().encode(data)];
  return encode(bytes, { ecc: "M", border: 0 }).size;
}

/** The module size, in dots, that fits the QR code of `data` on this paper. */
export function qrCellSizeFor(paperMm: PaperMm, data: string): number {
  return Math.max(1, Math.min(QR_CELL_SIZE_MAX, Math.floor(PRINTABLE_DOTS[paperMm] / qrModulesFor(data))));
}
