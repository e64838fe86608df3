/**
 * The box office on an event's admin page (ticket types, their prices, the sell form) and one
 * ticket's printable page with its QR code, its order and a revoke button. User text goes out escaped (`safe`); the QR is an SVG
 * rendered on the box from the signed payload.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { eventTime } from "./agenda.tsx";
import { EMPTY_PRODUCT_SETTINGS, ProductSettingsFields, SellForm, type PriceRow, type ProductSettingsForm, type SellFormValues } from "./ticketing-orders.tsx";
import { formatEuros, Notices } from "./wallet-common.tsx";

export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly quota: number | null;
  readonly issued: number;
  readonly active: boolean;
  readonly perOrderMax: number | null;
  readonly perPersonMax: number | null;
  /** Its prices, first first (withdrawn ones included, marked). */
  readonly prices: readonly PriceRow[];
}

/** The add-a-ticket-type form as typed. */
export type ProductForm = ProductSettingsForm;
export const EMPTY_PRODUCT_FORM: ProductForm = EMPTY_PRODUCT_SETTINGS;

function PriceList({ view, prices }: { view: View; prices: readonly PriceRow[] }) {
  return (
    <ul class="plain">
      {prices.map((price) => (
        <li safe>{`${price.label} · ${formatEuros(view, price.amountMinor)}${price.kind === "free" ? " min." : ""}${price.active ? "" : ` (${view.t("product_admin.inactive")})`}`}</li>
      ))}
    </ul>
  );
}

function limitsText(view: View, product: ProductRow): string {
  const parts: string[] = [];
  if (product.perOrderMax !== null) parts.push(view.t("product_admin.per_order_short", { count: product.perOrderMax }));
  if (product.perPersonMax !== null) parts.push(view.t("product_admin.per_person_short", { count: product.perPersonMax }));
  return parts.length === 0 ? view.t("product_admin.none") : parts.join(", ");
}

/**
 * The box office on an event's page: its ticket types with their prices and limits, the sell form
 * (several prices and quantities, the buyer, holders' names, the payment), and a form to add a
 * ticket type.
 */
export function BoxOffice({
  view,
  eventId,
  products,
  form,
  sell,
  error,
  errorAt,
}: {
  view: View;
  eventId: string;
  products: readonly ProductRow[];
  form: ProductForm;
  sell: SellFormValues;
  error?: string | undefined;
  errorAt?: "product" | "sell" | undefined;
}) {
  const { t } = view;
  const base = `/admin/ticketing/events/${encodeURIComponent(eventId)}`;
  const sellProducts = products.filter((product) => product.active).map((product) => ({ id: product.id, name: product.name, prices: product.prices.filter((price) => price.active) }));
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
              <th scope="col">{t("product_admin.prices")}</th>
              <th scope="col">{t("box_office.issued")}</th>
              <th scope="col">{t("product_admin.limits")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("product_admin.edit")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {products.map((product) => (
              <tr>
                <td data-label={t("box_office.product")} safe>
                  {product.active ? product.name : `${product.name} (${t("product_admin.inactive")})`}
                </td>
                <td data-label={t("product_admin.prices")}>
                  <PriceList view={view} prices={product.prices} />
                </td>
                <td data-label={t("box_office.issued")} safe>
                  {product.quota === null ? String(product.issued) : `${product.issued} / ${product.quota}`}
                </td>
                <td data-label={t("product_admin.limits")} safe>
                  {limitsText(view, product)}
                </td>
                <td>
                  <a class="button" href={`/admin/ticketing/products/${encodeURIComponent(product.id)}`} aria-label={t("product_admin.edit_named", { name: product.name })}>
                    {t("product_admin.edit")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {products.length > 0 && <SellForm view={view} eventId={eventId} products={sellProducts} form={sell} error={errorAt === "sell" ? error : undefined} />}
      <p>
        <a class="standalone" href={`/admin/ticketing/orders?event=${encodeURIComponent(eventId)}`}>
          {t("orders.event_filter")}
        </a>
      </p>
      <form method="post" action={`${base}/products#add-product`} class="form" id="add-product">
        <h3>{t("box_office.add_product")}</h3>
        {errorAt === "product" && error ? (
          <p class="notice error">{error /* already HTML: t() escapes its variables */}</p>
        ) : null}
        <ProductSettingsFields view={view} form={form} adding={true} />
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
  /** The order it was sold in (null when issued by hand before orders existed). */
  readonly orderId?: string | null | undefined;
  /** Its order's reference when that order is not paid yet (held or to pay on site): the door answers `unpaid`. */
  readonly unpaidOrderReference?: string | undefined;
}

export function TicketPage({
  view,
  ticket,
  qrSvg,
  notice,
  error,
  printers = [],
  mailOff = false,
  printedOn,
}: {
  view: View;
  ticket: TicketView;
  qrSvg: string;
  notice?: string | undefined;
  error?: string | undefined;
  /** Active thermal printers: a print button when there is one (http/ticketing-mail.ts). */
  printers?: ReadonlyArray<{ id: string; name: string }>;
  /** E-mail is not configured: the ticket is shown and printed only. */
  mailOff?: boolean;
  /** The printer a print of this ticket was just queued for. */
  printedOn?: string | undefined;
}) {
  const { t } = view;
  return (
    <Layout view={view} title={t("ticket.title", { title: ticket.eventTitle })} titleIsHtml>
      <Notices notice={notice} error={error} />
      {ticket.state === "valid" && ticket.orderId && ticket.unpaidOrderReference !== undefined && (
        <div class="notice warning no-print" role="status" data-testid="ticket-unpaid">
          <p>{t("ticket.unpaid", { reference: ticket.unpaidOrderReference })}</p>
          <p>
            <a class="standalone" href={`/admin/ticketing/orders/${encodeURIComponent(ticket.orderId)}#pay_method`}>
              {t("ticket.unpaid_link", { reference: ticket.unpaidOrderReference })}
            </a>
          </p>
        </div>
      )}
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
      {/* A tablet or phone has no Ctrl+P: the button opens the browser's print dialog (app.js). */}
      <p class="no-print">
        <button type="button" data-print>
          {t("ticket.print_page")}
        </button>
      </p>
      {printedOn !== undefined && <Notices notice={t("ticket.print_queued", { printer: printedOn })} />}
      {ticket.state === "valid" && printers.length > 0 && (
        <form method="post" action={`/admin/ticketing/tickets/${encodeURIComponent(ticket.id)}/print`} class="no-print">
          <CsrfField view={view} />
          {printers.length > 1 && (
            <>
              <label for="printer_id">{t("ticket.printer")}</label>
              <select id="printer_id" name="printer_id">
                {printers.map((printer) => (
                  <option value={printer.id} safe>
                    {printer.name}
                  </option>
                ))}
              </select>
            </>
          )}
          <button type="submit">{t("ticket.print_thermal")}</button>
        </form>
      )}
      {mailOff && <p class="muted no-print">{t("ticket.no_email")}</p>}
      {ticket.state === "valid" && (
        <form method="post" action={`/admin/ticketing/tickets/${encodeURIComponent(ticket.id)}/revoke`} class="no-print" data-confirm={t("confirm.ticket_revoke")}>
          <CsrfField view={view} />
          <button type="submit" class="danger">
            {t("ticket.revoke")}
          </button>
        </form>
      )}
      {ticket.orderId ? (
        <p class="no-print">
          <a class="standalone" href={`/admin/ticketing/orders/${encodeURIComponent(ticket.orderId)}`}>
            {t("ticket.order")}
          </a>
        </p>
      ) : null}
      <p class="no-print">
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(ticket.eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
