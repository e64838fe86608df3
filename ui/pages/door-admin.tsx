/**
 * The door's admin pages (admins and managers): an event's check-in lists (what each door admits:
 * products, re-entry, opening hours) with their live counters, and the conflicts offline doors
 * reported (a ticket let in twice, or a revoked one let in while the box was out of reach).
 * Every user string (list, product, holder, door names) is rendered `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { formatTime } from "../view.ts";
import { Notices } from "./wallet-common.tsx";

export interface ListRow {
  readonly id: string;
  readonly name: string;
  readonly productIds: readonly string[];
  readonly allowReentry: boolean;
  /** datetime-local texts in the venue's timezone, "" when open. */
  readonly validFrom: string;
  readonly validUntil: string;
  readonly isDefault: boolean;
  readonly inside: number;
  readonly admitted: number;
  readonly issued: number;
}

export interface ListForm {
  readonly name: string;
  readonly productIds: readonly string[];
  readonly allowReentry: boolean;
  readonly validFrom: string;
  readonly validUntil: string;
}

export const EMPTY_LIST_FORM: ListForm = { name: "", productIds: [], allowReentry: false, validFrom: "", validUntil: "" };

interface ProductChoice {
  readonly id: string;
  readonly name: string;
}

function ListFields({ view, form, products, prefix }: { view: View; form: ListForm; products: readonly ProductChoice[]; prefix: string }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      <label for={`${prefix}-name`}>{t("door_lists.name")}</label>
      <input id={`${prefix}-name`} name="name" value={form.name} required maxlength="100" />
      <fieldset>
        <legend>{t("door_lists.products")}</legend>
        <p class="hint">{t("door_lists.all_products")}</p>
        {products.map((product) => (
          <label class="checkbox">
            <input type="checkbox" name="product_ids" value={product.id} checked={form.productIds.includes(product.id)} /> <span safe>{product.name}</span>
          </label>
        ))}
      </fieldset>
      <label class="checkbox">
        <input type="checkbox" name="allow_reentry" value="1" checked={form.allowReentry} /> {t("door_lists.allow_reentry")}
      </label>
      <label for={`${prefix}-from`}>{t("door_lists.valid_from")}</label>
      <input id={`${prefix}-from`} name="valid_from" type="datetime-local" value={form.validFrom} />
      <label for={`${prefix}-until`}>{t("door_lists.valid_until")}</label>
      <input id={`${prefix}-until`} name="valid_until" type="datetime-local" value={form.validUntil} />
    </>
  );
}

export function CheckinListsPage({
  view,
  eventId,
  title,
  lists,
  products,
  form,
  notice,
  error,
}: {
  view: View;
  eventId: string;
  title: string;
  lists: readonly ListRow[];
  products: readonly ProductChoice[];
  form: ListForm;
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = view;
  const base = `/admin/ticketing/events/${encodeURIComponent(eventId)}/lists`;
  return (
    <Layout view={view} title={t("door_lists.title", { title })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <p>{t("door_lists.intro")}</p>
      {lists.map((list) => (
        <section class="card" data-testid="checkin-list" aria-labelledby={`list-${list.id}`}>
          <h2 id={`list-${list.id}`}>
            <span safe>{list.name}</span>
            {list.isDefault ? <small> ({t("door_lists.default")})</small> : null}
          </h2>
          <p data-testid="list-counters">
            {t("door_lists.inside", { inside: list.inside })} · {t("door_lists.checked_in", { admitted: list.admitted, issued: list.issued })}
          </p>
          <p>
            <a class="standalone" href={`/door?list=${encodeURIComponent(list.id)}`}>
              {t("door_lists.open_door")}
            </a>
          </p>
          <details>
            <summary>{t("door_lists.edit")}</summary>
            <form method="post" action={`${base}/${encodeURIComponent(list.id)}`} class="form">
              <ListFields view={view} form={list} products={products} prefix={`edit-${list.id}`} />
              <button type="submit" class="primary">
                {t("door_lists.save")}
              </button>
            </form>
          </details>
          {list.isDefault ? null : (
            <form method="post" action={`${base}/${encodeURIComponent(list.id)}/delete`} data-confirm={t("confirm.list_delete")}>
              <CsrfField view={view} />
              <button type="submit" class="danger">
                {t("door_lists.delete")}
              </button>
            </form>
          )}
        </section>
      ))}
      <h2>{t("door_lists.add")}</h2>
      <form method="post" action={base} class="form">
        <ListFields view={view} form={form} products={products} prefix="new" />
        <button type="submit" class="primary">
          {t("door_lists.add")}
        </button>
      </form>
      <p>
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

export interface ConflictRow {
  readonly ticketId: string | null;
  readonly holder: string | null;
  readonly product: string | null;
  readonly code: string;
  readonly listName: string;
  readonly door: string;
  readonly scannedAtMs: number | null;
  readonly uploadedAtMs: number;
  readonly first: { readonly atMs: number; readonly door: string } | null;
}

export function ConflictsPage({ view, eventId, title, conflicts }: { view: View; eventId: string; title: string; conflicts: readonly ConflictRow[] }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("door_conflicts.title", { title })} titleIsHtml>
      <p>{t("door_conflicts.intro")}</p>
      {conflicts.length === 0 ? (
        <p>{t("door_conflicts.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("door_conflicts.ticket")}</th>
              <th scope="col">{t("door_conflicts.code")}</th>
              <th scope="col">{t("door_conflicts.door")}</th>
              <th scope="col">{t("door_conflicts.first")}</th>
            </tr>
          </thead>
          <tbody>
            {conflicts.map((row) => (
              <tr data-testid="conflict-row">
                <td data-label={t("door_conflicts.ticket")}>
                  {row.ticketId ? (
                    <a href={`/admin/ticketing/tickets/${encodeURIComponent(row.ticketId)}`}>
                      <span safe>{row.holder ?? ""}</span> · <span safe>{row.product ?? ""}</span>
                    </a>
                  ) : (
                    t("door_conflicts.unknown_ticket")
                  )}
                </td>
                <td data-label={t("door_conflicts.code")}>
                  <code safe>{row.code}</code>
                </td>
                <td data-label={t("door_conflicts.door")}>
                  <span safe>{row.door}</span> (<span safe>{row.listName}</span>)<br />
                  <small>
                    {t("door_conflicts.scanned_at", { time: row.scannedAtMs === null ? "?" : formatTime(view, row.scannedAtMs) })} ·{" "}
                    {t("door_conflicts.uploaded_at", { time: formatTime(view, row.uploadedAtMs) })}
                  </small>
                </td>
                <td data-label={t("door_conflicts.first")}>{row.first ? t("door_conflicts.first_at", { time: formatTime(view, row.first.atMs), door: row.first.door }) : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

/** The event page's door links: its lists, and its conflicts with their count. */
export function EventDoorLinks({ view, eventId, lists, conflicts }: { view: View; eventId: string; lists: number; conflicts: number }) {
  const { t } = view;
  const base = `/admin/ticketing/events/${encodeURIComponent(eventId)}`;
  return (
    <section aria-labelledby="event-door-title">
      <h2 id="event-door-title">{t("door_lists.section")}</h2>
      <p>
        <a class="standalone" href={`${base}/lists`}>
          {t("door_lists.link", { count: lists })}
        </a>
      </p>
      <p>
        <a class="standalone" href={`${base}/conflicts`}>
          {t("door_conflicts.link")}
        </a>{" "}
        <span class={conflicts > 0 ? "badge warning" : "badge"} data-testid="conflict-count">{conflicts}</span>
      </p>
    </section>
  );
}
