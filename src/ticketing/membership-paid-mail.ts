/**
 * The short mail that tells a buyer their membership is paid: an order made to pay on site (its
 * mail said "valid once paid at the box office") is paid later, at the box office, and the
 * membership it granted now runs from one date to another. Queued in the transaction that marks the
 * order paid, once per order (kind order_paid, ref_id the order: a second call finds it and queues
 * nothing), only when the buyer gave an e-mail and the order granted a membership. French or
 * English by the order's language, text and escaped HTML like the order's mail.
 */
import type { Tx } from "../db/index.ts";
import { DEFAULT_TIMEZONE, findVenue } from "../federation/index.ts";
import type { IdFactory, Signer } from "../kernel/index.ts";
import { membershipsOfOrder } from "../membership/index.ts";
import { enqueueEmail, isEmailAddress, type OutboxMail } from "./outbox.ts";
import { escapeHtml, mailLang, mailQueuedFor, mailWords, membershipWindowText, publicOrderUrl } from "./ticket-mail.ts";

export const ORDER_PAID_KIND = "order_paid";

const WORDS = {
  fr: {
    subject: (reference: string) => `Adhésion payée (commande ${reference})`,
    hello: (name: string) => (name ? `Bonjour ${name},` : "Bonjour,"),
    paid: (reference: string) => `Votre commande ${reference} est payée. Merci !`,
    reference: (reference: string) => `Référence de la commande : ${reference}`,
    orderPage: (url: string) => `Votre commande en ligne : ${url}`,
    footer: "Ce message vous est envoyé parce que vous avez payé cette commande.",
  },
  en: {
    subject: (reference: string) => `Membership paid (order ${reference})`,
    hello: (name: string) => (name ? `Hello ${name},` : "Hello,"),
    paid: (reference: string) => `Your order ${reference} is paid. Thank you!`,
    reference: (reference: string) => `Order reference: ${reference}`,
    orderPage: (url: string) => `Your order online: ${url}`,
    footer: "You receive this message because you paid this order.",
  },
} as const;

/** Queues the "paid, valid from... to..." mail of a pay-on-site order just paid; undefined when there is nothing to tell or it was told already. */
export function enqueueMembershipPaidEmail(tx: Tx, deps: { readonly newId: IdFactory; readonly signer: Signer }, orderId: string): OutboxMail | undefined {
  const order = tx.sqlite
    .query<{ id: string; reference: string; buyerName: string; buyerEmail: string; lang: string }, [string]>(
      "SELECT id, reference, buyer_name AS buyerName, buyer_email AS buyerEmail, lang FROM orders WHERE id = ?",
    )
    .get(orderId);
  if (!order || !isEmailAddress(order.buyerEmail)) return undefined;
  const memberships = membershipsOfOrder(tx.sqlite, order.id);
  if (memberships.length === 0 || mailQueuedFor(tx.sqlite, ORDER_PAID_KIND, order.id)) return undefined;
  const lang = mailLang(order.lang);
  const words = WORDS[lang];
  const timezone = findVenue(tx.sqlite)?.timezone ?? DEFAULT_TIMEZONE;
  const windows = memberships.map((membership) => membershipWindowText(mailWords(lang), membership, timezone));
  const url = publicOrderUrl(tx.sqlite, deps.signer, order);
  const text = [words.hello(order.buyerName), "", words.paid(order.reference), "", ...windows.map((line) => `- ${line}`), "", words.reference(order.reference)];
  const html = [
    `<p>${escapeHtml(words.hello(order.buyerName))}</p>`,
    `<p>${escapeHtml(words.paid(order.reference))}</p>`,
    "<ul>",
    ...windows.map((line) => `<li>${escapeHtml(line)}</li>`),
    "</ul>",
    `<p><strong>${escapeHtml(words.reference(order.reference))}</strong></p>`,
  ];
  if (url) {
    text.push(words.orderPage(url));
    html.push(`<p><a href="${escapeHtml(url)}">${escapeHtml(words.orderPage(url))}</a></p>`);
  }
  text.push("", words.footer);
  html.push(`<p><small>${escapeHtml(words.footer)}</small></p>`);
  const subject = words.subject(order.reference);
  return enqueueEmail(tx, deps, {
    to: order.buyerEmail,
    subject,
    text: text.join("\n"),
    html: `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>${html.join("\n")}</body></html>`,
    kind: ORDER_PAID_KIND,
    refId: order.id,
  });
}
