/**
 * Turns a print document into ESC/POS bytes for one printer (paper width, code page).
 *
 * node-thermal-printer (`getBuffer()`, no printer attached) provides the command sequences:
 * initialisation, code page selection, alignment, bold, character size, the QR code (GS ( k) and
 * the cut. Three things are done here instead, each for a reason:
 * - text is encoded by codepage.ts (the library silently switches code page for a missing
 *   character, and its QR command counts characters where the printer counts bytes);
 * - the drawer kick is written as ESC p m t1 t2 (5 bytes): the library emits ESC p m alone, and
 *   the printer then reads the next two bytes of the job as the pulse timings;
 * - the bytes are gathered in a list and joined once (the library concatenates its whole buffer
 *   on every append, quadratic on a 1 MB job).
 */
import { ThermalPrinter, PrinterTypes } from "node-thermal-printer";
import { assert } from "../../src/kernel/index.ts";
import { CODE_PAGE_NUMBER, encodeText, type CodePage } from "./codepage.ts";
import { columnLines, columnsFor, wrap, type Align, type Block, type PaperMm, type PrintDocument } from "./document.ts";
import type { CashDrawer, ReceiptPrinter } from "./port.ts";

export interface EncodeOptions {
  readonly paperMm: PaperMm;
  readonly codePage: CodePage;
}

/** ESC p 0 25 250: a 50 ms pulse on drawer pin 2, then 500 ms off (the Epson default timings). */
export const DRAWER_KICK: Uint8Array = Uint8Array.of(0x1b, 0x70, 0x00, 0x19, 0xfa);

interface Commands {
  readonly init: Uint8Array;
  readonly codePage: Uint8Array;
  readonly align: Readonly<Record<Align, Uint8Array>>;
  readonly boldOn: Uint8Array;
  readonly boldOff: Uint8Array;
  readonly size: Readonly<Record<1 | 2, Uint8Array>>;
  readonly newLine: Uint8Array;
  readonly cut: Uint8Array;
}

/** Runs one node-thermal-printer call on an empty builder and returns the bytes it appended. */
function command(width: number, build: (printer: ThermalPrinter) => void): Uint8Array {
  // The builder is used for getBuffer() only; it has no interface, which its typings do not foresee.
  const printer = new ThermalPrinter({ type: PrinterTypes.EPSON, width } as ConstructorParameters<typeof ThermalPrinter>[0]);
  build(printer);
  const buffer = printer.getBuffer() as Buffer | null;
  assert(buffer !== null && buffer.length > 0, "a printer command produced no bytes");
  return new Uint8Array(buffer);
}

function commandsFor(options: EncodeOptions): Commands {
  const width = columnsFor(options.paperMm);
  return {
    // ESC @ (the library has it as initHardware(), missing from its typings).
    init: Uint8Array.of(0x1b, 0x40),
    codePage: Uint8Array.of(0x1b, 0x74, CODE_PAGE_NUMBER[options.codePage]),
    align: {
      left: command(width, (p) => p.alignLeft()),
      center: command(width, (p) => p.alignCenter()),
      right: command(width, (p) => p.alignRight()),
    },
    boldOn: command(width, (p) => p.bold(true)),
    boldOff: command(width, (p) => p.bold(false)),
    size: { 1: command(width, (p) => p.setTextSize(0, 0)), 2: command(width, (p) => p.setTextSize(1, 1)) },
    newLine: command(width, (p) => p.newLine()),
    // Feeds the paper past the cutter, cuts (GS V 0), then ESC @: the printer is back to its defaults.
    cut: command(width, (p) => p.cut()),
  };
}

function qrCommand(width: number, data: string, cellSize: number): Uint8Array {
  assert(/^[\x20-\x7e]+$/.test(data), "QR data is printable ASCII (checked by parseDocument)");
  return command(width, (p) => p.printQR(data, { cellSize, correction: "M", model: 2 }));
}

/** The current style, so that a command is written only when the style changes. */
interface Style {
  align: Align;
  bold: boolean;
  size: 1 | 2;
}

class Output {
  readonly chunks: Uint8Array[] = [];
  byteLength = 0;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.byteLength += bytes.length;
  }

  join(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}

const DEFAULT_STYLE: Style = { align: "left", bold: false, size: 1 };

function setStyle(out: Output, commands: Commands, style: Style, wanted: Style): void {
  if (style.align !== wanted.align) out.push(commands.align[wanted.align]);
  if (style.bold !== wanted.bold) out.push(wanted.bold ? commands.boldOn : commands.boldOff);
  if (style.size !== wanted.size) out.push(commands.size[wanted.size]);
  Object.assign(style, wanted);
}

function writeLines(out: Output, commands: Commands, lines: readonly string[], codePage: CodePage): void {
  for (const line of lines) {
    out.push(encodeText(line, codePage));
    out.push(commands.newLine);
  }
}

function encodeBlock(out: Output, commands: Commands, style: Style, block: Block, options: EncodeOptions): void {
  const width = columnsFor(options.paperMm);
  switch (block.type) {
    case "text":
      setStyle(out, commands, style, { align: block.align, bold: block.bold, size: block.size });
      writeLines(out, commands, wrap(block.text, Math.floor(width / block.size)), options.codePage);
      return;
    case "columns":
      setStyle(out, commands, style, { align: "left", bold: block.bold, size: 1 });
      writeLines(out, commands, columnLines(block.left, block.right, width), options.codePage);
      return;
    case "separator":
      setStyle(out, commands, style, { ...DEFAULT_STYLE });
      writeLines(out, commands, [block.char.repeat(width)], options.codePage);
      return;
    case "qr":
      setStyle(out, commands, style, { align: "center", bold: false, size: 1 });
      out.push(qrCommand(width, block.data, block.cellSize));
      out.push(commands.newLine);
      return;
    case "feed":
      out.push(Uint8Array.of(0x1b, 0x64, block.lines));
      return;
    case "cut":
      out.push(commands.cut);
      // The cut ends with ESC @, which resets the style and the code page: select it again.
      out.push(commands.codePage);
      Object.assign(style, DEFAULT_STYLE);
      return;
    case "drawer":
      out.push(DRAWER_KICK);
      return;
  }
}

/** The bytes of a document: ESC @, the code page, then each block. */
export function encodeDocument(document: PrintDocument, options: EncodeOptions): Uint8Array {
  const commands = commandsFor(options);
  const out = new Output();
  out.push(commands.init);
  out.push(commands.codePage);
  const style: Style = { ...DEFAULT_STYLE };
  for (const block of document.blocks) encodeBlock(out, commands, style, block, options);
  setStyle(out, commands, style, { ...DEFAULT_STYLE });
  return out.join();
}

/** A cash drawer wired to a receipt printer's drawer port: kicking it is a 5-byte job. */
export function printerCashDrawer(printer: ReceiptPrinter): CashDrawer {
  return { kick: () => printer.send(DRAWER_KICK) };
}
