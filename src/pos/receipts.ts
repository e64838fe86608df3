/**
 * Receipts as data, for the till's screen and the printer: the venue's legal identity, the lines,
 * the VAT per rate (or the franchise mention), payments and change, the sale number, date and
 * operator, the first 8 hex digits of the fiscal record's signature, and the card holder's page
 * when a card paid. A reprint is marked DUPLICATA and recorded in the event log
 * (`receipt.reprinted`). The VAT printed is the one the fiscal record holds, never recomputed.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { findVenue } from "../federation/index.ts";
import { cardById } from "../wallet/index.ts";
import { findPointOfSale, listPaymentMethods } from "./catalogue.ts";
import { readFiscalRecord, signatureExtract } from "./fiscal.ts";
import { findSale, saleLines, salePayments, type PosActor, type SaleLineRow } from "./sales.ts";
import { FRANCHISE_MENTION, vatBreakdown } from "./vat.ts";

export interface ReceiptVatLine {
  readonly rateBp: number;
  readonly incl: number;
  readonly vat: number;
  readonly excl: number;
}

export interface Receipt {
  readonly venue: { readonly legalName: string; readonly address: string; readonly siret: string; readonly vatNumber: string; readonly vatStatus: "liable" | "franchise" };
  readonly number: number;
  /** "42", or "T42" for a training sale. */
  readonly label: string;
  readonly training: boolean;
  readonly atMs: number;
  readonly timezone: string;
  readonly businessDay: string;
  readonly pointOfSale: { readonly code: string; readonly name: string };
  readonly operatorName: string;
  readonly lines: readonly SaleLineRow[];
  readonly total: number;
  readonly vat: readonly ReceiptVatLine[];
  readonly vatMention: string | null;
  readonly payments: ReadonlyArray<{ readonly method: string; readonly methodName: string; readonly amount: number; readonly tendered: number }>;
  readonly change: number;
  readonly fiscalSeq: number | null;
  /** The first 8 hex digits of the fiscal record's signature; null in training. */
  readonly signatureExtract: string | null;
  readonly duplicate: boolean;
  readonly voided: boolean;
  /** The paying card's holder page, "/c/<qrId>", for the receipt's QR code; null without a card. */
  readonly qrTarget: string | null;
}

/** Reads "42" (a sale) or "T42" (a training sale). */
export function parseSaleLabel(label: string): { number: number; training: boolean } {
  const match = /^(T?)([1-9]\d{0,14})$/.exec(label);
  if (!match) fail("sale_unknown", "a sale is named by its number (T and the number for a training sale)");
  return { number: Number(match[2]), training: match[1] === "T" };
}

export function saleLabel(number: number, training: boolean): string {
  return `${training ? "T" : ""}${number}`;
}

export function receiptOf(sqlite: Sqlite, ref: { number: number; training: boolean }, options: { duplicate?: boolean } = {}): Receipt {
  const venue = findVenue(sqlite);
  if (!venue) fail("setup_required", "the box has no venue yet");
  const sale = findSale(sqlite, ref.number, ref.training);
  if (!sale) fail("sale_unknown", "no such sale");
  const lines = saleLines(sqlite, sale.id);
  const payments = salePayments(sqlite, sale.id);
  const record = sale.fiscalSeq === null ? undefined : readFiscalRecord(sqlite, sale.fiscalSeq);
  let vat: ReceiptVatLine[];
  let vatMention: string | null;
  if (record) {
    const payload = record.payload as { vat: Array<{ rate_bp: number; incl: number; vat: number; excl: number }>; vat_mention: string | null };
    vat = payload.vat.map((line) => ({ rateBp: line.rate_bp, incl: line.incl, vat: line.vat, excl: line.excl }));
    vatMention = payload.vat_mention;
  } else {
    vat = venue.vatStatus === "franchise" ? [] : vatBreakdown(lines);
    vatMention = venue.vatStatus === "franchise" ? FRANCHISE_MENTION : null;
  }
  const methodNames = new Map(listPaymentMethods(sqlite).map((method) => [method.code as string, method.name]));
  const cardId = payments.find((payment) => payment.cardId !== null)?.cardId;
  const card = cardId ? cardById(sqlite, cardId) : undefined;
  return {
    venue: { legalName: venue.legalName, address: venue.address, siret: venue.siret, vatNumber: venue.vatNumber, vatStatus: venue.vatStatus },
    number: sale.number,
    label: saleLabel(sale.number, sale.training),
    training: sale.training,
    atMs: sale.atMs,
    timezone: venue.timezone,
    businessDay: sale.businessDay,
    pointOfSale: { code: sale.pointOfSale, name: findPointOfSale(sqlite, sale.pointOfSale)?.name ?? sale.pointOfSale },
    operatorName: sale.operatorName,
    lines,
    total: sale.total,
    vat,
    vatMention,
    payments: payments.map((payment) => ({ method: payment.method, methodName: methodNames.get(payment.method) ?? payment.method, amount: payment.amount, tendered: payment.tendered })),
    change: sale.change,
    fiscalSeq: sale.fiscalSeq,
    signatureExtract: record ? signatureExtract(record.signature) : null,
    duplicate: options.duplicate ?? false,
    voided: sale.voided,
    qrTarget: card ? `/c/${card.qrId}` : null,
  };
}

/** A receipt printed again: marked DUPLICATA, and the reprint is recorded in the event log. */
export function reprintReceipt(tx: Tx, signer: Signer, actor: PosActor, ref: { number: number; training: boolean }): Receipt {
  const receipt = receiptOf(tx.sqlite, ref, { duplicate: true });
  appendEvent(tx, signer, {
    kind: "receipt.reprinted",
    actor: actor.operatorId ? `operator:${actor.operatorId}` : actor.scope,
    subject: `sale:${receipt.label}`,
    detail: { number: receipt.number, training: receipt.training, fiscal_seq: receipt.fiscalSeq },
  });
  return receipt;
}
