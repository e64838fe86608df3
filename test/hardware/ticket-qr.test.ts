// Proves a printed ticket's QR code is the ESC/POS command a printer expects, byte for byte: GS ( k
// model 2 (49 65 50 0), module size fitted to the paper (6 dots on 58 mm, 8 on 80 mm for a
// 200-character ticket payload), error correction M (49 69 49), store with the exact payload and
// its byte count + 3, print (49 81 48); checked against bytes written here by hand from the Epson
// reference and against golden files (a whole ticket on 58 and 80 mm; UPDATE_GOLDEN=1 rewrites
// them). Also: the module size keeps the largest symbol the printer may make within the paper's
// printable dots, and a user's text cannot smuggle a command into the ticket.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { encode } from "uqr";
import { encodeDocument, PRINTABLE_DOTS, printDocument, qrCellSizeFor, qrCode, qrModulesFor } from "../../hardware/printer/index.ts";
import { ticketPrintDocument } from "../../src/pos/index.ts";
import { hex, matchesGolden } from "../helpers/golden.ts";

const GS = 0x1d;
/** A ticket payload as tickets.ts writes it: 200 characters of RFC 4648 base32. */
const PAYLOAD = "AE".repeat(3) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".repeat(6) + "QR";

function qrBytes(data: string, cellSize: number): number[] {
  const store = data.length + 3;
  return [
    ...[GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00],
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, cellSize],
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31],
    ...[GS, 0x28, 0x6b, store % 256, Math.floor(store / 256), 0x31, 0x50, 0x30],
    ...new TextEncoder().encode(data),
    ...[GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30],
  ];
}

function ticket(paperMm: 58 | 80, holderName = "Ada Lovelace") {
  return ticketPrintDocument({
    venueName: "Les Amis du Quartier",
    eventTitle: "Fête de l'été",
    startsAt: "dimanche 12 mai 2030 à 20:30",
    doorsAt: "20:00",
    productName: "Entrée · Plein tarif",
    holderName,
    qr: PAYLOAD,
    ticketId: "01JQ4Z8D3M2V6S9T0ABCDEFGHJ",
    paperMm,
  });
}

describe("a ticket's QR code on paper", () => {
  test("the payload is 200 characters; the module size fits 58 mm (6 dots) and 80 mm (8 dots)", () => {
    expect(PAYLOAD).toHaveLength(200);
    expect(qrCellSizeFor(58, PAYLOAD)).toBe(6);
    expect(qrCellSizeFor(80, PAYLOAD)).toBe(8);
    for (const paperMm of [58, 80] as const) {
      // The largest symbol the printer may choose (byte mode) fits the printable width, and a dot more would not.
      const modules = qrModulesFor(PAYLOAD);
      expect(modules).toBeGreaterThanOrEqual(encode(PAYLOAD, { ecc: "M", border: 0 }).size);
      const cell = qrCellSizeFor(paperMm, PAYLOAD);
      expect(modules * cell).toBeLessThanOrEqual(PRINTABLE_DOTS[paperMm]);
      if (cell < 8) expect(modules * (cell + 1)).toBeGreaterThan(PRINTABLE_DOTS[paperMm]);
    }
    // A short address gets the largest cell; a long text never gets less than 1 dot.
    expect(qrCellSizeFor(58, "https://x/t/1")).toBe(8);
    expect(qrCellSizeFor(58, "A".repeat(700))).toBeGreaterThanOrEqual(1);
  });

  test("the QR command: model 2, cell size, correction M, store the exact payload, print", () => {
    const bytes = encodeDocument(printDocument(qrCode(PAYLOAD, 6)), { paperMm: 58, codePage: "pc858" });
    const expected = [0x1b, 0x40, 0x1b, 0x74, 19, 0x1b, 0x61, 1, ...qrBytes(PAYLOAD, 6), 0x0a, 0x1b, 0x61, 0];
    expect(hex(bytes)).toBe(hex(Uint8Array.from(expected)));
  });

  for (const paperMm of [58, 80] as const) {
    test(`a whole ticket on ${paperMm} mm paper: golden bytes, with the QR command of the exact payload at ${paperMm === 58 ? 6 : 8} dots`, () => {
      const bytes = encodeDocument(ticket(paperMm), { paperMm, codePage: "pc858" });
      expect(hex(bytes)).toContain(hex(Uint8Array.from(qrBytes(PAYLOAD, paperMm === 58 ? 6 : 8))));
      // The event title is double size, the cut ends the ticket (GS V 0).
      expect(hex(bytes)).toContain(hex(Uint8Array.of(GS, 0x21, 0x11)));
      expect(hex(bytes)).toContain(hex(Uint8Array.of(GS, 0x56, 0x00)));
      matchesGolden(join(import.meta.dir, "golden", `ticket-qr-${paperMm}.bin`), bytes);
    });
  }

  test("a holder's name cannot smuggle a command: control characters become spaces", () => {
    const bytes = encodeDocument(ticket(80, "Eve\x1dV\x00\x1bp\x00"), { paperMm: 80, codePage: "pc858" });
    const clean = encodeDocument(ticket(80, "Eve V  p "), { paperMm: 80, codePage: "pc858" });
    expect(hex(bytes)).toBe(hex(clean));
  });
});
