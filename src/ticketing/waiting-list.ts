/**
 * The waiting list (table waiting_list): when an event, or one product of it, is sold out, people
 * leave a name and an e-mail. When places free up (a ticket revoked: a cancelled, refunded or
 * expired order, or a revoke at the box office), `notifyWaitingList` tells the next ones, oldest
 * first, as many as places were freed, by a mail through the outbox, in the same transaction as the
 * revoke; each is marked notified. It is first come, first served: a notice is no reservation,
 * and the place goes to whoever orders first.
 *
 * A person waits for one product (product_id) or for the event as a whole (product_id null: any
 * product's freed place tells them).
 */
import type { Sqlite, Tx } from "../db/index.ts";
import { DEFAULT_TIMEZONE, findVenue } from "../federation/index.ts";
import { fail, type IdFactory } from "../kernel/index.ts";
import { findEvent, isListed } from "./events.ts";
import { enqueueEmail, normalizeEmail, readMailSettings } from "./outbox.ts";
import { escapeHtml, mailLang } from "./ticket-mail.ts";

export const WAITING_LIST_LIMITS = {
  nameChars: 200,
  /** People waiting for one event at once; beyond it waiting_list_full. */
  perEvent: 5_000,
  /** Rows on the admin page. */
  pageRows: 500,
  /** People one freed batch may notify. */
  notifyMax: 500,
} as const;

export const WAITING_LIST_MAIL_KIND = "waiting_list";

export interface WaitingEntry {
  readonly id: string;
  readonly eventId: string;
  readonly productId: string | null;
  readonly productName: string | null;
  readonly name: string;
  readonly email: string;
  readonly lang: string;
  readonly state: "waiting" | "notified" | "removed";
  readonly createdAtMs: number;
  readonly notifiedAtMs: number | null;
}

const SELECT = `SELECT w.id, w.event_id AS eventId, w.product_id AS productId, p.name AS productName, w.name, w.email, w.lang, w.state,
  w.created_at_ms AS createdAtMs, w.notified_at_ms AS notifiedAtMs FROM waiting_list w LEFT JOIN ticket_products p ON p.id = w.product_id`;

export function findWaitingEntry(sqlite: Sqlite, id: string): WaitingEntry | undefined {
  return sqlite.query<WaitingEntry, [string]>(`${SELECT} WHERE w.id = ?`).get(id) ?? undefined;
}

/** An event's list, waiting people first (oldest first), then the notified, then the removed. */
export function listWaitingList(sqlite: Sqlite, eventId: string): WaitingEntry[] {
  return sqlite
    .query<WaitingEntry, [string, number]>(
      `${SELECT} WHERE w.event_id = ? ORDER BY CASE w.state WHEN 'waiting' THEN 0 WHEN 'notified' THEN 1 ELSE 2 END, w.created_at_ms, w.rowid LIMIT ?`,
    )
    .all(eventId, WAITING_LIST_LIMITS.pageRows);
}

export function waitingCount(sqlite: Sqlite, eventId: string): number {
  return sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM waiting_list WHERE event_id = ? AND state = 'waiting'").get(eventId)!.n;
}

/**
 * Places left for a product (its quota and the event's capacity, counting tickets not revoked),
 * or for the event as a whole when productId is null; null when nothing limits it.
 */
export function placesLeft(sqlite: Sqlite, eventId: string, productId: string | null): number | null {
  const event = sqlite.query<{ capacity: number | null }, [string]>("SELECT capacity FROM events WHERE id = ?").get(eventId);
  if (!event) return 0;
  const issuedForEvent = sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM tickets WHERE event_id = ? AND state = 'valid'").get(eventId)!.n;
  let left: number | null = event.capacity === null ? null : Math.max(0, event.capacity - issuedForEvent);
  const products = sqlite
    .query<{ id: string; quota: number | null; active: number; issued: number }, [string]>(
      "SELECT p.id, p.quota, p.active, (SELECT count(*) FROM tickets t WHERE t.product_id = p.id AND t.state = 'valid') AS issued FROM ticket_products p WHERE p.event_id = ?",
    )
    .all(eventId)
    .filter((product) => product.active === 1 && (productId === null || product.id === productId));
  if (productId !== null && products.length === 0) return 0;
  // For the event: the places of all its products together (any unlimited product leaves it unlimited by quotas).
  const quotas = products.map((product) => (product.quota === null ? null : Math.max(0, product.quota - product.issued)));
  const byQuota = products.length === 0 ? 0 : quotas.includes(null) ? null : quotas.reduce<number>((sum, value) => sum + (value ?? 0), 0);
  if (byQuota !== null) left = left === null ? byQuota : Math.min(left, byQuota);
  return left;
}

export interface JoinInput {
  readonly eventId: string;
  readonly productId: string | null;
  readonly name: string;
  readonly email: string;
  readonly lang: string;
}

/**
 * Adds a person to an event's waiting list. Refusals (nothing written): event_unknown (also a
 * private event), product_unknown, name_required, name_too_long, email_invalid,
 * waiting_list_not_sold_out (places are left: buy instead), waiting_list_duplicate (this e-mail
 * waits already for this product or event), waiting_list_full.
 */
export function joinWaitingList(tx: Tx, deps: { readonly newId: IdFactory }, input: JoinInput): WaitingEntry {
  const event = findEvent(tx.sqlite, input.eventId);
  if (!event || !isListed(event)) fail("event_unknown", "no such event");
  const productId = input.productId || null;
  if (productId !== null && !tx.sqlite.query("SELECT 1 FROM ticket_products WHERE id = ? AND event_id = ?").get(productId, event.id)) fail("product_unknown", "no such product");
  const name = input.name.trim();
  if (!name) fail("name_required", "a name is needed");
  if (name.length > WAITING_LIST_LIMITS.nameChars) fail("name_too_long", `a name has at most ${WAITING_LIST_LIMITS.nameChars} characters`);
  const email = normalizeEmail(input.email);
  if (placesLeft(tx.sqlite, event.id, productId) !== 0) fail("waiting_list_not_sold_out", "places are left: they can be bought now");
  const duplicate = tx.sqlite
    .query("SELECT 1 FROM waiting_list WHERE event_id = ? AND product_id IS ? AND lower(email) = lower(?) AND state = 'waiting'")
    .get(event.id, productId, email);
  if (duplicate) fail("waiting_list_duplicate", "this e-mail is on the waiting list already");
  if (waitingCount(tx.sqlite, event.id) >= WAITING_LIST_LIMITS.perEvent) fail("waiting_list_full", "the waiting list is full");
  const id = deps.newId();
  tx.sqlite
    .query("INSERT INTO waiting_list (id, event_id, product_id, name, email, lang, state, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, 'waiting', ?)")
    .run(id, event.id, productId, name, email, mailLang(input.lang), tx.stamp().atMs);
  return findWaitingEntry(tx.sqlite, id)!;
}

/** The admin removes someone (they asked, or bought elsewhere). Refusal: waiting_entry_unknown. */
export function removeWaitingEntry(tx: Tx, id: string): WaitingEntry {
  const entry = findWaitingEntry(tx.sqlite, id);
  if (!entry || entry.state === "removed") fail("waiting_entry_unknown", "no such person on the waiting list");
  tx.sqlite.query("UPDATE waiting_list SET state = 'removed' WHERE id = ?").run(id);
  return findWaitingEntry(tx.sqlite, id)!;
}

const MAIL_WORDS = {
  fr: {
    subject: (title: string) => `Une place s'est libérée : ${title}`,
    hello: (name: string) => `Bonjour ${name},`,
    body: (title: string, date: string) => `Une place vient de se libérer pour « ${title} » (${date}).`,
    what: (product: string) => `Tarif : ${product}`,
    rule: "Premier arrivé, premier servi : cette place n'est pas réservée pour vous. Si vous la voulez, commandez dès maintenant.",
    link: "Voir l'événement et commander",
    linkLine: (url: string) => `Voir l'événement et commander : ${url}`,
    footer: "Vous recevez ce message parce que vous vous êtes inscrit·e sur la liste d'attente. Vous n'en recevrez pas d'autre pour cette inscription.",
    locale: "fr-FR",
  },
  en: {
    subject: (title: string) => `A place is free: ${title}`,
    hello: (name: string) => `Hello ${name},`,
    body: (title: string, date: string) => `A place has just become free for "${title}" (${date}).`,
    what: (product: string) => `Ticket: ${product}`,
    rule: "First come, first served: this place is not reserved for you. If you want it, order now.",
    link: "See the event and order",
    linkLine: (url: string) => `See the event and order: ${url}`,
    footer: "You receive this message because you joined the waiting list. You will get no other one for this request.",
    locale: "en-GB",
  },
} as const;

/**
 * Places freed for a product (or for the event): the next `freed` people waiting for that product
 * or for the event as a whole, oldest first, get a mail through the outbox and are marked
 * notified, in the caller's transaction. Answers the people notified.
 */
export function notifyWaitingList(tx: Tx, deps: { readonly newId: IdFactory }, input: { eventId: string; productId: string | null; freed: number }): WaitingEntry[] {
  const count = Math.min(Math.max(0, Math.floor(input.freed)), WAITING_LIST_LIMITS.notifyMax);
  if (count === 0) return [];
  const event = findEvent(tx.sqlite, input.eventId);
  if (!event) return [];
  const next = tx.sqlite
    .query<WaitingEntry, [string, string | null, number]>(
      `${SELECT} WHERE w.event_id = ? AND w.state = 'waiting' AND (w.product_id IS NULL OR w.product_id IS ?) ORDER BY w.created_at_ms, w.rowid LIMIT ?`,
    )
    .all(event.id, input.productId, count);
  if (next.length === 0) return [];
  const settings = readMailSettings(tx.sqlite);
  const base = settings.publicBaseUrl.replace(/\/+$/, "");
  const timezone = findVenue(tx.sqlite)?.timezone ?? DEFAULT_TIMEZONE;
  const atMs = tx.stamp().atMs;
  const mark = tx.sqlite.query("UPDATE waiting_list SET state = 'notified', notified_at_ms = ? WHERE id = ?");
  for (const entry of next) {
    const words = MAIL_WORDS[mailLang(entry.lang)];
    const date = new Intl.DateTimeFormat(words.locale, { dateStyle: "full", timeStyle: "short", timeZone: timezone }).format(event.startsAtMs);
    const url = base ? `${base}/agenda/${encodeURIComponent(event.id)}` : "";
    const lines = [words.hello(entry.name), "", words.body(event.title, date), ...(entry.productName ? [words.what(entry.productName)] : []), "", words.rule];
    const text = [...lines, ...(url ? ["", words.linkLine(url)] : []), "", words.footer].join("\n");
    const html = [
      `<p>${escapeHtml(words.hello(entry.name))}</p>`,
      `<p>${escapeHtml(words.body(event.title, date))}</p>`,
      entry.productName ? `<p>${escapeHtml(words.what(entry.productName))}</p>` : "",
      `<p><strong>${escapeHtml(words.rule)}</strong></p>`,
      url ? `<p><a href="${escapeHtml(url)}">${escapeHtml(words.link)}</a></p>` : "",
      `<p><small>${escapeHtml(words.footer)}</small></p>`,
    ].join("\n");
    enqueueEmail(tx, deps, { to: entry.email, subject: words.subject(event.title), text, html: `<!doctype html><html><body>${html}</body></html>`, kind: WAITING_LIST_MAIL_KIND, refId: entry.id });
    mark.run(atMs, entry.id);
  }
  return next.map((entry) => findWaitingEntry(tx.sqlite, entry.id)!);
}
