/**
 * A ticket printed on a thermal printer at the box office: the venue, the event, its date in the
 * venue's timezone, the product, the holder, the signed QR code (GS ( k, model 2, correction M,
 * the module size fitted to the paper: hardware/printer/qr-fit.ts) and the ticket's number. It
 * goes through the print queue like a receipt, so it is retried and never lost; printing a ticket
 * again gives the same QR, which the door admits once. Each print is in the event log.
 */
import { appendEvent } from "../auth/index.ts";
import type { Tx } from "../db/index.ts";
import { DEFAULT_TIMEZONE, findVenue } from "../federation/index.ts";
import { fail, type Signer } from "../kernel/index.ts";
import { findEvent, findTicket } from "../ticketing/index.ts";
import { cut, feed, printDocument, qrCellSizeFor, qrCode, separator, text, type PaperMm, type PrintDocument } from "../../hardware/printer/index.ts";
import { enqueuePrintJob, type PrintJob } from "./print-queue.ts";
import { requirePrinter } from "./printers.ts";

export interface TicketPrintInput {
  readonly venueName: string;
  readonly eventTitle: string;
  /** The start, already written in the venue's timezone ("samedi 14 mars 2026 à 20:30"). */
  readonly startsAt: string;
  readonly doorsAt: string;
  readonly productName: string;
  readonly holderName: string;
  /** The signed payload (tickets.ts): what the QR code holds, exactly. */
  readonly qr: string;
  readonly ticketId: string;
  readonly paperMm: PaperMm;
}

/** The printed ticket (French: the venue's paper speaks French, as its receipts do). */
export function ticketPrintDocument(input: TicketPrintInput): PrintDocument {
  return printDocument(
    ...(input.venueName ? [text(input.venueName, { align: "center", bold: true })] : []),
    text(input.eventTitle, { align: "center", bold: true, size: 2 }),
    text(input.startsAt, { align: "center" }),
    text(`Ouverture des portes : ${input.doorsAt}`, { align: "center" }),
    separator(),
    text(input.productName, { align: "center", bold: true }),
    ...(input.holderName ? [text(input.holderName, { align: "center" })] : []),
    feed(1),
    qrCode(input.qr, qrCellSizeFor(input.paperMm, input.qr)),
    text(`Billet ${input.ticketId}`, { align: "center" }),
    text("Un billet ne permet qu'une entrée.", { align: "center" }),
    cut(),
  );
}

function venueTime(ms: number, timezone: string, style: "full" | "time"): string {
  const options: Intl.DateTimeFormatOptions = style === "full" ? { dateStyle: "full", timeStyle: "short", timeZone: timezone } : { timeStyle: "short", timeZone: timezone };
  return new Intl.DateTimeFormat("fr-FR", options).format(ms);
}

/**
 * Queues a ticket for a printer, in the caller's transaction, and logs `ticket.printed`.
 * Refusals: ticket_unknown, ticket_revoked (a revoked ticket is not printed), printer_unknown,
 * print_queue_full.
 */
export function printTicket(tx: Tx, signer: Signer, input: { ticketId: string; printerId: string; actor: string }): PrintJob {
  const ticket = findTicket(tx.sqlite, input.ticketId);
  if (!ticket) fail("ticket_unknown", "no such ticket");
  if (ticket.state === "revoked") fail("ticket_revoked", "a revoked ticket is not printed");
  const event = findEvent(tx.sqlite, ticket.eventId);
  if (!event) fail("event_unknown", "no such event");
  const printer = requirePrinter(tx.sqlite, input.printerId);
  const venue = findVenue(tx.sqlite);
  const timezone = venue?.timezone ?? DEFAULT_TIMEZONE;
  const document = ticketPrintDocument({
    venueName: venue?.legalName ?? "",
    eventTitle: event.title,
    startsAt: venueTime(event.startsAtMs, timezone, "full"),
    doorsAt: venueTime(event.doorsAtMs, timezone, "time"),
    productName: ticket.productName,
    holderName: ticket.holderName,
    qr: ticket.qr,
    ticketId: ticket.id,
    paperMm: printer.paperMm,
  });
  const job = enqueuePrintJob(tx, { printerId: printer.id, kind: "ticket", document });
  appendEvent(tx, signer, { kind: "ticket.printed", actor: input.actor, subject: `ticket:${ticket.id}`, detail: { print_job: job.id, printer_id: printer.id } });
  return job;
}
