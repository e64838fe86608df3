// Proves the ESC/POS encoder writes the bytes a printer expects: "é è à ç €" through WPC1252
// (ESC t 16; E9 E8 E0 E7 80) and PC858 (ESC t 19; 82 8A 85 87 D5), the QR code (GS ( k with a byte
// count), the cut (GS V 0) and the drawer kick (ESC p 0 25 250), each checked twice: against the
// bytes written out here by hand from the Epson reference, and against golden files under
// golden/ (regenerate with UPDATE_GOLDEN=1 after checking a change by eye). Also: both code pages
// agree with iconv-lite (node-thermal-printer's own encoder) on all 128 upper bytes, unknown
// characters degrade readably, and control characters in user text cannot inject a command.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import iconv from "iconv-lite";
import {
  CODE_PAGE_TABLES,
  columnLines,
  columns,
  cut,
  decodeByte,
  DRAWER_KICK,
  drawerKick,
  encodeDocument,
  encodeText,
  parseDocument,
  printDocument,
  qrCode,
  separator,
  text,
  wrap,
  type CodePage,
  type PrintDocument,
} from "../../hardware/printer/index.ts";
import { hex, matchesGolden } from "../helpers/golden.ts";

function golden(name: string, actual: Uint8Array): void {
  matchesGolden(join(import.meta.dir, "golden", name), actual);
}

function bytesOf(...parts: Array<number | string | readonly number[]>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === "number") out.push(part);
    else if (typeof part === "string") out.push(...new TextEncoder().encode(part));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

const ESC = 0x1b;
const GS = 0x1d;
const LF = 0x0a;
const INIT = [ESC, 0x40];

function encode(document: PrintDocument, codePage: CodePage, paperMm: 58 | 80 = 80): Uint8Array {
  return encodeDocument(document, { paperMm, codePage });
}

describe("code pages", () => {
  const accents = printDocument(text("é è à ç €"));

  test("WPC1252: ESC t 16, then é è à ç € as E9 E8 E0 E7 80", () => {
    const bytes = encode(accents, "wpc1252");
    expect(hex(bytes)).toBe(hex(bytesOf(INIT, [ESC, 0x74, 16], [0xe9, 0x20, 0xe8, 0x20, 0xe0, 0x20, 0xe7, 0x20, 0x80], LF)));
    golden("accents-wpc1252.bin", bytes);
  });

  test("PC858: ESC t 19, then é è à ç € as 82 8A 85 87 D5", () => {
    const bytes = encode(accents, "pc858");
    expect(hex(bytes)).toBe(hex(bytesOf(INIT, [ESC, 0x74, 19], [0x82, 0x20, 0x8a, 0x20, 0x85, 0x20, 0x87, 0x20, 0xd5], LF)));
    golden("accents-pc858.bin", bytes);
  });

  test("both tables agree with iconv-lite on every byte from 0x80 to 0xFF", () => {
    for (const [page, name] of [
      ["wpc1252", "CP1252"],
      ["pc858", "CP858"],
    ] as const) {
      for (let byte = 0x80; byte <= 0xff; byte++) {
        const reference = iconv.decode(Buffer.from([byte]), name);
        const ours = decodeByte(byte, page);
        // WPC1252 leaves five bytes empty (81 8D 8F 90 9D); iconv-lite shows them as U+FFFD.
        if (ours === undefined) expect(`${page} ${byte.toString(16)} ${reference}`).toBe(`${page} ${byte.toString(16)} \ufffd`);
        else {
          expect(`${page} ${byte.toString(16)} ${ours}`).toBe(`${page} ${byte.toString(16)} ${reference}`);
          expect(encodeText(ours, page)).toEqual(Uint8Array.of(byte));
        }
      }
    }
    expect(CODE_PAGE_TABLES.wpc1252.size).toBe(123);
    expect(CODE_PAGE_TABLES.pc858.size).toBe(128);
  });

  test("the whole French alphabet is printable in both pages", () => {
    const french = "àâäçéèêëîïôöùûüÿÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ€°«»";
    for (const page of ["wpc1252", "pc858"] as const) expect(new TextDecoder().decode(encodeText(french, page).map((b) => (b === 0x3f ? 0 : 1)))).not.toContain("\0");
  });

  test("a missing character degrades readably: typographic forms, then without accent, then ?", () => {
    expect(encodeText("l’œuvre", "pc858")).toEqual(bytesOf("l'oeuvre"));
    expect(encodeText("l’œuvre", "wpc1252")).toEqual(Uint8Array.of(0x6c, 0x92, 0x9c, ...new TextEncoder().encode("uvre")));
    expect(encodeText("Dvořák", "pc858")).toEqual(bytesOf("Dvor", 0xa0, "k"));
    expect(encodeText("Łódź", "wpc1252")).toEqual(bytesOf("?", 0xf3, "dz"));
    expect(encodeText("日本 ✓", "wpc1252")).toEqual(bytesOf("?? ?"));
  });

  test("control characters in user text become spaces: no ESC/POS command can be smuggled in a name", () => {
    const bytes = encode(printDocument(text("Bière\x1b\x70\x00\x19\xfa\x1dV\x00 fin")), "wpc1252");
    const body = bytes.subarray(5);
    expect([...body.subarray(0, body.length - 1)].every((byte) => byte >= 0x20)).toBe(true);
    expect(hex(bytes)).not.toContain(hex(DRAWER_KICK));
    expect(encodeText("a\tb\nc\x7f", "pc858")).toEqual(bytesOf("a b c "));
  });
});

describe("commands", () => {
  test("a QR code: model 2, cell size, correction M, store (length counts bytes + 3), print; centred", () => {
    const data = "https://tibox.local/t/ABC";
    const bytes = encode(printDocument(qrCode(data, 6)), "wpc1252");
    const store = data.length + 3;
    const expected = bytesOf(
      INIT,
      [ESC, 0x74, 16],
      [ESC, 0x61, 1],
      [GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00],
      [GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, 6],
      [GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31],
      [GS, 0x28, 0x6b, store % 256, Math.floor(store / 256), 0x31, 0x50, 0x30],
      data,
      [GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30],
      LF,
      [ESC, 0x61, 0],
    );
    expect(hex(bytes)).toBe(hex(expected));
    golden("qr.bin", bytes);
  });

  test("QR data is printable ASCII (the command counts bytes), at most 700 characters", () => {
    expect(() => printDocument(qrCode("https://x/é"))).toThrow("printable ASCII");
    expect(() => printDocument(qrCode("x".repeat(701)))).toThrow("700");
    const long = "A".repeat(300);
    const bytes = encode(printDocument(qrCode(long)), "pc858");
    expect(hex(bytes)).toContain(hex(bytesOf([GS, 0x28, 0x6b, 303 % 256, 1, 0x31, 0x50, 0x30])));
  });

  test("the cut feeds past the cutter, cuts (GS V 0), resets (ESC @) and selects the code page again", () => {
    const bytes = encode(printDocument(text("Fin"), cut(), text("Après")), "pc858");
    const expected = bytesOf(INIT, [ESC, 0x74, 19], "Fin", LF, [ESC, 0x64, 4], [ESC, 0x64, 4], [GS, 0x56, 0], INIT, [ESC, 0x74, 19], "Apr", 0x8a, "s", LF);
    expect(hex(bytes)).toBe(hex(expected));
    golden("cut.bin", bytes);
  });

  test("the drawer kick is the full 5-byte ESC p 0 25 250", () => {
    const bytes = encode(printDocument(drawerKick()), "wpc1252");
    expect(hex(bytes)).toBe(hex(bytesOf(INIT, [ESC, 0x74, 16], [ESC, 0x70, 0, 25, 250])));
    golden("drawer.bin", bytes);
  });

  test("styles: alignment, bold and double size are written only when they change, and reset at the end", () => {
    const bytes = encode(printDocument(text("Titre", { align: "center", bold: true, size: 2 }), text("Sous-titre", { align: "center", bold: true, size: 2 }), text("corps")), "wpc1252");
    const expected = bytesOf(
      INIT,
      [ESC, 0x74, 16],
      [ESC, 0x61, 1],
      [ESC, 0x45, 1],
      [GS, 0x21, 0x11],
      "Titre",
      LF,
      "Sous-titre",
      LF,
      [ESC, 0x61, 0],
      [ESC, 0x45, 0],
      [GS, 0x21, 0x00],
      "corps",
      LF,
    );
    expect(hex(bytes)).toBe(hex(expected));
  });
});

describe("layout", () => {
  test("58 mm paper has 32 columns, 80 mm has 48; separators fill the line", () => {
    const on58 = encode(printDocument(separator()), "pc858", 58);
    const on80 = encode(printDocument(separator("=")), "pc858", 80);
    expect(new TextDecoder().decode(on58.subarray(5, -1))).toBe("-".repeat(32));
    expect(new TextDecoder().decode(on80.subarray(5, -1))).toBe("=".repeat(48));
  });

  test("text wraps at spaces, long words are cut, double size halves the columns", () => {
    expect(wrap("Une crêpe au sucre et une bière pression", 16)).toEqual(["Une crêpe au", "sucre et une", "bière pression"]);
    expect(wrap("Anticonstitutionnellement", 10)).toEqual(["Anticonsti", "tutionnell", "ement"]);
    const bytes = encode(printDocument(text("DUPLICATA DUPLICATA", { size: 2 })), "pc858", 58);
    expect(new TextDecoder().decode(bytes).split("\n").filter((line) => line.includes("DUPLICATA"))).toHaveLength(2);
  });

  test("two columns: the value flush right, a long label wraps above it", () => {
    expect(columnLines("Café", "2,20 €", 20)).toEqual(["Café          2,20 €"]);
    expect(columnLines("Bière pression cinquante centilitres", "4,50 €", 20)).toEqual(["Bière pression", "cinquante", "centilitres   4,50 €"]);
    expect(columnLines("Planche mixte à partager", "12,00 €", 24)).toEqual(["Planche mixte à partager", "                 12,00 €"]);
    expect(columnLines("Supplément chantilly maison", "0,50 €", 27)).toEqual(["Supplément chantilly maison", "                     0,50 €"]);
  });

  test("a full receipt on both papers and both code pages matches its golden file", () => {
    const receipt = printDocument(
      text("Les Amis du Quartier", { align: "center", bold: true, size: 2 }),
      text("1 rue Test, 69000 Lyon", { align: "center" }),
      separator(),
      columns("2 × Café crème", "4,40 €"),
      columns("1 × Bière pression 50 cl", "4,50 €"),
      columns("Total", "8,90 €", { bold: true }),
      separator("="),
      text("Merci et à bientôt !", { align: "center" }),
      qrCode("https://tibox.local/r/01JRECEIPT"),
      cut(),
      drawerKick(),
    );
    golden("receipt-80-wpc1252.bin", encode(receipt, "wpc1252", 80));
    golden("receipt-58-pc858.bin", encode(receipt, "pc858", 58));
  });
});

describe("documents", () => {
  test("parseDocument fills defaults and refuses what a printer cannot print", () => {
    expect(parseDocument({ blocks: [{ type: "text", text: "a" }] })).toEqual({ blocks: [{ type: "text", text: "a", align: "left", bold: false, size: 1 }] });
    const refusals: Array<[unknown, string]> = [
      [{}, "blocks must be an array"],
      [{ blocks: [{ type: "image" }] }, "unknown type"],
      [{ blocks: [{ type: "text", text: "a", align: "middle" }] }, "align"],
      [{ blocks: [{ type: "text", text: "a", size: 3 }] }, "size"],
      [{ blocks: [{ type: "feed", lines: 99 }] }, "lines"],
      [{ blocks: [{ type: "text", text: "x".repeat(2_001) }] }, "2000"],
    ];
    for (const [document, message] of refusals) {
      try {
        parseDocument(document);
        throw new Error("accepted");
      } catch (error) {
        expect((error as { code?: string }).code).toBe("document_invalid");
        expect((error as Error).message).toContain(message);
      }
    }
  });
});
