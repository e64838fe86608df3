/**
 * The e-mail of an order, in French or English (the order's `lang`), as text and simple HTML: the
 * order's reference, each event's title and date in the venue's timezone, and for each ticket
 * either a link to its printable page (when the box has a public address) or its QR code as an
 * attached PNG (referenced by cid:, attached when sent: mail-attachments.ts); then the order's
 * memberships (the dates they run, or "valid once paid at the box office" for an order to pay on
 * site) and its donations, thanked. It is queued in the transaction that makes the order paid or
 * pay-on-site, only when the buyer gave an e-mail, once per order (a resend by the box office
 * aside). A pay-on-site order with a membership gets a short second mail when it is paid
 * (membership-paid-mail.ts), with the dates.
 */
import type { Sqlite, Tx } from "../db/index.ts";
import { DEFAULT_TIMEZONE, findVenue } from "../federation/index.ts";
import { formatMoney, money, type IdFactory, type Signer } from "../kernel/index.ts";
import { membershipsOfOrder } from "../membership/index.ts";
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
    thanksOrder: (reference: string, venue: string) => `Merci pour votre commande ${reference}${venue ? ` auprès de ${venue}` : ""}.`,
    orderSubject: (what: string, reference: string) => `Votre commande ${reference} : ${what}`,
    membershipValid: (label: string, from: string, until: string) => `${label}, valable du ${from} au ${until}`,
    membershipPending: (label: string) => `${label} : sera valable une fois payée à l'accueil`,
    donation: (amount: string) => `Merci pour votre don de ${amount} !`,
    donationWord: "don",
    orderPage: (url: string) => `Votre commande en ligne : ${url}`,
    orderFooter: "Ce message vous est envoyé parce que vous avez passé cette commande.",
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
    thanksOrder: (reference: string, venue: string) => `Thank you for your order ${reference}${venue ? ` with ${venue}` : ""}.`,
    orderSubject: (what: string, reference: string) => `Your order ${reference}: ${what}`,
    membershipValid: (label: string, from: string, until: string) => `${label}, valid from ${from} to ${until}`,
    membershipPending: (label: string) => `${label}: valid once paid at the box office`,
    donation: (amount: string) => `Thank you for your donation of ${amount}!`,
    donationWord: "donation",
    orderPage: (url: string) => `Your order online: ${url}`,
    orderFooter: "You receive this message because you placed this order.",
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
  /** The buyer's order page (with the box's public address); absent: the mail gives the reference only. */
  readonly orderUrl?: string | undefined;
}

export type MailWords = (typeof WORDS)[MailLang];

export function mailWords(lang: MailLang): MailWords {
  return WORDS[lang];
}

/** A membership's window as the buyer reads it: its first and last days (until is exclusive) in the venue's timezone. */
export function membershipWindowText(words: MailWords, membership: { readonly label: string; readonly validFromMs: number; readonly validUntilMs: number }, timezone: string): string {
  const day = new Intl.DateTimeFormat(words.locale, { day: "2-digit", month: "2-digit", year: "numeric", timeZone: timezone });
  return words.membershipValid(membership.label, day.format(membership.validFromMs), day.format(Math.max(membership.validFromMs, membership.validUntilMs - 1)));
}

interface ExtraLineRow {
  readonly kind: "membership" | "donation";
  readonly label: string;
  readonly amountMinor: number;
}

function when(ms: number, lang: MailLang, timezone: string, style: "full" | "time"): string {
  const options: Intl.DateTimeFormatOptions = style === "full" ? { dateStyle: "full", timeStyle: "short", timeZone: timezone } : { timeStyle: "short", timeZone: timezone };
  return new Intl.DateTimeFormat(WORDS[lang].locale, options).format(ms);
}

/**
 * The mail of an order: its valid tickets, its memberships and its donations; undefined when the
 * order is unknown, has no buyer e-mail, or has none of these (every ticket revoked, say).
 */
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
  const extras = sqlite
    .query<ExtraLineRow, [string]>("SELECT kind, label, amount_minor AS amountMinor FROM order_lines WHERE order_id = ? AND kind IN ('membership', 'donation') ORDER BY idx LIMIT 50")
    .all(orderId);
  if (tickets.length === 0 && extras.length === 0) return undefined;
  const venue = findVenue(sqlite);
  const lang = mailLang(order.lang);
  const words = WORDS[lang];
  const timezone = options.timezone ?? venue?.timezone ?? DEFAULT_TIMEZONE;
  const events = groupByEvent(tickets);
  const extraLines = extraTexts(sqlite, order, extras, words, timezone);
  const title =
    events.length === 0
      ? words.orderSubject(extras.map((line) => (line.kind === "donation" ? words.donationWord : line.label)).join(", "), order.reference)
      : words.subject(events.length === 1 ? events[0]!.title : events.map((event) => event.title).join(", "), order.reference);
  const thanks = events.length > 0 ? words.thanks(order.reference, venue?.legalName ?? "") : words.thanksOrder(order.reference, venue?.legalName ?? "");
  // "No other message will follow" holds for tickets alone: a membership to pay on site gets its "paid" mail later.
  const footer = extras.length === 0 ? words.footer : words.orderFooter;
  const label = (ticket: TicketMailRow) => [ticket.productName, ticket.priceLabel && ticket.priceLabel !== ticket.productName ? ticket.priceLabel : "", ticket.holderName].filter(Boolean).join(" · ");
  const payOnSite = order.state === "pay_on_site" && order.totalMinor > 0 ? words.payOnSite(formatMoney(money(order.totalMinor), "EUR", words.locale)) : "";
  const url = options.ticketUrl;

  const text: string[] = [words.hello(order.buyerName), "", thanks, ""];
  const html: string[] = [`<p>${escapeHtml(words.hello(order.buyerName))}</p>`, `<p>${escapeHtml(thanks)}</p>`];
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
  if (events.length > 0) {
    const how = url ? words.linked : words.attached;
    text.push(how);
    html.push(`<p>${escapeHtml(how)}</p>`);
  }
  if (extraLines.length > 0) {
    if (events.length > 0) text.push("");
    text.push(...extraLines.map((line) => `- ${line}`));
    html.push("<ul>", ...extraLines.map((line) => `<li>${escapeHtml(line)}</li>`), "</ul>");
  }
  if (payOnSite) {
    text.push("", payOnSite);
    html.push(`<p><strong>${escapeHtml(payOnSite)}</strong></p>`);
  }
  text.push("", words.reference(order.reference));
  html.push(`<p><strong>${escapeHtml(words.reference(order.reference))}</strong></p>`);
  if (options.orderUrl) {
    text.push(words.orderPage(options.orderUrl));
    html.push(`<p><a href="${escapeHtml(options.orderUrl)}">${escapeHtml(words.orderPage(options.orderUrl))}</a></p>`);
  }
  text.push("", footer);
  html.push(`<p><small>${escapeHtml(footer)}</small></p>`);
  return {
    to: order.buyerEmail,
    subject: title,
    text: text.join("\n"),
    html: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${html.join("\n")}</body></html>`,
  };
}

/**
 * The order's memberships and donations, one sentence each: a granted membership with its dates,
 * one not granted yet (the order is to pay on site) as valid once paid, a donation thanked.
 */
function extraTexts(sqlite: Sqlite, order: OrderMailRow, extras: readonly ExtraLineRow[], words: MailWords, timezone: string): string[] {
  const lines: string[] = [];
  const membershipLines = extras.filter((line) => line.kind === "membership");
  if (membershipLines.length > 0) {
    const granted = membershipsOfOrder(sqlite, order.id);
    if (granted.length > 0) lines.push(...granted.map((membership) => membershipWindowText(words, membership, timezone)));
    else if (order.state === "pay_on_site" || order.state === "held") lines.push(...membershipLines.map((line) => words.membershipPending(line.label)));
  }
  for (const line of extras) if (line.kind === "donation") lines.push(words.donation(formatMoney(money(line.amountMinor), "EUR", words.locale)));
  return lines;
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

/** The buyer's order page with the box's public address, or "" without one. */
export function publicOrderUrl(sqlite: Sqlite, signer: Signer, order: { readonly id: string; readonly reference: string }): string {
  const base = readMailSettings(sqlite).publicBaseUrl.replace(/\/+$/, "");
  return base ? `${base}${orderPagePath(signer, order)}` : "";
}

/** Whether a mail of this kind about this thing was queued already (sent, failed or waiting). */
export function mailQueuedFor(sqlite: Sqlite, kind: string, refId: string): boolean {
  return sqlite.query("SELECT 1 FROM email_outbox WHERE kind = ? AND ref_id = ? LIMIT 1").get(kind, refId) !== null;
}

/**
 * Queues the mail of an order in the caller's transaction (the one that made it paid or to pay on
 * site), or sends it again (the box office, `again: true`). Nothing when the buyer gave no e-mail,
 * when the order has no valid ticket, membership or donation, or, unless again, when its mail was
 * queued already. With the box's public address, each ticket links to the buyer's order page
 * (`/orders/<reference>?k=<key>`, the key from the venue key: order-links.ts) at that ticket, and
 * the mail links the page; without it the QR codes are attached.
 */
export function enqueueOrderTicketsEmail(tx: Tx, deps: { readonly newId: IdFactory; readonly signer: Signer }, orderId: string, options: { readonly again?: boolean } = {}): OutboxMail | undefined {
  const order = tx.sqlite.query<{ id: string; reference: string }, [string]>("SELECT id, reference FROM orders WHERE id = ?").get(orderId);
  if (!order) return undefined;
  if (!options.again && mailQueuedFor(tx.sqlite, ORDER_TICKETS_KIND, orderId)) return undefined;
  const orderUrl = publicOrderUrl(tx.sqlite, deps.signer, order);
  const content = orderTicketsMail(tx.sqlite, orderId, { ticketUrl: orderUrl ? (ticketId) => `${orderUrl}#ticket-${ticketId}` : undefined, orderUrl: orderUrl || undefined });
  if (!content) return undefined;
  return enqueueEmail(tx, deps, { ...content, kind: ORDER_TICKETS_KIND, refId: orderId });
}
