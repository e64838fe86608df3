/** The technical event log, newest first, filterable by kind. */
import { Layout } from "../layout.tsx";
import { formatTime, type View } from "../view.ts";

export interface EventRow {
  readonly seq: number;
  readonly atMs: number;
  readonly kind: string;
  readonly actor: string;
  readonly subject: string;
  readonly detail: string;
}

export function EventsPage({ view, events, kinds, kind, olderHref }: { view: View; events: readonly EventRow[]; kinds: readonly string[]; kind: string | undefined; olderHref: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("events.title")}>
      <form method="get" action="/admin/events" class="inline">
        <label for="kind">{t("events.filter")}</label>
        <select id="kind" name="kind">
          <option value="">{t("events.all")}</option>
          {kinds.map((name) => (
            <option value={name} selected={name === kind} safe>
              {name}
            </option>
          ))}
        </select>
        <button type="submit">{t("events.apply")}</button>
      </form>
      {events.length === 0 ? <p>{t("events.none")}</p> : null}
      <table class="events">
        <thead>
          <tr>
            <th scope="col">{t("events.seq")}</th>
            <th scope="col">{t("events.at")}</th>
            <th scope="col">{t("events.kind")}</th>
            <th scope="col">{t("events.actor")}</th>
            <th scope="col">{t("events.subject")}</th>
            <th scope="col">{t("events.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr>
              <td data-label={t("events.seq")}>{String(event.seq)}</td>
              <td data-label={t("events.at")}>{formatTime(view, event.atMs)}</td>
              <td data-label={t("events.kind")} safe>
                {event.kind}
              </td>
              <td data-label={t("events.actor")} safe>
                {event.actor}
              </td>
              <td data-label={t("events.subject")} safe>
                {event.subject}
              </td>
              <td data-label={t("events.detail")}>
                <code safe>{event.detail}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {olderHref ? (
        <p>
          <a class="button" href={olderHref}>
            {t("events.older")}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
