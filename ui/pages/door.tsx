/**
 * The door page (docs/ticketing.md, "The door"): the event chosen, a big input a USB or Bluetooth
 * scanner types into (door.js decodes its keys), a search by holder or ticket number, the answer
 * of each scan as a full-screen green or red panel, and the event's counters. User text is `safe`.
 */
import { Layout } from "../layout.tsx";
import { DoorCamera } from "./door-camera.tsx";
import { DoorOffline, DoorOfflineHead } from "./door-offline.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";

export interface DoorEventOption {
  readonly id: string;
  readonly title: string;
  readonly startsAtMs: number;
}

export interface DoorCounts {
  readonly products: readonly { readonly name: string; readonly admitted: number; readonly issued: number }[];
  readonly admitted: number;
  readonly issued: number;
  /** On a check-in list: the people inside now (entries minus exits). */
  readonly inside?: number;
}

/** A check-in list of an upcoming event, as the door page offers it. */
export interface DoorListOption {
  readonly id: string;
  readonly eventId: string;
  readonly eventTitle: string;
  readonly startsAtMs: number;
  readonly name: string;
  readonly isDefault: boolean;
  readonly allowReentry: boolean;
}

export interface DoorTicket {
  readonly id: string;
  readonly holder: string;
  readonly product: string;
  readonly state: "valid" | "revoked";
  readonly admittedAtMs: number | null;
  /** Its order is not paid yet: the volunteer sends the holder to the box office. */
  readonly unpaid?: boolean | undefined;
  readonly nonce: string;
}

export type DoorAnswer =
  | { readonly result: "admitted"; readonly holder: string; readonly product: string; readonly direction?: "entry" | "exit" }
  | { readonly result: "refused"; readonly code: string; readonly message: string };

export function DoorCounters({ view, counts, oob = false, listId }: { view: View; counts: DoorCounts | undefined; oob?: boolean; listId?: string | undefined }) {
  const { t } = view;
  // On a list, the counters poll the box every 5 s: other doors' scans show up too.
  const poll = listId ? { "hx-get": `/door/counters?list=${encodeURIComponent(listId)}`, "hx-trigger": "every 5s", "hx-swap": "outerHTML" } : {};
  return (
    <section id="door-counters" class="door-counters" aria-live="polite" hx-swap-oob={oob ? "true" : undefined} aria-labelledby="door-counters-title" {...poll}>
      <h2 id="door-counters-title">{t("door.counters")}</h2>
      {counts ? (
        <table>
          <tbody>
            {counts.inside !== undefined ? (
              <tr>
                <th scope="row">{t("door.inside")}</th>
                <td data-testid="door-inside">{counts.inside}</td>
              </tr>
            ) : null}
            {counts.products.map((row) => (
              <tr>
                <th scope="row" safe>
                  {row.name}
                </th>
                <td data-testid="door-count">{t("door.count", { admitted: row.admitted, issued: row.issued })}</td>
              </tr>
            ))}
            <tr>
              <th scope="row">{t("door.total")}</th>
              <td data-testid="door-total">{t("door.count", { admitted: counts.admitted, issued: counts.issued })}</td>
            </tr>
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The answer to a scan: a panel over the whole screen, green or red; "next" (or the next scan) closes it. */
export function DoorPanel({ view, answer }: { view: View; answer: DoorAnswer }) {
  const { t } = view;
  const ok = answer.result === "admitted";
  return (
    <div class={`door-panel ${ok ? "admitted" : "refused"}`} role="alert" data-testid="door-panel" data-result={answer.result}>
      <p class="door-verdict">{t(ok ? (answer.direction === "exit" ? "door.exited" : "door.admitted") : "door.refused")}</p>
      {answer.result === "admitted" ? (
        <>
          <p class="door-holder" safe>
            {answer.holder}
          </p>
          <p class="door-product" safe>
            {answer.product}
          </p>
        </>
      ) : (
        <p class="door-reason" data-code={answer.code}>
          {answer.message}
        </p>
      )}
      <button type="button" class="big" data-door-next>
        {t("door.next")}
      </button>
    </div>
  );
}

export function DoorSearchResults({ view, eventId, tickets, query, listId }: { view: View; eventId: string; tickets: readonly DoorTicket[]; query: string; listId?: string | undefined }) {
  const { t } = view;
  if (query.trim().length < 2) return <div id="door-search-results"></div>;
  return (
    <div id="door-search-results">
      {tickets.length === 0 ? <p>{t("door.no_match")}</p> : null}
      <ul class="door-tickets">
        {tickets.map((ticket) => (
          <li>
            <span class="door-ticket-holder" safe>
              {ticket.holder}
            </span>{" "}
            <span safe>{ticket.product}</span> <code safe>{ticket.id}</code>
            {ticket.state === "revoked" ? <span> ({t("door.revoked_ticket")})</span> : null}
            {ticket.state === "valid" && ticket.unpaid ? <strong> ({t("door.unpaid_ticket")})</strong> : null}
            {ticket.admittedAtMs !== null ? <span> ({t("door.checked_in_at", { time: doorTime(view, ticket.admittedAtMs) })})</span> : null}
            <form hx-post="/door/checkins" hx-target="#door-result" class="door-checkin-form" hx-include="#door-scan-form [name='direction']">
              {listId ? <input type="hidden" name="list" value={listId} /> : <input type="hidden" name="event_id" value={eventId} />}
              <input type="hidden" name="ticket_id" value={ticket.id} />
              <input type="hidden" name="nonce" value={ticket.nonce} data-door-nonce />
              <button type="submit">{t("door.check_in")}</button>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function DoorPage({
  view,
  events,
  eventId,
  counts,
  httpsUrl,
  lists,
  listId,
  allowReentry = false,
}: {
  view: View;
  events: readonly DoorEventOption[];
  eventId: string | undefined;
  counts: DoorCounts | undefined;
  httpsUrl?: string | undefined;
  /** The upcoming events' check-in lists; the door works on `listId` (of `eventId`). */
  lists?: readonly DoorListOption[] | undefined;
  listId?: string | undefined;
  allowReentry?: boolean;
}) {
  const { t } = view;
  return (
    <Layout view={view} title={t("door.title")} head={<DoorOfflineHead />}>
      <script src="/assets/door.js" defer></script>
      <script src="/assets/door-camera.js" defer></script>
      <DoorOffline view={view} listId={listId ?? eventId} />
      <form method="get" action="/door" class="door-event">
        <label for="door-event">{lists ? t("door.list") : t("door.event")}</label>
        {lists ? (
          <select id="door-event" name="list">
            {lists.map((list) => (
              <option value={list.id} selected={list.id === listId} safe>
                {`${list.eventTitle} · ${startTime(view, list.startsAtMs)}${list.isDefault ? "" : ` · ${list.name}`}`}
              </option>
            ))}
          </select>
        ) : (
          <select id="door-event" name="event">
            {events.map((event) => (
              <option value={event.id} selected={event.id === eventId} safe>
                {`${event.title} · ${startTime(view, event.startsAtMs)}`}
              </option>
            ))}
          </select>
        )}
        <button type="submit">{t("door.choose")}</button>
      </form>
      {eventId === undefined ? (
        <p>{t("door.no_event")}</p>
      ) : (
        <>
          <form id="door-scan-form" hx-post="/door/checkins" hx-target="#door-result" class="door-scan">
            {listId ? <input type="hidden" name="list" value={listId} /> : <input type="hidden" name="event_id" value={eventId} />}
            <input type="hidden" name="nonce" value="" data-door-nonce />
            {allowReentry ? (
              <fieldset class="door-direction" data-testid="door-direction">
                <legend>{t("door.direction")}</legend>
                <label>
                  <input type="radio" name="direction" value="entry" checked /> {t("door.entry")}
                </label>
                <label>
                  <input type="radio" name="direction" value="exit" /> {t("door.exit")}
                </label>
              </fieldset>
            ) : null}
            <label for="door-scan">{t("door.scan_label")}</label>
            <input id="door-scan" name="qr" class="door-scan-input" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus aria-describedby="door-scan-hint" />
            <p id="door-scan-hint" class="hint">
              {t("door.scan_hint")}
            </p>
            <button type="submit" class="big">
              {t("door.scan")}
            </button>
          </form>
          <DoorCamera view={view} httpsUrl={httpsUrl} />
          <form hx-get="/door/search" hx-target="#door-search-results" hx-swap="outerHTML" class="door-search" role="search">
            <input type="hidden" name="event" value={eventId} />
            {listId ? <input type="hidden" name="list" value={listId} /> : null}
            <label for="door-search">{t("door.search_label")}</label>
            <input id="door-search" name="q" type="search" autocomplete="off" />
            <button type="submit">{t("door.search")}</button>
          </form>
          <div id="door-search-results"></div>
          <DoorCounters view={view} counts={counts} listId={listId} />
        </>
      )}
      <div id="door-result"></div>
    </Layout>
  );
}

/**
 * When a ticket already passed, as the volunteer reads it at arm's length: the time alone ("20:14")
 * on the day it happened in the venue's timezone, else the date and time without seconds.
 */
export function doorTime(view: View, atMs: number): string {
  const locale = view.lang === "fr" ? "fr-FR" : "en-GB";
  const day = new Intl.DateTimeFormat(locale, { dateStyle: "short", timeZone: view.timezone });
  const sameDay = day.format(atMs) === day.format(view.serverTimeMs);
  return new Intl.DateTimeFormat(locale, sameDay ? { timeStyle: "short", timeZone: view.timezone } : { dateStyle: "short", timeStyle: "short", timeZone: view.timezone }).format(atMs);
}

/** An event's start in the door's chooser: date and time, no seconds ("26/11/2026 20:30"). */
function startTime(view: View, ms: number): string {
  return new Intl.DateTimeFormat(view.lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "short", timeStyle: "short", timeZone: view.timezone }).format(ms);
}

export const REFUSAL_KEYS: Readonly<Record<string, MessageKey>> = {
  already_redeemed: "door.refusal.already_redeemed",
  revoked: "door.refusal.revoked",
  wrong_event: "door.refusal.wrong_event",
  not_yet_valid: "door.refusal.not_yet_valid",
  expired: "door.refusal.expired",
  invalid_signature: "door.refusal.invalid_signature",
  qr_invalid: "door.refusal.qr_invalid",
  product_not_admitted: "door.refusal.product_not_admitted",
  unpaid: "door.refusal.unpaid",
  not_inside: "door.refusal.not_inside",
};
