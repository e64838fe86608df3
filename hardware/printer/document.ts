/**
 * A print document, independent of any printer: text lines (alignment, bold, size), two-column
 * lines, separators, QR codes, paper feed, cut and drawer kick. The pos room stores documents as
 * JSON in the print queue; the encoder (escpos.ts) turns one into bytes for a given paper width
 * and code page. `parseDocument` is the one gate every stored document passes: bounded, typed,
 * QR data in printable ASCII, so that a document read back from the database is always printable.
 */
import { fail, limits } from "../../src/kernel/index.ts";

export const PAPER_WIDTHS_MM = [58, 80] as const;
export type PaperMm = (typeof PAPER_WIDTHS_MM)[number];

/** Characters per line in the printer's font A: 32 on 58 mm paper, 48 on 80 mm. */
export const COLUMNS_BY_PAPER: Readonly<Record<PaperMm, number>> = { 58: 32, 80: 48 };

export const ALIGNS = ["left", "center", "right"] as const;
export type Align = (typeof ALIGNS)[number];

/** Character size: 1 is normal, 2 is double width and double height (half the columns). */
export type TextSize = 1 | 2;

export interface TextBlock {
  readonly type: "text";
  readonly text: string;
  readonly align: Align;
  readonly bold: boolean;
  readonly size: TextSize;
}

/** A label on the left and a value on the right of one line (an item and its price). */
export interface ColumnsBlock {
  readonly type: "columns";
  readonly left: string;
  readonly right: string;
  readonly bold: boolean;
}

export interface SeparatorBlock {
  readonly type: "separator";
  readonly char: "-" | "=";
}

export interface QrBlock {
  readonly type: "qr";
  readonly data: string;
  /** Module size in dots, 1 to 8. */
  readonly cellSize: number;
}

export interface FeedBlock {
  readonly type: "feed";
  readonly lines: number;
}

export interface CutBlock {
  readonly type: "cut";
}

export interface DrawerBlock {
  readonly type: "drawer";
}

export type Block = TextBlock | ColumnsBlock | SeparatorBlock | QrBlock | FeedBlock | CutBlock | DrawerBlock;

export interface PrintDocument {
  readonly blocks: readonly Block[];
}

export const QR_CELL_SIZE_DEFAULT = 6;
const FEED_LINES_MAX = 10;

export function columnsFor(paperMm: PaperMm): number {
  return COLUMNS_BY_PAPER[paperMm];
}

export function isPaperMm(value: number): value is PaperMm {
  return (PAPER_WIDTHS_MM as readonly number[]).includes(value);
}

// Builders: the readable way to write a document in code.

export function text(value: string, style: { align?: Align; bold?: boolean; size?: TextSize } = {}): TextBlock {
  return { type: "text", text: value, align: style.align ?? "left", bold: style.bold ?? false, size: style.size ?? 1 };
}

export function columns(left: string, right: string, style: { bold?: boolean } = {}): ColumnsBlock {
  return { type: "columns", left, right, bold: style.bold ?? false };
}

export function separator(char: "-" | "=" = "-"): SeparatorBlock {
  return { type: "separator", char };
}

export function qrCode(data: string, cellSize = QR_CELL_SIZE_DEFAULT): QrBlock {
  return { type: "qr", data, cellSize };
}

export function feed(lines = 1): FeedBlock {
  return { type: "feed", lines };
}

export function cut(): CutBlock {
  return { type: "cut" };
}

export function drawerKick(): DrawerBlock {
  return { type: "drawer" };
}

export function printDocument(...blocks: Block[]): PrintDocument {
  return parseDocument({ blocks });
}

// Validation.

function invalid(message: string): never {
  fail("document_invalid", message);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) invalid(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function str(value: unknown, where: string, maxChars: number): string {
  if (typeof value !== "string") invalid(`${where} must be a string`);
  if (value.length > maxChars) invalid(`${where} is longer than ${maxChars} characters`);
  return value;
}

function bool(value: unknown, where: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean") invalid(`${where} must be true or false`);
  return value;
}

function int(value: unknown, where: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) invalid(`${where} must be an integer from ${min} to ${max}`);
  return value;
}

function parseBlock(value: unknown, index: number): Block {
  const where = `block ${index}`;
  const block = record(value, where);
  switch (block.type) {
    case "text": {
      const align = block.align ?? "left";
      if (!(ALIGNS as readonly unknown[]).includes(align)) invalid(`${where}: align must be left, center or right`);
      const size = int(block.size, `${where}: size`, 1, 2, 1) as TextSize;
      return { type: "text", text: str(block.text, `${where}: text`, limits.printTextChars), align: align as Align, bold: bool(block.bold, `${where}: bold`), size };
    }
    case "columns":
      return {
        type: "columns",
        left: str(block.left, `${where}: left`, limits.printTextChars),
        right: str(block.right, `${where}: right`, limits.printTextChars),
        bold: bool(block.bold, `${where}: bold`),
      };
    case "separator": {
      const char = block.char ?? "-";
      if (char !== "-" && char !== "=") invalid(`${where}: char must be - or =`);
      return { type: "separator", char };
    }
    case "qr": {
      const data = str(block.data, `${where}: data`, limits.printQrChars);
      // Printable ASCII only: the QR command counts bytes, and a URL or a signed ticket payload is ASCII.
      if (!/^[\x20-\x7e]+$/.test(data)) invalid(`${where}: QR data must be printable ASCII`);
      return { type: "qr", data, cellSize: int(block.cellSize, `${where}: cellSize`, 1, 8, QR_CELL_SIZE_DEFAULT) };
    }
    case "feed":
      return { type: "feed", lines: int(block.lines, `${where}: lines`, 1, FEED_LINES_MAX, 1) };
    case "cut":
      return { type: "cut" };
    case "drawer":
      return { type: "drawer" };
    default:
      return invalid(`${where}: unknown type ${JSON.stringify(block.type)}`);
  }
}

/** Checks a document (from code or from the database) and returns it with every default filled in. */
export function parseDocument(value: unknown): PrintDocument {
  const document = record(value, "document");
  if (!Array.isArray(document.blocks)) invalid("document.blocks must be an array");
  if (document.blocks.length > limits.printDocumentBlocks) invalid(`a document has at most ${limits.printDocumentBlocks} blocks`);
  return { blocks: document.blocks.map(parseBlock) };
}

export function parseDocumentJson(json: string): PrintDocument {
  if (json.length > limits.printDocumentChars) invalid(`a document is at most ${limits.printDocumentChars} characters of JSON`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return invalid("the document is not valid JSON");
  }
  return parseDocument(parsed);
}

export function documentJson(document: PrintDocument): string {
  const json = JSON.stringify(document);
  if (json.length > limits.printDocumentChars) invalid(`a document is at most ${limits.printDocumentChars} characters of JSON`);
  return json;
}

// Layout: the lines a block takes on paper, shared by the encoder and tests.

/** Control characters never reach the printer: a name typed by a user cannot smuggle an ESC/POS command. */
export function printable(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/** Splits text into lines of at most `width` characters, at spaces when it can, inside long words when it must. */
export function wrap(value: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of printable(value).split(/\r?\n|\u2028/)) {
    let rest = paragraph.trimEnd();
    if (rest.length === 0) {
      lines.push("");
      continue;
    }
    while (rest.length > width) {
      const space = rest.lastIndexOf(" ", width);
      const at = space > 0 ? space : width;
      lines.push(rest.slice(0, at).trimEnd());
      rest = rest.slice(space > 0 ? at + 1 : at).trimStart();
    }
    if (rest.length > 0) lines.push(rest);
  }
  return lines;
}

/** The value flush right on the label's last line; a label too long for it wraps above, or the value gets a line of its own. */
export function columnLines(left: string, right: string, width: number): string[] {
  const value = printable(right).trim().slice(0, width);
  const labels = wrap(left, width);
  const last = labels.pop() ?? "";
  if (last.length + 1 + value.length <= width) return [...labels, last + " ".repeat(width - last.length - value.length) + value];
  return [...labels, last, value.padStart(width)];
}
