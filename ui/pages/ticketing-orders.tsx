/**
 * The box office's pages (admins and managers): a ticket type's page with its prices, limits, sale
 * window and VAT; the sell form on an event's page; an order's page (its tickets with their
 * printable QR pages, and the buttons that take the payment, cancel or refund); the orders' list
 * with a search. User text goes out escaped (`safe`, or attributes, which kitajs escapes).
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { eventTime } from "./agenda.tsx";
import { OrderMemberships, type OrderPageMembership } from "./membership-sales.tsx";
import { formatEuros, Notices } from "./wallet-common.tsx";
import { BoxOfficeSelect, type BoxOfficeChoice } from "./box-office-select.tsx";

export const PRICE_KINDS = ["full", "reduced", "member", "free"] as const;
/** What the box office takes: no cashless card here (that is the till's), and pay on site. */
export const SELL_PAYMENTS = ["cash", "terminal", "free", "pay_on_site"] as const;
export const MARK_PAID_METHODS = ["cash", "terminal", "free"] as const;
export const REFUND_FORM_METHODS = ["cash", "terminal", "free", "online"] as const;

/** Cents as typed in a form ("12,50"): integer arithmetic, no float. */
export function centsInput(minor: number): string {
  return `${Math.floor(minor / 100)},${String(minor % 100).padStart(2, "0")}`;
}

function priceKindKey(kind: string): MessageKey {
  return `price_kind.${kind}` as MessageKey;
}

function paymentKey(method: string): MessageKey {
  return `payment_method.${method}` as MessageKey;
}

export function orderStateKey(state: string): MessageKey {
  return `order_state.${state}` as MessageKey;
}

// Ticket types (products) and their prices.

/** A ticket type's form as typed (add on the event page, edit on the product page). */
export interface ProductSettingsForm {
  readonly name: string;
  /** The first price, when adding. */
  readonly price: string;
  readonly quota: string;
  readonly perOrderMax: string;
  readonly perPersonMax: string;
  readonly saleFrom: string;
  readonly saleUntil: string;
  readonly vat: string;
  readonly position: string;
  readonly active: boolean;
}

export const EMPTY_PRODUCT_SETTINGS: ProductSettingsForm = { name: "", price: "", quota: "", perOrderMax: "", perPersonMax: "", saleFrom: "", saleUntil: "", vat: "5,5", position: "0", active: true };

export function ProductSettingsFields({ view, form, adding }: { view: View; form: ProductSettingsForm; adding: boolean }) {
  const { t } = view;
  const id = (name: string) => (adding ? `new_product_${name}` : `product_${name}`);
  return (
    <>
      <CsrfField view={view} />
      <label for={id("name")}>{t("box_office.product")}</label>
      <input id={id("name")} name="name" required maxlength="100" value={form.name} />
      {adding && (
        <>
          <label for={id("price")}>{t("box_office.price")}</label>
          <input id={id("price")} name="price" inputmode="decimal" required placeholder="12,50" value={form.price} />
        </>
      )}
      <label for={id("quota")}>{t("box_office.quota")}</label>
      <input id={id("quota")} name="quota" inputmode="numeric" value={form.quota} />
      <label for={id("per_order_max")}>{t("product_admin.per_order_max")}</label>
      <input id={id("per_order_max")} name="per_order_max" inputmode="numeric" value={form.perOrderMax} />
      <label for={id("per_person_max")}>{t("product_admin.per_person_max")}</label>
      <input id={id("per_person_max")} name="per_person_max" inputmode="numeric" value={form.perPersonMax} />
      <label for={id("sale_from")}>{t("product_admin.sale_from")}</label>
      <input id={id("sale_from")} name="sale_from" type="datetime-local" value={form.saleFrom} aria-describedby={id("sale_help")} />
      <label for={id("sale_until")}>{t("product_admin.sale_until")}</label>
      <input id={id("sale_until")} name="sale_until" type="datetime-local" value={form.saleUntil} aria-describedby={id("sale_help")} />
      <small id={id("sale_help")}>{t("product_admin.sale_help")}</small>
      <label for={id("vat")}>{t("product_admin.vat")}</label>
      <input id={id("vat")} name="vat" inputmode="decimal" required value={form.vat} />
      <label for={id("position")}>{t("product_admin.position")}</label>
      <input id={id("position")} name="position" inputmode="numeric" value={form.position} />
      {!adding && (
        <label class="checkbox">
          <input type="checkbox" name="active" value="1" checked={form.active} /> {t("product_admin.active")}
        </label>
      )}
    </>
  );
}

export interface PriceRow {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly amountMinor: number;
  readonly active: boolean;
  readonly position: number;
}

function PriceFields({ view, price, idPrefix }: { view: View; price: { label: string; kind: string; amount: string; position: string; active: boolean }; idPrefix: string }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      <label for={`${idPrefix}_label`}>{t("product_admin.price_label")}</label>
      <input id={`${idPrefix}_label`} name="label" required maxlength="100" value={price.label} />
      <label for={`${idPrefix}_kind`}>{t("product_admin.price_kind")}</label>
      <select id={`${idPrefix}_kind`} name="kind">
        {PRICE_KINDS.map((kind) => (
          <option value={kind} selected={kind === price.kind}>
            {t(priceKindKey(kind))}
          </option>
        ))}
      </select>
      <label for={`${idPrefix}_amount`}>{t("product_admin.price_amount")}</label>
      <input id={`${idPrefix}_amount`} name="amount" inputmode="decimal" required value={price.amount} />
      <label for={`${idPrefix}_position`}>{t("product_admin.position")}</label>
      <input id={`${idPrefix}_position`} name="position" inputmode="numeric" value={price.position} />
      <label class="checkbox">
        <input type="checkbox" name="active" value="1" checked={price.active} /> {t("product_admin.price_active")}
      </label>
    </>
  );
}

export function ProductPage({
  view,
  product,
  eventTitle,
  form,
  prices,
  notice,
  error,
}: {
  view: View;
  product: { id: string; eventId: string; name: string };
  eventTitle: string;
  form: ProductSettingsForm;
  prices: readonly PriceRow[];
  notice?: string | undefined;
  error?: string | undefined;
}) {
  const { t } = view;
  const base = `/admin/ticketing/products/${encodeURIComponent(product.id)}`;
  return (
    <Layout view={view} title={t("product_admin.title", { name: product.name })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <p class="muted" safe>
        {eventTitle}
      </p>
      <form method="post" action={base} class="form">
        <ProductSettingsFields view={view} form={form} adding={false} />
        <button type="submit" class="primary">
          {t("product_admin.save")}
        </button>
      </form>
      <h2>{t("product_admin.prices")}</h2>
      {prices.map((price) => (
        <form method="post" action={`${base}/prices`} class="form">
          <input type="hidden" name="price_id" value={price.id} />
          <PriceFields view={view} idPrefix={`price_${price.id}`} price={{ label: price.label, kind: price.kind, amount: centsInput(price.amountMinor), position: String(price.position), active: price.active }} />
          <button type="submit">{t("product_admin.price_save")}</button>
        </form>
      ))}
      <form method="post" action={`${base}/prices`} class="form">
        <h3>{t("product_admin.price_add")}</h3>
        <PriceFields view={view} idPrefix="new_price" price={{ label: "", kind: "reduced", amount: "", position: "", active: true }} />
        <button type="submit">{t("product_admin.price_add")}</button>
      </form>
      <p>
        <a class="standalone" href={`/admin/ticketing/events/${encodeURIComponent(product.eventId)}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

// The sell form (on the event's page).

export interface SellProduct {
  readonly id: string;
  readonly name: string;
  readonly prices: readonly { readonly id: string; readonly label: string; readonly kind: string; readonly amountMinor: number }[];
}

export interface SellFormValues {
  readonly idempotencyKey: string;
  readonly quantities: Readonly<Record<string, string>>;
  readonly amounts: Readonly<Record<string, string>>;
  readonly buyerName: string;
  readonly buyerEmail: string;
  readonly buyerPhone: string;
  readonly holders: string;
  readonly payment: string;
  /** The open box offices (a select when several) and the one chosen (box-office-select.tsx). */
  readonly boxOffices?: readonly BoxOfficeChoice[] | undefined;
  readonly pointOfSale?: string | undefined;
}

export function emptySellForm(idempotencyKey: string): SellFormValues {
  return { idempotencyKey, quantities: {}, amounts: {}, buyerName: "", buyerEmail: "", buyerPhone: "", holders: "", payment: "cash" };
}

export function SellForm({ view, eventId, products, form, error }: { view: View; eventId: string; products: readonly SellProduct[]; form: SellFormValues; error?: string | undefined }) {
  const { t } = view;
  const onSale = products.filter((product) => product.prices.length > 0);
  if (onSale.length === 0) return <p class="muted">{t("sell.nothing_on_sale")}</p>;
  return (
    <form method="post" action={`/admin/ticketing/events/${encodeURIComponent(eventId)}/orders#sell`} class="form" id="sell">
      {error ? (
        <p class="notice error">{error /* already HTML: t() escapes its variables */}</p>
      ) : null}
      <CsrfField view={view} />
      <input type="hidden" name="idempotency_key" value={form.idempotencyKey} />
      <h3>{t("sell.title")}</h3>
      {onSale.map((product) => (
        <fieldset>
          <legend safe>{product.name}</legend>
          {product.prices.map((price) => {
            const name = `${price.label} · ${formatEuros(view, price.amountMinor)}`;
            return (
              <div class="sell-price">
                <label for={`qty_${price.id}`} safe>
                  {price.kind === "free" ? `${name} (${t(priceKindKey("free"))})` : name}
                </label>
                <input id={`qty_${price.id}`} name={`qty_${price.id}`} type="number" min="0" max="50" inputmode="numeric" value={form.quantities[price.id] ?? ""} />
                {price.kind === "free" && (
                  <>
                    <label for={`amount_${price.id}`}>{t("sell.amount")}</label>
                    <input id={`amount_${price.id}`} name={`amount_${price.id}`} inputmode="decimal" placeholder={centsInput(price.amountMinor)} value={form.amounts[price.id] ?? ""} />
                  </>
                )}
              </div>
            );
          })}
        </fieldset>
      ))}
      <label for="buyer_name">{t("sell.buyer_name")}</label>
      <input id="buyer_name" name="buyer_name" maxlength="200" value={form.buyerName} autocomplete="off" />
      <label for="buyer_email">{t("sell.buyer_email")}</label>
      <input id="buyer_email" name="buyer_email" type="email" maxlength="200" value={form.buyerEmail} autocomplete="off" />
      <label for="buyer_phone">{t("sell.buyer_phone")}</label>
      <input id="buyer_phone" name="buyer_phone" type="tel" maxlength="24" value={form.buyerPhone} autocomplete="off" />
      <label for="holders">{t("sell.holders")}</label>
      <textarea id="holders" name="holders" rows="3" safe>
        {form.holders}
      </textarea>
      <fieldset>
        <legend>{t("sell.payment")}</legend>
        {SELL_PAYMENTS.map((method) => (
          <label class="checkbox">
            <input type="radio" name="payment" value={method} checked={method === form.payment} /> {t(paymentKey(method))}
          </label>
        ))}
      </fieldset>
      <BoxOfficeSelect view={view} boxOffices={form.boxOffices} chosen={form.pointOfSale} />
      <button type="submit" class="primary">
        {t("sell.submit")}
      </button>
    </form>
  );
}

// Orders.

export interface OrderListRow {
  readonly id: string;
  readonly reference: string;
  readonly state: string;
  readonly buyerName: string;
  readonly buyerEmail: string;
  readonly totalMinor: number;
  readonly createdAtMs: number;
}

export function OrdersPage({ view, orders, query, eventId, eventTitle }: { view: View; orders: readonly OrderListRow[]; query: string; eventId?: string | undefined; eventTitle?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("orders.title")}>
      {eventTitle !== undefined && (
        <p class="muted" safe>
          {eventTitle}
        </p>
      )}
      <form method="get" action="/admin/ticketing/orders" class="inline" role="search">
        <label for="q">{t("orders.search")}</label>
        <input id="q" name="q" type="search" value={query} maxlength="200" />
        {eventId !== undefined && <input type="hidden" name="event" value={eventId} />}
        <button type="submit">{t("orders.search_submit")}</button>
      </form>
      {orders.length === 0 ? (
        <p class="muted">{t("orders.empty")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("orders.reference")}</th>
              <th scope="col">{t("orders.buyer")}</th>
              <th scope="col">{t("orders.state")}</th>
              <th scope="col">{t("orders.total")}</th>
              <th scope="col">{t("orders.created")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("orders.open")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {orders.map((order) => (
              <tr>
                <td data-label={t("orders.reference")}>
                  <code safe>{order.reference}</code>
                </td>
                <td data-label={t("orders.buyer")} safe>
                  {[order.buyerName, order.buyerEmail].filter(Boolean).join(" · ")}
                </td>
                <td data-label={t("orders.state")}>{t(orderStateKey(order.state))}</td>
                <td data-label={t("orders.total")} safe>
                  {formatEuros(view, order.totalMinor)}
                </td>
                <td data-label={t("orders.created")} safe>
                  {eventTime(view, order.createdAtMs)}
                </td>
                <td>
                  <a class="button" href={`/admin/ticketing/orders/${encodeURIComponent(order.id)}`} aria-label={t("orders.open_named", { reference: order.reference })}>
                    {t("orders.open")}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export interface OrderView extends OrderListRow {
  readonly channel: string;
  readonly buyerPhone: string;
  readonly memberId: string | null;
  readonly paymentMethod: string | null;
  readonly holdUntilMs: number | null;
  /** The point-of-sale sale that took the payment (box office in cash or by terminal, or the till), if any. */
  readonly sale?: { readonly number: number; readonly voided: boolean } | undefined;
  /** The open box offices, for taking a payment in cash or by terminal (a select when several). */
  readonly boxOffices?: readonly BoxOfficeChoice[] | undefined;
  readonly lines: readonly { readonly kind: string; readonly label: string; readonly unitMinor: number; readonly quantity: number; readonly amountMinor: number }[];
  readonly tickets: readonly { readonly id: string; readonly holderName: string; readonly productName: string; readonly priceLabel: string | null; readonly state: string; readonly eventTitle: string }[];
}

function MethodSelect({ view, id, methods }: { view: View; id: string; methods: readonly string[] }) {
  return (
    <select id={id} name="method">
      {methods.map((method) => (
        <option value={method}>{view.t(paymentKey(method))}</option>
      ))}
    </select>
  );
}

function OrderActions({ view, order }: { view: View; order: OrderView }) {
  const { t } = view;
  const base = `/admin/ticketing/orders/${encodeURIComponent(order.id)}`;
  const unpaid = order.state === "held" || order.state === "pay_on_site";
  return (
    <div class="no-print actions">
      {unpaid && (
        <form method="post" action={`${base}/pay`} class="inline">
          <CsrfField view={view} />
          <label for="pay_method">{t("order.payment")}</label>
          <MethodSelect view={view} id="pay_method" methods={order.totalMinor === 0 ? ["free"] : MARK_PAID_METHODS.filter((method) => method !== "free")} />
          {order.totalMinor > 0 && <BoxOfficeSelect view={view} boxOffices={order.boxOffices} chosen={undefined} />}
          <button type="submit" class="primary">
            {t("order.mark_paid")}
          </button>
        </form>
      )}
      {unpaid && (
        <form method="post" action={`${base}/cancel`} class="inline" data-confirm={t("confirm.order_cancel")}>
          <CsrfField view={view} />
          <button type="submit" class="danger">
            {t("order.cancel")}
          </button>
        </form>
      )}
      {order.state === "paid" && order.sale !== undefined && order.channel === "box_office" && (
        <form method="post" action={`${base}/refund`} class="inline" data-confirm={t("confirm.order_refund")}>
          <CsrfField view={view} />
          <button type="submit" class="danger">
            {t("order.refund_by_void", { number: order.sale.number })}
          </button>
        </form>
      )}
      {order.state === "paid" && order.paymentMethod !== "card" && order.sale === undefined && (
        <form method="post" action={`${base}/refund`} class="inline" data-confirm={t("confirm.order_refund")}>
          <CsrfField view={view} />
          <label for="refund_method">{t("order.refund_method")}</label>
          <select id="refund_method" name="method">
            {REFUND_FORM_METHODS.map((method) => (
              <option value={method} selected={method === order.paymentMethod}>
                {t(paymentKey(method))}
              </option>
            ))}
          </select>
          <button type="submit" class="danger">
            {t("order.refund")}
          </button>
        </form>
      )}
    </div>
  );
}

export function OrderPage({
  view,
  order,
  notice,
  error,
  mail,
  memberships = [],
}: {
  view: View;
  order: OrderView;
  notice?: string | undefined;
  error?: string | undefined;
  /** The order's membership line: pending until paid, then its window (membership-sales.tsx). */
  memberships?: readonly OrderPageMembership[];
  /** The tickets mail: whether e-mail is configured, and the state of the order's last tickets mail (http/ticketing-mail.ts). */
  mail?: { readonly configured: boolean; readonly state: "queued" | "sent" | "failed" | undefined; readonly resent?: boolean } | undefined;
}) {
  const { t } = view;
  const unpaid = order.state === "held" || order.state === "pay_on_site";
  return (
    <Layout view={view} title={t("order.title", { reference: order.reference })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <dl class="facts">
        <dt>{t("orders.state")}</dt>
        <dd data-state={order.state}>{t(orderStateKey(order.state))}</dd>
        <dt>{t("orders.buyer")}</dt>
        <dd safe>{[order.buyerName, order.buyerEmail, order.buyerPhone].filter(Boolean).join(" · ") || "—"}</dd>
        <dt>{t("order.channel")}</dt>
        <dd>{t(`order_channel.${order.channel}` as MessageKey)}</dd>
        <dt>{t("order.payment")}</dt>
        <dd>{order.paymentMethod === null ? "—" : t(paymentKey(order.paymentMethod))}</dd>
        {order.sale !== undefined && <dt>{t("order.sale")}</dt>}
        {order.sale !== undefined && <dd>{t("order.sale_number", { number: order.sale.number })}</dd>}
        <dt>{t("orders.total")}</dt>
        <dd safe>{formatEuros(view, order.totalMinor)}</dd>
        <dt>{t("orders.created")}</dt>
        <dd safe>{eventTime(view, order.createdAtMs)}</dd>
      </dl>
      {order.state === "held" && order.holdUntilMs !== null && <p class="muted">{t("order.hold_until", { time: eventTime(view, order.holdUntilMs) })}</p>}
      {unpaid && <p class="warning">{t("order.unpaid_warning")}</p>}
      <h2>{t("order.lines")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("order.line")}</th>
            <th scope="col">{t("order.unit")}</th>
            <th scope="col">{t("order.quantity")}</th>
            <th scope="col">{t("order.amount")}</th>
          </tr>
        </thead>
        <tbody>
          {order.lines.map((line) => (
            <tr>
              <td data-label={t("order.line")} safe>
                {line.kind === "donation" ? t("order.line_donation") : line.label}
              </td>
              <td data-label={t("order.unit")} safe>
                {formatEuros(view, line.unitMinor)}
              </td>
              <td data-label={t("order.quantity")}>{String(line.quantity)}</td>
              <td data-label={t("order.amount")} safe>
                {formatEuros(view, line.amountMinor)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <OrderMemberships view={view} memberships={memberships} />
      {order.tickets.length > 0 && (
        <>
          <h2>{t("order.tickets")}</h2>
          <ul class="tickets">
            {order.tickets.map((ticket) => (
              <li data-ticket-state={ticket.state}>
                <span safe>{`${ticket.eventTitle} · ${ticket.productName}${ticket.priceLabel && ticket.priceLabel !== ticket.productName ? ` · ${ticket.priceLabel}` : ""} · ${ticket.holderName || "—"}`}</span>{" "}
                <span class="muted">({ticket.state === "valid" ? t("order.ticket_valid") : t("order.ticket_revoked")})</span>{" "}
                <a href={`/admin/ticketing/tickets/${encodeURIComponent(ticket.id)}`} aria-label={t("order.ticket_print_named", { name: ticket.holderName || ticket.productName })}>
                  {t("order.ticket_print")}
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
      {mail?.resent && <Notices notice={t("order_mail.resent")} />}
      {/* With e-mail off, "waiting to be sent" beside "no e-mail is sent" reads as a contradiction: the off sentence says it all. */}
      {mail && mail.state !== undefined && !(mail.state === "queued" && !mail.configured) && <p class="muted">{t(`order_mail.${mail.state}`, { email: order.buyerEmail })}</p>}
      {mail && !mail.configured && order.tickets.length > 0 && <p class="muted">{t("email_settings.off")}</p>}
      {mail && mail.configured && order.buyerEmail !== "" && (order.state === "paid" || order.state === "pay_on_site") && order.tickets.some((ticket) => ticket.state === "valid") && (
        <form method="post" action={`/admin/ticketing/orders/${encodeURIComponent(order.id)}/resend`} class="no-print">
          <CsrfField view={view} />
          <button type="submit">{t("order_mail.resend")}</button>
        </form>
      )}
      <OrderActions view={view} order={order} />
      <p class="no-print">
        <a class="standalone" href="/admin/ticketing/orders">
          {t("orders.title")}
        </a>
      </p>
    </Layout>
  );
}
