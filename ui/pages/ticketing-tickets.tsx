/**
 * The box office on an event's admin page (products, issuing a ticket) and one ticket's printable
 * page with its QR code and a revoke button. User text goes out escaped (`safe`); the QR is an SVG
 * rendered on the box from the signed payload.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { eventTime } from "./agenda.tsx";
import { formatEuros, Notices } from "./wallet-common.tsx";

export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly quota: number | null;
  readonly issued: number;
}

export interface ProductForm {
  readonly name: string;
  readonly price: string;
  readonly quota: string;
}

export const EMPTY_PRODUCT_FORM: ProductForm = { name: "", price: "", quota: "" };

export function BoxOffice({ view, eventId, products, form }: { view: View; eventId: string; products: readonly ProductRow[]; form: ProductForm }) {
  const { t } = view;
  const base = `/admin/ticketing/events/${encodeURIComponent(eventId)}`;
  return (
    <section>
      <h2>{t("box_office.title")}</h2>
      {products.length === 0 ? (
        <p class="muted">{t("box_office.no_products")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("box_office.product")}</th>
              <th scope="col">{t("box_office.price")}</th>
              <th scope="col">{t("box_office.issued")}</th>
            </tr>
          </thead>
          <tbody>
            {products.map((product) => (
              <tr>
                <td data-label={t("box_office.product")} safe>
                  {product.name}
                </td>
                <td data-label={t("box_office.price")} safe>
                  {formatEuros(view, product.priceMinor)}
                </td>
                <td data-label={t("box_office.issued")} safe>
                  {product.quota === null ? String(product.issued) : `${product.issued} / ${product.quota}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {products.length > 0 && (
        <form method="post" action={`${base}/tickets`} class="form">
          <CsrfField view={view} />
          <h3>{t("box_office.issue")}</h3>
          <label for="product_id">{t("box_office.product")}</label>
          <select id="product_id" name="product_id">
            {products.map((product) => (
              <option value={product.id} safe>
                {product.name}
              </option>
            ))}
          </select>
          <label for="holder_name">{t("box_office.holder")}</label>
          <input id="holder_name" name="holder_name" maxlength="200" />
          <button type="submit" class="primary">
            {t("box_office.issue")}
          </button>
        </form>
      )}
      <form method="post" action={`${base}/products`} class="form">
        <CsrfField view={view} />
        <h3>{t("box_office.add_product")}</h3>
        <label for="product_name">{t("box_office.product")}</label>
        <input id="product_name" name="name" required maxlength="100" value={form.name} />
        <label for="product_price">{t("box_office.price")}</label>
        <input id="product_price" name="price" inputmode="decimal" required placeholder="12,50" value={form.price} />
        <label for="product_quota">{t("box_office.quota")}</label>
        <input id="product_quota" name="quota" inputmode="numeric" value={form.quota} />
        <button type="submit">{t("box_office.add_product")}</button>
      </form>
    </section>
  );
}

export interface TicketView {
  readonly id: string;
  readonly eventId: string;
  readonly eventTitle: string;
  readonly productName: string;
  readonly holderName: string;
  readonly state: "valid" | "revoked";
  readonly validFromMs: number;
  readonly validUntilMs: number;
}

export function TicketPage({ view, ticket, qrSvg, notice, error }: { view: View; ticket: TicketView; qrSvg: string; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("ticket.title", { title: ticket.eventTitle })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <article class="ticket">
        <p>
          <strong safe>{ticket.productName}</strong>
        </p>
        {ticket.holderName !== "" && <p safe>{ticket.holderName}</p>}
        {ticket.state === "revoked" ? <p class="error">{t("ticket.revoked")}</p> : <figure class="qr">{qrSvg}</figure>}
        <p class="muted">
          <small>{t("ticket.valid", { from: eventTime(view, ticket.validFromMs), until: eventTime(view, ticket.validUntilMs) })}</small>
        </p>
        <p class="muted">
          <small safe>{ticket.id}</small>
        </p>
      </article>
      <p class="muted no-print">{t("ticket.print")}</p>
      {ticket.state === "valid" && (
        <form method="post" action={`/admin/ticketing/tickets/${encodeURIComponent(ticket.id)}/revoke`} class="no-print">
          <CsrfField view={view} />
          <button type="submit" class="danger">
            {t("ticket.revoke")}
          </button>
        </form>
      )}
      <p class="no-print">
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(ticket.eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
