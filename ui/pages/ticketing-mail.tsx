/**
 * The e-mail pages: SMTP settings with a test mail (admins), the outbox with its states and a
 * retry button, the waiting list's public form (on an event's agenda page when sold out) and its
 * answer page, and the admin list of an event's waiting list. Every user string is escaped (`safe`).
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";
import { Notices } from "./wallet-common.tsx";

export interface EmailSettingsForm {
  readonly smtpUrl: string;
  readonly mailFrom: string;
}

export function EmailSettingsPage(props: {
  view: View;
  form: EmailSettingsForm;
  /** The SMTP server's host when mails go out; undefined when e-mail is off. */
  host: string | undefined;
  publicBaseUrl: string;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { view, form } = props;
  const { t } = view;
  return (
    <Layout view={view} title={t("email_settings.title")}>
      <Notices notice={props.notice} error={props.error} />
      <p class={props.host ? "notice success" : "notice error"} role="status">
        {props.host ? t("email_settings.on", { host: props.host }) : t("email_settings.off")}
      </p>
      <p class="muted">{t("email_settings.intro")}</p>
      <form method="post" action="/admin/ticketing/email" class="form">
        <CsrfField view={view} />
        <label for="smtp_url">{t("email_settings.smtp_url")}</label>
        <input id="smtp_url" name="smtp_url" maxlength="500" autocomplete="off" spellcheck="false" value={form.smtpUrl} aria-describedby="smtp_url_help" />
        <small id="smtp_url_help" class="muted">
          {t("email_settings.smtp_url_help")}
        </small>
        <label for="mail_from">{t("email_settings.mail_from")}</label>
        <input id="mail_from" name="mail_from" maxlength="300" value={form.mailFrom} aria-describedby="mail_from_help" />
        <small id="mail_from_help" class="muted">
          {t("email_settings.mail_from_help")}
        </small>
        <button type="submit" class="primary">
          {t("email_settings.save")}
        </button>
      </form>
      <p class="muted">{props.publicBaseUrl ? t("email_settings.public_base_url", { url: props.publicBaseUrl }) : t("email_settings.public_base_url_none")}</p>
      <form method="post" action="/admin/ticketing/email/test" class="form">
        <CsrfField view={view} />
        <h2>{t("email_settings.test")}</h2>
        <label for="test_to">{t("email_settings.test_to")}</label>
        <input id="test_to" name="to" type="email" required maxlength="254" autocomplete="email" />
        <button type="submit">{t("email_settings.test")}</button>
      </form>
      <p>
        <a class="standalone" href="/admin/ticketing/outbox">
          {t("email_settings.outbox")}
        </a>
      </p>
    </Layout>
  );
}

export interface OutboxRow {
  readonly id: string;
  readonly toAddress: string;
  readonly subject: string;
  readonly kind: string;
  readonly state: "queued" | "sent" | "failed";
  readonly attempts: number;
  readonly nextAttemptMs: number;
  readonly lastError: string | null;
  readonly createdAtMs: number;
  readonly sentAtMs: number | null;
}

const KNOWN_KINDS = ["order_tickets", "order_paid", "waiting_list", "test"];

function kindLabel(view: View, kind: string): string {
  return KNOWN_KINDS.includes(kind) ? view.t(`outbox.kind.${kind}` as MessageKey) : kind;
}

export function OutboxPage(props: {
  view: View;
  mails: readonly OutboxRow[];
  counts: Readonly<Record<"queued" | "sent" | "failed", number>>;
  state: "queued" | "sent" | "failed" | undefined;
  configured: boolean;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { view, mails } = props;
  const { t } = view;
  const filters: Array<["" | "queued" | "sent" | "failed", string]> = [
    ["", t("outbox.all")],
    ["queued", t("outbox.state.queued")],
    ["sent", t("outbox.state.sent")],
    ["failed", t("outbox.state.failed")],
  ];
  return (
    <Layout view={view} title={t("outbox.title")}>
      <Notices notice={props.notice} error={props.error} />
      {!props.configured && (
        <p class="notice error" role="status">
          {t("email_settings.off")}
        </p>
      )}
      <p>{t("outbox.counts", props.counts)}</p>
      <nav aria-label={t("outbox.state")}>
        <ul class="inline">
          {filters.map(([state, label]) => (
            <li>
              <a class="standalone" href={state ? `/admin/ticketing/outbox?state=${state}` : "/admin/ticketing/outbox"} aria-current={(props.state ?? "") === state ? "page" : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {mails.length === 0 ? (
        <p class="muted">{t("outbox.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("outbox.created")}</th>
              <th scope="col">{t("outbox.to")}</th>
              <th scope="col">{t("outbox.subject")}</th>
              <th scope="col">{t("outbox.kind")}</th>
              <th scope="col">{t("outbox.state")}</th>
              <th scope="col">{t("outbox.attempts")}</th>
              <th scope="col">{t("outbox.last_error")}</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((mail) => (
              <tr data-mail={mail.id}>
                <td data-label={t("outbox.created")} safe>
                  {formatTime(view, mail.createdAtMs)}
                </td>
                <td data-label={t("outbox.to")} safe>
                  {mail.toAddress}
                </td>
                <td data-label={t("outbox.subject")} safe>
                  {mail.subject}
                </td>
                <td data-label={t("outbox.kind")} safe>
                  {kindLabel(view, mail.kind)}
                </td>
                <td data-label={t("outbox.state")}>
                  <span class={`state-${mail.state}`}>{t(`outbox.state.${mail.state}`)}</span>
                  <br />
                  <small class="muted">
                    {mail.state === "sent" && mail.sentAtMs !== null
                      ? t("outbox.sent_at", { time: formatTime(view, mail.sentAtMs) })
                      : mail.state === "queued"
                        ? t("outbox.next_attempt", { time: formatTime(view, mail.nextAttemptMs) })
                        : ""}
                  </small>
                </td>
                <td data-label={t("outbox.attempts")} safe>
                  {String(mail.attempts)}
                </td>
                <td data-label={t("outbox.last_error")}>
                  <small safe>{mail.lastError ?? ""}</small>
                  {/* With e-mail off a retry could only fail again: the notice above says what to set up. */}
                  {mail.state !== "sent" && props.configured && (
                    <form method="post" action={`/admin/ticketing/outbox/${encodeURIComponent(mail.id)}/retry`}>
                      <CsrfField view={view} />
                      <button type="submit">{t("outbox.retry")}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a class="standalone" href="/admin/ticketing/email">
          {t("outbox.settings")}
        </a>
      </p>
    </Layout>
  );
}

export interface WaitingOption {
  /** A product id, or "" for any ticket of the event. */
  readonly value: string;
  readonly label: string;
}

export interface WaitingForm {
  readonly productId: string;
  readonly name: string;
  readonly email: string;
}

export const EMPTY_WAITING_FORM: WaitingForm = { productId: "", name: "", email: "" };

/** The "notify me" form on a sold-out event's page. */
export function WaitingListSection({ view, eventId, options, form }: { view: View; eventId: string; options: readonly WaitingOption[]; form: WaitingForm }) {
  const { t } = view;
  return (
    <section id="waiting-list" class="waiting-list">
      <h2>{t("waiting.title")}</h2>
      <p>{t("waiting.sold_out")}</p>
      <form method="post" action={`/agenda/${encodeURIComponent(eventId)}/waiting-list`} class="form">
        <CsrfField view={view} />
        {options.length === 1 ? (
          <input type="hidden" name="product_id" value={options[0]!.value} />
        ) : (
          <>
            <label for="waiting_product">{t("waiting.product")}</label>
            <select id="waiting_product" name="product_id">
              {options.map((option) => (
                <option value={option.value} selected={option.value === form.productId} safe>
                  {option.label}
                </option>
              ))}
            </select>
          </>
        )}
        <label for="waiting_name">{t("waiting.name")}</label>
        <input id="waiting_name" name="name" required maxlength="200" autocomplete="name" value={form.name} />
        <label for="waiting_email">{t("waiting.email")}</label>
        <input id="waiting_email" name="email" type="email" required maxlength="254" autocomplete="email" value={form.email} />
        <button type="submit" class="primary">
          {t("waiting.join")}
        </button>
      </form>
    </section>
  );
}

/** The answer to a "notify me" form: added, or refused with the form again. */
export function WaitingResultPage(props: {
  view: View;
  eventId: string;
  eventTitle: string;
  /** Set when added: the address that will be told. */
  joinedEmail?: string | undefined;
  error?: string | undefined;
  options?: readonly WaitingOption[];
  form?: WaitingForm;
}) {
  const { view } = props;
  const { t } = view;
  const back = `/agenda/${encodeURIComponent(props.eventId)}`;
  return (
    <Layout view={view} title={props.joinedEmail !== undefined ? t("waiting.joined_title") : t("waiting.refused_title")}>
      <Notices error={props.error} />
      {props.joinedEmail !== undefined && <p>{t("waiting.joined", { email: props.joinedEmail, title: props.eventTitle })}</p>}
      {props.joinedEmail === undefined && props.options && props.options.length > 0 && (
        <WaitingListSection view={view} eventId={props.eventId} options={props.options} form={props.form ?? EMPTY_WAITING_FORM} />
      )}
      <p>
        <a class="standalone" href={back}>
          {t("waiting.back")}
        </a>
      </p>
    </Layout>
  );
}

export interface WaitingRow {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly productName: string | null;
  readonly state: "waiting" | "notified" | "removed";
  readonly createdAtMs: number;
  readonly notifiedAtMs: number | null;
}

export function WaitingAdminPage(props: { view: View; eventId: string; eventTitle: string; entries: readonly WaitingRow[]; configured: boolean; notice?: string | undefined; error?: string | undefined }) {
  const { view, entries } = props;
  const { t } = view;
  const waiting = entries.filter((entry) => entry.state === "waiting").length;
  return (
    <Layout view={view} title={t("waiting_admin.title", { title: props.eventTitle })} titleIsHtml>
      <Notices notice={props.notice} error={props.error} />
      {!props.configured && (
        <p class="notice error" role="status">
          {t("waiting.no_email")}
        </p>
      )}
      {entries.length === 0 ? (
        <p class="muted">{t("waiting_admin.empty")}</p>
      ) : (
        <>
          <p>{t("waiting_admin.waiting", { count: waiting })}</p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t("waiting.name")}</th>
                <th scope="col">{t("waiting.email")}</th>
                <th scope="col">{t("waiting.product")}</th>
                <th scope="col">{t("waiting_admin.joined")}</th>
                <th scope="col">{t("outbox.state")}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr data-entry={entry.id}>
                  <td data-label={t("waiting.name")} safe>
                    {entry.name}
                  </td>
                  <td data-label={t("waiting.email")} safe>
                    {entry.email}
                  </td>
                  <td data-label={t("waiting.product")} safe>
                    {entry.productName ?? t("waiting.any")}
                  </td>
                  <td data-label={t("waiting_admin.joined")} safe>
                    {formatTime(view, entry.createdAtMs)}
                  </td>
                  <td data-label={t("outbox.state")}>
                    {entry.state === "notified" && entry.notifiedAtMs !== null ? t("waiting_admin.notified", { time: formatTime(view, entry.notifiedAtMs) }) : t(`waiting_admin.state.${entry.state}`)}
                    {entry.state === "waiting" && (
                      <form method="post" action={`/admin/ticketing/waiting-list/${encodeURIComponent(entry.id)}/remove`}>
                        <CsrfField view={view} />
                        <button type="submit" class="danger">
                          {t("waiting_admin.remove")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p>
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(props.eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
