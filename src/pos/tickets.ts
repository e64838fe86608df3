/**
 * What the pos room prints, as print documents (hardware/printer/document.ts) for the print
 * queue: the customer's receipt, the kitchen's and bar's order tickets, and the Z ticket of a
 * closure. The paper speaks French; amounts are written with plain spaces so that every code page
 * prints them. The queue adds the job number and DUPLICATA for resends; a reprinted receipt says
 * DUPLICATA itself too, as the law asks.
 */
import { columns, cut, drawerKick, printDocument, qrCode, separator, text, type Block, type PrintDocument } from "../../hardware/printer/index.ts";
import type { ClosureView } from "./closures.ts";
import type { Receipt } from "./receipts.ts";
import { formatRate } from "./vat.ts";

/** Cents as French euros with plain spaces: 123456 → "1 234,56 €". */
export function euros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  const whole = String(Math.floor(absolute / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return `${sign}${whole},${String(absolute % 100).padStart(2, "0")} €`;
}

/** An instant as "28/03/2026 23:45" in the venue's timezone. */
export function localDateTime(atMs: number, timezone: string): string {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
  for (const part of format.formatToParts(atMs)) parts[part.type] = part.value;
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

const METHOD_NAMES: Readonly<Record<string, string>> = {
  nfc_card: "Carte cashless",
  cash: "Espèces",
  card_terminal: "Carte bancaire",
  cheque: "Chèque",
  offered: "Offert",
  card: "Carte bancaire",
  online: "En ligne",
};

function venueHeader(venue: Receipt["venue"]): Block[] {
  const blocks: Block[] = [text(venue.legalName, { align: "center", bold: true, size: 2 })];
  if (venue.address) blocks.push(text(venue.address, { align: "center" }));
  if (venue.siret) blocks.push(text(`SIRET ${venue.siret}`, { align: "center" }));
  if (venue.vatNumber) blocks.push(text(`TVA intracommunautaire ${venue.vatNumber}`, { align: "center" }));
  return blocks;
}

export interface ReceiptDocumentOptions {
  /** Prefix of the holder page in the QR code ("https://tibox.local"), so a phone can open it. */
  readonly baseUrl?: string;
  /** Kick the cash drawer (a cash sale printed at the till's printer). */
  readonly openDrawer?: boolean;
}

export function receiptDocument(receipt: Receipt, options: ReceiptDocumentOptions = {}): PrintDocument {
  const blocks: Block[] = [];
  if (receipt.duplicate) blocks.push(text("DUPLICATA", { align: "center", bold: true, size: 2 }));
  if (receipt.training) blocks.push(text("FORMATION - ticket sans valeur", { align: "center", bold: true }));
  blocks.push(...venueHeader(receipt.venue), separator());
  blocks.push(text(`Ticket n° ${receipt.label}`, { bold: true }), text(localDateTime(receipt.atMs, receipt.timezone)));
  blocks.push(text(`${receipt.pointOfSale.name} - ${receipt.operatorName || "caisse"}`));
  if (receipt.voided) blocks.push(text("VENTE ANNULÉE", { align: "center", bold: true }));
  blocks.push(separator());
  for (const line of receipt.lines) {
    const label = `${line.quantity} x ${line.name}${line.priceLabel ? ` (${line.priceLabel})` : ""}${line.memberPrice ? " adh." : ""}`;
    blocks.push(columns(label, euros(line.amount)));
    if (line.quantity > 1) blocks.push(text(`   ${line.quantity} x ${euros(line.unitAmount)}`));
  }
  blocks.push(separator("="), columns("TOTAL TTC", euros(receipt.total), { bold: true }));
  if (receipt.vatMention) blocks.push(text(receipt.vatMention));
  for (const line of receipt.vat) blocks.push(columns(`TVA ${formatRate(line.rateBp)} sur ${euros(line.excl)} HT`, euros(line.vat)));
  if (receipt.vat.length > 0) {
    blocks.push(columns("Total HT", euros(receipt.vat.reduce((sum, line) => sum + line.excl, 0))));
    blocks.push(columns("Total TVA", euros(receipt.vat.reduce((sum, line) => sum + line.vat, 0))));
  }
  blocks.push(separator());
  for (const payment of receipt.payments) blocks.push(columns(payment.methodName, euros(payment.tendered)));
  if (receipt.change > 0) blocks.push(columns("Rendu", euros(receipt.change), { bold: true }));
  blocks.push(separator());
  if (receipt.signatureExtract) blocks.push(text(`Enregistrement n° ${receipt.fiscalSeq} - signature ${receipt.signatureExtract}`));
  if (receipt.qrTarget) blocks.push(text("Votre carte, son solde :", { align: "center" }), qrCode(`${options.baseUrl ?? ""}${receipt.qrTarget}`));
  blocks.push(text("Merci !", { align: "center" }), cut());
  if (options.openDrawer && !receipt.duplicate) blocks.push(drawerKick());
  return printDocument(...blocks);
}

export interface OrderTicketInput {
  readonly group: string;
  readonly number: number;
  readonly pointOfSaleName: string;
  readonly operatorName: string;
  readonly atMs: number;
  readonly timezone: string;
  readonly lines: ReadonlyArray<{ readonly name: string; readonly priceLabel: string; readonly quantity: number }>;
}

/** The ticket a kitchen or a bar prepares from: big quantities and names, no prices. */
export function orderTicketDocument(order: OrderTicketInput): PrintDocument {
  const blocks: Block[] = [
    text(order.group.toUpperCase(), { align: "center", bold: true, size: 2 }),
    text(`Commande n° ${order.number}`, { align: "center", bold: true, size: 2 }),
    text(`${order.pointOfSaleName} - ${localDateTime(order.atMs, order.timezone)}`, { align: "center" }),
  ];
  if (order.operatorName) blocks.push(text(`Servi par ${order.operatorName}`, { align: "center" }));
  blocks.push(separator());
  for (const line of order.lines) blocks.push(text(`${line.quantity} x ${line.name}${line.priceLabel ? ` (${line.priceLabel})` : ""}`, { bold: true, size: 2 }));
  blocks.push(separator(), cut());
  return printDocument(...blocks);
}

const CLOSURE_TITLES = { daily: "Clôture journalière (Z)", monthly: "Clôture mensuelle", yearly: "Clôture annuelle" } as const;

/** The Z ticket: totals per method, VAT rate, item and operator, top-ups apart, grand total and the ledger's head. */
export function zTicketDocument(closure: ClosureView, venue: Receipt["venue"], timezone: string): PrintDocument {
  const t = closure.totals;
  const blocks: Block[] = [...venueHeader(venue), separator("=")];
  blocks.push(text(CLOSURE_TITLES[closure.kind], { align: "center", bold: true, size: 2 }));
  blocks.push(text(`Période ${closure.period}${closure.pointOfSale ? ` - ${closure.pointOfSale}` : " - tout le lieu"}`, { align: "center" }));
  blocks.push(text(`Établie le ${localDateTime(closure.atMs, timezone)}`, { align: "center" }), separator());
  blocks.push(columns(`Ventes (${t.sales})`, euros(t.total + t.voided)), columns(`Annulations (${t.voids})`, euros(-t.voided)), columns("TOTAL TTC", euros(t.total), { bold: true }));
  blocks.push(separator(), text("Par moyen de paiement", { bold: true }));
  for (const [method, amount] of Object.entries(t.payments)) blocks.push(columns(METHOD_NAMES[method] ?? method, euros(amount)));
  if (t.vat.length > 0) {
    blocks.push(separator(), text("Par taux de TVA", { bold: true }));
    for (const line of t.vat) blocks.push(columns(`${formatRate(line.rate_bp)} : HT ${euros(line.excl)}`, `TVA ${euros(line.vat)}`));
  }
  blocks.push(separator(), text("Par article", { bold: true }));
  for (const item of t.items) blocks.push(columns(`${item.quantity} x ${item.name}`, euros(item.amount)));
  blocks.push(separator(), text("Par opérateur", { bold: true }));
  for (const operator of t.operators) blocks.push(columns(`${operator.name || "caisse"} (${operator.sales})`, euros(operator.total)));
  blocks.push(separator(), text("Hors ventes (argent sur les cartes)", { bold: true }));
  for (const [method, amount] of Object.entries(t.topups)) blocks.push(columns(`Rechargements ${METHOD_NAMES[method] ?? method}`, euros(amount)));
  for (const [method, amount] of Object.entries(t.refunds)) blocks.push(columns(`Remboursements ${METHOD_NAMES[method] ?? method}`, euros(amount)));
  blocks.push(separator("="), columns("Grand total perpétuel", euros(closure.grandTotal), { bold: true }));
  blocks.push(text(`Enregistrement n° ${closure.fiscalSeq} - signature ${closure.signatureExtract}`));
  if (closure.ledgerHead) blocks.push(text("Tête du journal des cartes :"), text(closure.ledgerHead));
  blocks.push(cut());
  return printDocument(...blocks);
}
