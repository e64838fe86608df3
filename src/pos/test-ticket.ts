/**
 * The test ticket an admin prints from the printers page: the accents and the euro sign that
 * show a wrong code page at a glance, a two-column line, a QR code and the cut.
 */
import { columns, cut, printDocument, qrCode, separator, text, type PrintDocument } from "../../hardware/printer/index.ts";

export interface TestTicketInput {
  readonly venueName: string;
  readonly printerName: string;
  /** The time, already formatted for the venue. */
  readonly printedAt: string;
  /** What the QR code holds: the box's address, so scanning it opens the box. */
  readonly qrData: string;
}

export function testTicketDocument(input: TestTicketInput): PrintDocument {
  return printDocument(
    text(input.venueName, { align: "center", bold: true, size: 2 }),
    text("Test d'impression", { align: "center", bold: true }),
    text(input.printerName, { align: "center" }),
    text(input.printedAt, { align: "center" }),
    separator(),
    text("Accents : é è à ç ù â ê î ô û ë ï Ç É"),
    text("Euro : 12,50 €"),
    columns("Café crème", "2,20 €"),
    columns("Bière pression 50 cl", "4,50 €", { bold: true }),
    separator("="),
    qrCode(input.qrData),
    text(input.qrData, { align: "center" }),
    cut(),
  );
}
