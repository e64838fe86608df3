/**
 * The events' admin pages (admins and managers): the list with a creation form, and one event's
 * form. Times are typed in the venue's timezone; a refused form comes back as it was typed.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { eventTime, type AgendaEvent } from "./agenda.tsx";
import { BoxOffice, EMPTY_PRODUCT_FORM, type ProductForm, type ProductRow } from "./ticketing-tickets.tsx";
import type { SellFormValues } from "./ticketing-orders.tsx";
import { Notices } from "./wallet-common.tsx";
import { EventDoorLinks } from "./door-admin.tsx";
import { EventImageSection, type EventImageView } from "./event-image.tsx";

export interface AdminEventRow extends AgendaEvent {
  readonly visibility: string;
}

/** The event form as typed: datetime-local texts in the venue's timezone. */
export interface EventForm {
  readonly title: string;
  readonly description: string;
  readonly imageUrl: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly doorsAt: string;
  readonly capacity: string;
  readonly tags: string;
  readonly visibility: string;
}

export const EMPTY_EVENT_FORM: EventForm = { title: "", description: "", imageUrl: "", startsAt: "", endsAt: "", doorsAt: "", capacity: "", tags: "", visibility: "public" };

function visibilityKey(visibility: string): MessageKey {
  return `visibility.${visibility}` as MessageKey;
}

function EventFields({ view, form, visibilities }: { view: View; form: EventForm; visibilities: readonly string[] }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      <label for="title">{t("events_admin.event")}</label>
      <input id="title" name="title" required maxlength="200" value={form.title} />
      <label for="description">{t("events_admin.description")}</label>
      <textarea id="description" name="description" rows="5" safe>
        {form.description}
      </textarea>
      <label for="image_url">{t("events_admin.image_url")}</label>
      <input id="image_url" name="image_url" type="url" value={form.imageUrl} />
      <label for="starts_at">{t("events_admin.starts_at")}</label>
      <input id="starts_at" name="starts_at" type="datetime-local" required value={form.startsAt} />
      <label for="ends_at">{t("events_admin.ends_at")}</label>
      <input id="ends_at" name="ends_at" type="datetime-local" required value={form.endsAt} />
      <label for="doors_at">{t("events_admin.doors_at")}</label>
      <input id="doors_at" name="doors_at" type="datetime-local" value={form.doorsAt} aria-describedby="doors_help" />
      <small id="doors_help">{t("events_admin.doors_help")}</small>
      <label for="capacity">{t("events_admin.capacity")}</label>
      <input id="capacity" name="capacity" inputmode="numeric" value={form.capacity} />
      <label for="tags">{t("events_admin.tags")}</label>
      <input id="tags" name="tags" value={form.tags} />
      <label for="visibility">{t("events_admin.visibility")}</label>
      <select id="visibility" name="visibility">
        {visibilities.map((visibility) => (
          <option value={visibility} selected={visibility === form.visibility}>
            {t(visibilityKey(visibility))}
          </option>
        ))}
      </select>
    </>
  );
}

interface PageProps {
  readonly view: View;
  readonly form: EventForm;
  readonly visibilities: readonly string[];
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function EventsAdminPage({ view, events, form, visibilities, notice, error }: PageProps & { events: readonly AdminEventRow[] }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("events_admin.title")}>
      <Notices notice={notice} error={error} />
      {events.length === 0 ? (
        <p class="muted">{t("events_admin.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("events_admin.event")}</th>
              <th scope="col">{t("events_admin.starts_at")}</th>
              <th scope="col">{t("events_admin.visibility")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("events_admin.edit")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {events.map((event) => (
              <tr>
                <td data-label={t("events_admin.event")} safe>
                  {event.title}
                </td>
                <td data-label={t("events_admin.starts_at")} safe>
                  {eventTime(view, event.startsAtMs)}
                </td>
                <td data-label={t("events_admin.visibility")}>{t(visibilityKey(event.visibility))}</td>
                <td>
                  <a class="button" href={`/admin/ticketing/events/${encodeURIComponent(event.id)}`} aria-label={t("events_admin.edit_named", { name: event.title })}>
                    {t("events_admin.edit")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("events_admin.add")}</h2>
      <form method="post" action="/admin/ticketing/events" class="form">
        <EventFields view={view} form={form} visibilities={visibilities} />
        <button type="submit" class="primary">
          {t("events_admin.add")}
        </button>
      </form>
    </Layout>
  );
}

export function EventEditPage({
  view,
  eventId,
  title,
  publicKeyHex,
  form,
  visibilities,
  notice,
  error,
  products = [],
  productForm = EMPTY_PRODUCT_FORM,
  sell,
  door,
  waiting,
  image,
  errorAt,
}: PageProps & {
  eventId: string;
  title: string;
  publicKeyHex: string;
  products?: readonly ProductRow[];
  productForm?: ProductForm;
  sell: SellFormValues;
  door?: { lists: number; conflicts: number } | undefined;
  /** People on the event's waiting list (a link to it). */
  waiting?: number | undefined;
  /** The event's image and its upload form (event-image.tsx). */
  image?: EventImageView | undefined;
  /** Which box-office form the error is about, to repeat it there. */
  errorAt?: "product" | "sell" | undefined;
}) {
  const { t } = view;
  return (
    <Layout view={view} title={t("events_admin.edit_title", { title })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <form method="post" action={`/admin/ticketing/events/${encodeURIComponent(eventId)}`} class="form">
        <EventFields view={view} form={form} visibilities={visibilities} />
        <button type="submit" class="primary">
          {t("events_admin.save")}
        </button>
      </form>
      <p class="muted">
        <small class="fingerprint">{t("events_admin.key", { key: publicKeyHex })}</small>
      </p>
      {image ? <EventImageSection view={view} eventId={eventId} title={title} image={image} /> : null}
      <BoxOffice view={view} eventId={eventId} products={products} form={productForm} sell={sell} error={error} errorAt={errorAt} />
      {door ? <EventDoorLinks view={view} eventId={eventId} lists={door.lists} conflicts={door.conflicts} /> : null}
      {waiting !== undefined && (
        <p>
          <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(eventId)}/waiting-list`}>
            {t("waiting_admin.link", { count: waiting })}
          </a>
        </p>
      )}
      <p>
        <a class="standalone" href={`/agenda/${encodeURIComponent(eventId)}`}>
          {t("events_admin.public_link")}
        </a>
      </p>
      <p>
        <a class="standalone" href="/admin/ticketing/events">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
