/**
 * The e-mail that carries an order's tickets, in French or English (the order's `lang`), as text
 * and simple HTML: the order's reference, each event's title and date in the venue's timezone, and
 * for each ticket either a link to its printable page (when the box has a public address) or its
 * QR code as an attached PNG (referenced by cid:, attached when sent: mail-attachments.ts). It is
 * queued in the transaction that issues or pays the tickets, only when the buyer gave an e-mail.
 */
import type { Sqlite, Tx } from "../db/index.ts";
import { DEFAULT_TIMEZONE, findVenue } from "../federation/index.ts";
import { formatMoney, money, type IdFactory, type Signer } from "../kernel/index.ts";
import { ticketQrCid } from "./mail-attachments.ts";
import { orderPagePath } from "./order-links.ts";
import { enqueueEmail, isEmailAddress, readMailSettings, type OutboxMail } from "./outbox.ts";

export const ORDER_TICKETS_KIND = "order_tickets";
/** Tickets listed in one mail (an order is bounded far below). */
const MAX_TICKETS = 200;

export type MailLang = "fr" | "en";

const WORDS = {
  fr: {
    subject: (title: string, reference: string) => `Vos billets : ${title} (commande ${reference})`,
    hello: (name: string) => (name ? `Bonjour ${name},` : "Bonjour,"),
    thanks: (reference: string, venue: string) => `Merci pour votre commande ${reference}${venue ? ` auprès de ${venue}` : ""}. Voici vos billets.`,
    doors: (time: string) => `ouverture des portes ${time}`,
    tickets: "Billets",
    ticket: "Billet",
    open: "Ouvrir le billet à imprimer ou à montrer",
    attached: "Le QR code de chaque billet est joint à ce message : montrez-le à l'entrée, sur votre téléphone ou imprimé.",
    linked: "Chaque lien ouvre le billet avec son QR code : montrez-le à l'entrée, sur votre téléphone ou imprimé.",
    payOnSite: (total: string) => `À régler sur place, à l'accueil : ${total}.`,
    reference: (reference: string) => `Référence de la commande : ${reference}`,
    footer: "Ce message vous est envoyé parce que vous avez commandé ces billets. Il ne sera suivi d'aucun autre.",
    locale: "fr-FR",
  },
  en: {
    subject: (title: string, reference: string) => `Your tickets: ${title} (order ${reference})`,
    hello: (name: string) => (name ? `Hello ${name},` : "Hello,"),
    thanks: (reference: string, venue: string) => `Thank you for your order ${reference}${venue ? ` with ${venue}` : ""}. Here are your tickets.`,
    doors: (time: string) => `doors open ${time}`,
    tickets: "Tickets",
    ticket: "Ticket",
    open: "Open the ticket to print or show",
    attached: "Each ticket's QR code is attached to this message: show it at the door, on your phone or printed.",
    linked: "Each link opens the ticket with its QR code: show it at the door, on your phone or printed.",
    payOnSite: (total: string) => `To be paid on site, at the box office: ${total}.`,
    reference: (reference: string) => `Order reference: ${reference}`,
    footer: "You receive this message because you ordered these tickets. No other message will follow.",
    locale: "en-GB",
  },
} as const;

export function mailLang(lang: string): MailLang {
  return lang === "en" ? "en" : "fr";
}

/** Escapes text for HTML (element content and quoted attributes). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

interface OrderMailRow {
  readonly id: string;
  readonly reference: string;
  readonly state: string;
  readonly buyerName: string;
  readonly buyerEmail: string;
  readonly totalMinor: number;
  readonly lang: string;
}

interface TicketMailRow {
  readonly id: string;
  readonly eventId: string;
  readonly eventTitle: string;
  readonly startsAtMs: number;
  readonly doorsAtMs: number;
  readonly productName: string;
  readonly priceLabel: string | null;
  readonly holderName: string;
}

export interface TicketMailContent {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface TicketMailOptions {
  /** The venue's timezone for dates (its setting by default). */
  readonly timezone?: string;
  /** A ticket's printable page; absent: the QR codes go as attached images. */
  readonly ticketUrl?: ((ticketId: string) => string) | undefined;
}

function when(ms: number, lang: MailLang, timezone: string, style: "full" | "time"): string {
  const options: Intl.DateTimeFormatOptions = style === "full" ? { dateStyle: "full", timeStyle: "short", timeZone: timezone } : { timeStyle: "short", timeZone: timezone };
  return new Intl.DateTimeFormat(WORDS[lang].locale, options).format(ms);
}

/** The mail of an order's valid tickets; undefined when the order is unknown, has no buyer e-mail or no valid ticket. */
export function orderTicketsMail(sqlite: Sqlite, orderId: string, options: TicketMailOptions = {}): TicketMailContent | undefined {
  const order = sqlite
    .query<OrderMailRow, [string]>("SELECT id, reference, state, buyer_name AS buyerName, buyer_email AS buyerEmail, total_minor AS totalMinor, lang FROM orders WHERE id = ?")
    .get(orderId);
  if (!order || !isEmailAddress(order.buyerEmail)) return undefined;
  const tickets = sqlite
    .query<TicketMailRow, [string, number]>(
      `SELECT t.id, t.event_id AS eventId, e.title AS eventTitle, e.starts_at_ms AS startsAtMs, e.doors_at_ms AS doorsAtMs, p.name AS productName,
         pr.label AS priceLabel, t.holder_name AS holderName
       FROM tickets t JOIN events e ON e.id = t.event_id JOIN ticket_products p ON p.id = t.product_id LEFT JOIN ticket_prices pr ON pr.id = t.price_id
       WHERE t.order_id = ? AND t.state = 'valid' ORDER BY e.starts_at_ms, t.issued_at_ms, t.id LIMIT ?`,
    )
    .all(orderId, MAX_TICKETS);
  if (tickets.length === 0) return undefined;
  const venue = findVenue(sqlite);
  const lang = mailLang(order.lang);
  const words = WORDS[lang];
  const timezone = options.timezone ?? venue?.timezone ?? DEFAULT_TIMEZONE;
  const events = groupByEvent(tickets);
  const title = events.length === 1 ? events[0]!.title : events.map((event) => event.title).join(", ");
  const label = (ticket: TicketMailRow) => [ticket.productName, ticket.priceLabel && ticket.priceLabel !== ticket.productName ? ticket.priceLabel : "", ticket.holderName].filter(Boolean).join(" · ");
  const payOnSite = order.state === "pay_on_site" && order.totalMinor > 0 ? words.payOnSite(formatMoney(money(order.totalMinor), "EUR", words.locale)) : "";
  const url = options.ticketUrl;

  const text: string[] = [words.hello(order.buyerName), "", words.thanks(order.reference, venue?.legalName ?? ""), ""];
  const html: string[] = [`<p>${escapeHtml(words.hello(order.buyerName))}</p>`, `<p>${escapeHtml(words.thanks(order.reference, venue?.legalName ?? ""))}</p>`];
  for (const event of events) {
    const date = `${when(event.startsAtMs, lang, timezone, "full")} (${words.doors(when(event.doorsAtMs, lang, timezone, "time"))})`;
    text.push(event.title, date, "");
    html.push(`<h2>${escapeHtml(event.title)}</h2>`, `<p>${escapeHtml(date)}</p>`, "<ul>");
    for (const ticket of event.tickets) {
      text.push(`- ${label(ticket)}${url ? `\n  ${url(ticket.id)}` : ""}`);
      const body = url
        ? `<a href="${escapeHtml(url(ticket.id))}">${escapeHtml(words.open)}</a>`
        : `<br><img src="cid:${ticketQrCid(ticket.id)}" width="244" height="244" alt="${escapeHtml(`${words.ticket} ${ticket.id}`)}">`;
      html.push(`<li>${escapeHtml(label(ticket))}<br>${body}<br><small>${escapeHtml(ticket.id)}</small></li>`);
    }
    text.push("");
    html.push("</ul>");
  }
  const how = url ? words.linked : words.attached;
  text.push(how);
  html.push(`<p>${escapeHtml(how)}</p>`);
  if (payOnSite) {
    text.push("", payOnSite);
    html.push(`<p><strong>${escapeHtml(payOnSite)}</strong></p>`);
  }
  text.push("", words.reference(order.reference), "", words.footer);
  html.push(`<p><strong>${escapeHtml(words.reference(order.reference))}</strong></p>`, `<p><small>${escapeHtml(words.footer)}</small></p>`);
  return {
    to: order.buyerEmail,
    subject: words.subject(title, order.reference),
    text: text.join("\n"),
    html: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(words.subject(title, order.reference))}</title></head><body>${html.join("\n")}</body></html>`,
  };
}

function groupByEvent(tickets: readonly TicketMailRow[]): Array<{ id: string; title: string; startsAtMs: number; doorsAtMs: number; tickets: TicketMailRow[] }> {
  const events = new Map<string, { id: string; title: string; startsAtMs: number; doorsAtMs: number; tickets: TicketMailRow[] }>();
  for (const ticket of tickets) {
    const event = events.get(ticket.eventId) ?? { id: ticket.eventId, title: ticket.eventTitle, startsAtMs: ticket.startsAtMs, doorsAtMs: ticket.doorsAtMs, tickets: [] };
    event.tickets.push(ticket);
    events.set(ticket.eventId, event);
  }
  return [...events.values()];
}

/**
 * Queues the tickets mail of an order in the caller's transaction (the one that issued or paid
 * them). Nothing when the buyer gave no e-mail or no ticket is valid. With the box's public
 * address, each ticket links to the buyer's order page (`/orders/<reference>?k=<key>`, the key
 * from the venue key: order-links.ts) at that ticket; without it the QR codes are attached.
 */
export function enqueueOrderTicketsEmail(tx: Tx, deps: { readonly newId: IdFactory; readonly signer: Signer }, orderId: string): OutboxMail | undefined {
  const base = readMailSettings(tx.sqlite).publicBaseUrl.replace(/\/+$/, "");
  const order = tx.sqlite.query<{ id: string; reference: string }, [string]>("SELECT id, reference FROM orders WHERE id = ?").get(orderId);
  if (!order) return undefined;
  const orderUrl = base ? `${base}${orderPagePath(deps.signer, order)}` : "";
  const content = orderTicketsMail(tx.sqlite, orderId, { ticketUrl: orderUrl ? (ticketId) => `${orderUrl}#ticket-${ticketId}` : undefined });
  if (!content) return undefined;
  return enqueueEmail(tx, deps, { ...content, kind: ORDER_TICKETS_KIND, refId: orderId });
}
