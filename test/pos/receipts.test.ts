// Proves receipts and what the pos room prints: a receipt holds the venue's legal identity, the
// lines, the VAT per rate (or, under the franchise, the art. 293 B mention and no VAT line), the
// payments and change, the sale number, operator and the fiscal signature's extract, and the card
// holder's page when a card paid; a reprint is DUPLICATA and logged; the printer documents say all
// that in French and pass the print queue's checks; and a full printer queue never refuses a sale.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { limits } from "../../src/kernel/index.ts";
import {
  createSale,
  enqueuePrintJob,
  insertPrinter,
  readFiscalRecord,
  receiptDocument,
  receiptOf,
  reprintReceipt,
  orderTicketDocument,
  euros,
} from "../../src/pos/index.ts";
import { cardByUid } from "../../src/wallet/index.ts";
import type { PrintDocument } from "../../hardware/printer/index.ts";
import { printDocument, text } from "../../hardware/printer/index.ts";
import { line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

function texts(document: PrintDocument): string[] {
  return document.blocks.flatMap((block) => (block.type === "text" ? [block.text] : block.type === "columns" ? [`${block.left}|${block.right}`] : block.type === "qr" ? [`QR ${block.data}`] : []));
}

describe("a VAT-liable venue", () => {
  let pos: PosBox;
  beforeAll(async () => {
    pos = await posBox();
  });
  afterAll(() => pos.box.dispose());

  test("the receipt holds identity, lines, VAT per rate, payments, change, signature extract and the card's page", () => {
    const uid = loadCard(pos.box, pos.deps, 0x300, 1_000);
    const sale = pos.box.writer.transact((tx) =>
      createSale(tx, pos.deps, seller(), {
        pointOfSale: "main",
        lines: [line(pos.items.beer, 2), line(pos.items.burger)],
        payments: [{ method: "nfc_card", amount: 1_000, cardUid: uid }, { method: "cash", amount: 2_000 }],
      }),
    );
    const receipt = receiptOf(pos.box.sqlite, { number: sale.number, training: false });
    const record = readFiscalRecord(pos.box.sqlite, sale.fiscalSeq!)!;
    expect(receipt).toMatchObject({
      venue: { legalName: "Les Amis du Quartier", address: "1 rue Test, 69001 Lyon", siret: "73282932000074", vatNumber: "FR12732829320" },
      number: sale.number,
      label: String(sale.number),
      operatorName: "Camille",
      total: 2_150,
      change: 850,
      vatMention: null,
      duplicate: false,
      signatureExtract: record.signature.slice(0, 8),
      qrTarget: `/c/${cardByUid(pos.box.sqlite, uid)!.qrId}`,
    });
    expect(receipt.vat).toEqual([
      { rateBp: 2000, incl: 900, vat: 150, excl: 750 },
      { rateBp: 1000, incl: 1_250, vat: 114, excl: 1_136 },
    ]);
    expect(receipt.payments.map((payment) => [payment.methodName, payment.amount, payment.tendered])).toEqual([
      ["Carte cashless", 1_000, 1_000],
      ["Espèces", 1_150, 2_000],
    ]);
    const printed = texts(receiptDocument(receipt, { baseUrl: "https://tibox.local" }));
    expect(printed).toContain("Les Amis du Quartier");
    expect(printed).toContain("SIRET 73282932000074");
    expect(printed).toContain(`Ticket n° ${sale.number}`);
    expect(printed).toContain("2 x Bière (Pinte)|9,00 €");
    expect(printed).toContain("TOTAL TTC|21,50 €");
    expect(printed).toContain("TVA 20 % sur 7,50 € HT|1,50 €");
    expect(printed).toContain("TVA 10 % sur 11,36 € HT|1,14 €");
    expect(printed).toContain("Rendu|8,50 €");
    expect(printed).toContain(`Enregistrement n° ${sale.fiscalSeq} - signature ${record.signature.slice(0, 8)}`);
    expect(printed).toContain(`QR https://tibox.local${receipt.qrTarget}`);
    expect(printed).not.toContain("DUPLICATA");
  });

  test("a reprint is DUPLICATA, never opens the drawer, and is written in the event log", () => {
    const sale = pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "cash", amount: 150 }] }));
    const reprint = pos.box.writer.transact((tx) => reprintReceipt(tx, pos.box.signer, seller(), { number: sale.number, training: false }));
    expect(reprint.duplicate).toBe(true);
    const document = receiptDocument(reprint, { openDrawer: true });
    expect(texts(document)[0]).toBe("DUPLICATA");
    expect(document.blocks.some((block) => block.type === "drawer")).toBe(false);
    expect(receiptDocument({ ...reprint, duplicate: false }, { openDrawer: true }).blocks.at(-1)!.type).toBe("drawer");
    const event = pos.box.sqlite.query<{ actor: string; subject: string }, []>("SELECT actor, subject FROM event_log WHERE kind = 'receipt.reprinted'").get();
    expect(event).toEqual({ actor: "operator:op-cashier", subject: `sale:${sale.number}` });
  });

  test("order tickets name the group, the sale and the lines, without prices", () => {
    const printed = texts(orderTicketDocument({ group: "kitchen", number: 42, pointOfSaleName: "Bar", operatorName: "Camille", atMs: Date.parse("2026-03-28T19:05:00Z"), timezone: "Europe/Paris", lines: [{ name: "Burger", priceLabel: "", quantity: 2 }] }));
    expect(printed).toEqual(["KITCHEN", "Commande n° 42", "Bar - 28/03/2026 20:05", "Servi par Camille", "2 x Burger"]);
    expect([euros(0), euros(5), euros(123_456), euros(-450)]).toEqual(["0,00 €", "0,05 €", "1 234,56 €", "-4,50 €"]);
  });

  test("a full kitchen queue does not refuse the sale: the till is told", () => {
    const printer = pos.box.writer.transact((tx) =>
      insertPrinter(tx, pos.box.deps.newId, { name: "Cuisine", kind: "simulated", address: "kitchen", paperMm: 80, codePage: "pc858", printGroups: ["kitchen"], hasCashDrawer: false, active: true }),
    );
    pos.box.writer.transact((tx) => {
      for (let index = 0; index < limits.printQueuePendingJobsPerPrinter; index++) enqueuePrintJob(tx, { printerId: printer.id, kind: "order", document: printDocument(text("x")) });
    });
    const sale = pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.burger)], payments: [{ method: "cash", amount: 1_250 }] }));
    expect(sale.fiscalSeq).not.toBeNull();
    expect(sale.printJobs).toEqual([]);
    expect(sale.printWarnings).toEqual(["kitchen: print_queue_full"]);
  });
});

describe("a venue under the VAT franchise", () => {
  let pos: PosBox;
  beforeAll(async () => {
    pos = await posBox({ vatStatus: "franchise" });
  });
  afterAll(() => pos.box.dispose());

  test("receipts carry the art. 293 B mention and no VAT line; the fiscal record too", () => {
    const sale = pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }] }));
    expect(sale.vat).toEqual([]);
    expect(sale.vatMention).toBe("TVA non applicable, art. 293 B du CGI");
    const record = readFiscalRecord(pos.box.sqlite, sale.fiscalSeq!)!;
    expect([record.payload.vat, record.payload.vat_mention]).toEqual([[], "TVA non applicable, art. 293 B du CGI"]);
    const receipt = receiptOf(pos.box.sqlite, { number: sale.number, training: false });
    expect(receipt.vatMention).toBe("TVA non applicable, art. 293 B du CGI");
    const printed = texts(receiptDocument(receipt));
    expect(printed).toContain("TVA non applicable, art. 293 B du CGI");
    expect(printed.some((entry) => entry.startsWith("TVA 20 %") || entry.startsWith("Total TVA"))).toBe(false);
    expect(printed.some((entry) => entry.startsWith("TVA intracommunautaire"))).toBe(false);
  });

  test("a training receipt says so and carries no signature", () => {
    const sale = pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), { pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 450 }], training: true }));
    const receipt = receiptOf(pos.box.sqlite, { number: sale.number, training: true });
    expect([receipt.label, receipt.signatureExtract, receipt.fiscalSeq]).toEqual([`T${sale.number}`, null, null]);
    expect(texts(receiptDocument(receipt))).toContain("FORMATION - ticket sans valeur");
  });
});
