/**
 * The public agenda: upcoming public events, dates in the venue's timezone, one shareable page
 * per event and an iCal feed. Anyone may read it, on a phone; every event text is escaped.
 */
import type { Children } from "@kitajs/html";
import { Layout } from "../layout.tsx";
import type { View } from "../view.ts";

export interface AgendaEvent {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly imageUrl: string | null;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
  readonly doorsAtMs: number;
  readonly capacity: number | null;
  readonly tags: readonly string[];
  /** Every ticket price on sale has no place left (the agenda says "Complet"). */
  readonly soldOut?: boolean | undefined;
  /** Width and height of an image uploaded to the box (for `<img width height>`: no layout shift). */
  readonly imageSize?: { readonly width: number; readonly height: number } | undefined;
}

/** "samedi 14 mars 2026 à 20:30" in the venue's timezone. */
export function eventTime(view: View, ms: number): string {
  return new Intl.DateTimeFormat(view.lang === "fr" ? "fr-FR" : "en-GB", { dateStyle: "full", timeStyle: "short", timeZone: view.timezone }).format(ms);
}

function EventCard({ view, event, linked }: { view: View; event: AgendaEvent; linked: boolean }) {
  const { t } = view;
  return (
    <article class="agenda-event">
      {/* On the event's own page the title is already the page's h1. */}
      {linked ? (
        <h2>
          <a href={`/agenda/${encodeURIComponent(event.id)}`} safe>
            {event.title}
          </a>
        </h2>
      ) : null}
      <p>
        <time datetime={new Date(event.startsAtMs).toISOString()} safe>
          {eventTime(view, event.startsAtMs)}
        </time>
        {linked && event.soldOut ? (
          <>
            {" "}
            <strong class="badge">{t("online_order.sold_out")}</strong>
          </>
        ) : null}
      </p>
      {event.imageUrl ? (
        <img
          src={event.imageUrl}
          alt={event.title}
          loading="lazy"
          width={event.imageSize ? String(event.imageSize.width) : undefined}
          height={event.imageSize ? String(event.imageSize.height) : undefined}
          style="max-width:100%;height:auto"
        />
      ) : null}
      {event.tags.length > 0 ? (
        <p class="muted">
          {event.tags.map((tag) => (
            <span class="chip" safe>
              {tag}
            </span>
          ))}
        </p>
      ) : null}
      {linked ? null : (
        <>
          <p>{t("agenda.doors", { time: eventTime(view, event.doorsAtMs) })}</p>
          <p>{t("agenda.ends", { time: eventTime(view, event.endsAtMs) })}</p>
          {event.capacity !== null ? <p>{t("agenda.capacity", { count: event.capacity })}</p> : null}
          <p style="white-space:pre-line" safe>
            {event.description}
          </p>
        </>
      )}
    </article>
  );
}

/** `membershipLink`: memberships are sold online (/adhesion), so the agenda links to them. */
export function AgendaPage({ view, events, membershipLink = false }: { view: View; events: readonly AgendaEvent[]; membershipLink?: boolean }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("agenda.title")}>
      {membershipLink ? (
        <p>
          <a class="standalone" href="/adhesion">
            {t("membership_sale.agenda_link")}
          </a>
        </p>
      ) : null}
      {events.length === 0 ? <p class="muted">{t("agenda.empty")}</p> : events.map((event) => <EventCard view={view} event={event} linked={true} />)}
      <p>
        <a class="standalone" href="/agenda.ics">
          {t("agenda.calendar")}
        </a>
      </p>
    </Layout>
  );
}

/** `children`: the order form (rendered HTML, see http/online-sales.ts), when tickets are sold online. */
export function AgendaEventPage({ view, event, shareUrl, children }: { view: View; event: AgendaEvent; shareUrl: string; children?: Children }) {
  const { t } = view;
  return (
    <Layout view={view} title={event.title}>
      <EventCard view={view} event={event} linked={false} />
      {/* Without an order form the visitor would not know whether tickets exist: say so. */}
      {children ? children : <p class="muted">{t("agenda.not_sold_online")}</p>}
      <p>
        <label for="share">{t("agenda.share")}</label>
        <input id="share" readonly value={shareUrl} />
      </p>
      <p>
        <a class="standalone" href="/agenda">
          {t("agenda.back")}
        </a>
      </p>
    </Layout>
  );
}
