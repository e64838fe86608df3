/**
 * Attachments of an outbox mail, made when it is sent rather than stored: the outbox keeps text
 * and HTML only. A ticket's QR image is referenced from the HTML as `cid:qr-<ticket id>@tibox`;
 * the sender attaches, for each such reference, the PNG of that ticket's signed payload. So the
 * image always matches the ticket on record, and a mail without references has no attachment.
 */
import type { Sqlite } from "../db/index.ts";
import { qrPng } from "./qr-png.ts";

export interface MailAttachmentData {
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
  readonly cid: string;
}

/** Images one mail may reference (an order's tickets are bounded well below it). */
const MAX_IMAGES = 100;

/** The Content-ID of a ticket's QR image inside a mail. */
export function ticketQrCid(ticketId: string): string {
  return `qr-${ticketId.toLowerCase()}@tibox`;
}

export function mailAttachments(sqlite: Sqlite, mail: { readonly htmlBody: string | null }): MailAttachmentData[] {
  if (!mail.htmlBody) return [];
  const ids = new Set<string>();
  for (const match of mail.htmlBody.matchAll(/cid:qr-([0-9a-z]{26})@tibox/g)) {
    if (ids.size >= MAX_IMAGES) break;
    ids.add(match[1]!.toUpperCase());
  }
  const find = sqlite.query<{ qr: string }, [string]>("SELECT qr FROM tickets WHERE id = ?");
  const attachments: MailAttachmentData[] = [];
  for (const id of ids) {
    const ticket = find.get(id);
    if (!ticket) continue;
    attachments.push({ filename: `ticket-${id}.png`, contentType: "image/png", content: qrPng(ticket.qr), cid: ticketQrCid(id) });
  }
  return attachments;
}
