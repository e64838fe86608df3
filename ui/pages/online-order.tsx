/**
 * Online orders, public side: the order form on an event's agenda page (quantities per price, a
 * chosen amount for a free price, an optional donation, the buyer's name and e-mail, pay on site
 * or online), and the buyer's order page reached by its private link (tickets with their QR code
 * once paid or to pay on site; "payment pending" while held; expired, cancelled, refunded).
 * Every user-supplied text (names, labels, titles) is rendered with `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";
import { durationText, OrderMemberships, type MembershipOffer, type OrderPageMembership } from "./membership-sales.tsx";
import { FieldInputs, type FieldView } from "./wallet-members.tsx";
import { decimalText, formatEuros, Notices } from "./wallet-common.tsx";

export interface OrderFormPrice {
  readonly id: string;
  readonly productName: string;
  readonly label: string;
  readonly kind: "full" | "reduced" | "free" | "member";
  readonly amountMinor: number;
  /** Places left for the product (null: not limited); 0 shows "sold out". */
  readonly left: number | null;
  readonly perOrderMax: number | null;
}

export interface OrderFormProps {
  readonly view: View;
  readonly eventId: string;
  readonly prices: readonly OrderFormPrice[];
  readonly payOnSite: boolean;
  readonly payOnline: boolean;
  readonly donations: { readonly minMinor: number } | null;
  /** The idempotency key of this form: a double submit makes one order. */
  readonly orderKey: string;
  /** What the buyer typed, when the form comes back with an error. */
  readonly typed: ReadonlyMap<string, string>;
  readonly error?: string | undefined;
  /** Member mode: the member's link token, sent back as the hidden field `m` (member-prices-online.ts). */
  readonly memberToken?: string | undefined;
  /** Member mode without a valid membership: why no member price is offered. */
  readonly memberNotice?: string | undefined;
  /** "Become a member at the same time": the membership products on sale and the custom fields (ticket-and-membership.ts). */
  readonly membership?: { readonly products: readonly MembershipOffer[]; readonly fields: readonly FieldView[] } | undefined;
}

/** The optional membership of the order form: none, or one product (a chosen amount for a free price), then the custom fields. */
function MembershipOption({ view, products, fields, typed }: { view: View; products: readonly MembershipOffer[]; fields: readonly FieldView[]; typed: ReadonlyMap<string, string> }) {
  const { t } = view;
  const chosen = typed.get("product_id") ?? "";
  const separator = view.lang === "fr" ? "," : ".";
  return (
    <fieldset class="choices order-membership">
      <legend>{t("ticket_membership.title")}</legend>
      <small id="order_membership_help">{t("ticket_membership.help")}</small>
      <label>
        <input type="radio" name="product_id" value="" checked={chosen === ""} /> {t("ticket_membership.none")}
      </label>
      {products.map((product) => (
        <div class="membership-offer">
          <label>
            <input type="radio" name="product_id" value={product.id} checked={chosen === product.id} aria-describedby="order_membership_help" />
            <span>
              <strong safe>{product.name}</strong>
              {" · "}
              {durationText(view, product)}
              {" · "}
              {product.freePrice ? t("membership_sale.free_price_from", { amount: formatEuros(view, product.amountMinor) }) : formatEuros(view, product.amountMinor)}
            </span>
          </label>
          {product.freePrice ? (
            <>
              <label for={`a_${product.id}`}>{t("membership_sale.free_amount", { name: product.name })}</label>
              <input id={`a_${product.id}`} name={`a_${product.id}`} inputmode="decimal" size="6" value={typed.get(`a_${product.id}`) ?? decimalText(product.amountMinor, 2, separator)} aria-describedby={`a_${product.id}_help`} />
              <small id={`a_${product.id}_help`}>{t("membership_sale.free_minimum", { amount: formatEuros(view, product.amountMinor) })}</small>
            </>
          ) : null}
        </div>
      ))}
      {fields.some((field) => field.active) ? <small>{t("ticket_membership.fields_help")}</small> : null}
      <FieldInputs view={view} fields={fields} values={Object.fromEntries(fields.map((field) => [field.id, typed.get(`field_${field.id}`) ?? ""]))} />
    </fieldset>
  );
}

const QUANTITY_MAX = 20;

export function OrderForm({ view, eventId, prices, payOnSite, payOnline, donations, orderKey, typed, error, memberToken, memberNotice, membership }: OrderFormProps) {
  const { t } = view;
  const chosen = typed.get("payment") ?? (payOnline ? "online" : "on_site");
  // A product's only price needs no label of its own ("Tarif réduit", not "Tarif réduit · Plein tarif").
  const pricesPerProduct = new Map<string, number>();
  for (const price of prices) pricesPerProduct.set(price.productName, (pricesPerProduct.get(price.productName) ?? 0) + 1);
  const allSoldOut = prices.every((price) => price.left !== null && price.left <= 0);
  if (allSoldOut && !donations) {
    // Nothing left to buy: no form to fill in for nothing (the waiting list follows, when open).
    return (
      <section class="online-order" aria-labelledby="order-title">
        <h2 id="order-title">{t("online_order.title")}</h2>
        <Notices error={error} />
        {memberNotice ? <p role="status">{memberNotice}</p> : null}
        <p>{t("online_order.all_sold_out")}</p>
      </section>
    );
  }
  return (
    <section class="online-order" aria-labelledby="order-title">
      <h2 id="order-title">{t("online_order.title")}</h2>
      <Notices error={error} />
      {memberNotice ? <p role="status">{memberNotice}</p> : null}
      {/* Sold out, but a donation alone can still be given: say so before the form. */}
      {allSoldOut ? <p>{t("online_order.all_sold_out")}</p> : null}
      <form method="post" action={`/agenda/${encodeURIComponent(eventId)}/order`} class="form narrow">
        <CsrfField view={view} />
        <input type="hidden" name="order_key" value={orderKey} />
        {memberToken ? <input type="hidden" name="m" value={memberToken} /> : null}
        <table class="order-prices">
          <thead>
            <tr>
              <th scope="col">{t("online_order.price")}</th>
              <th scope="col">{t("online_order.amount")}</th>
              <th scope="col">{t("online_order.quantity")}</th>
            </tr>
          </thead>
          <tbody>
            {prices.map((price) => {
              const soldOut = price.left !== null && price.left <= 0;
              const max = Math.min(QUANTITY_MAX, price.perOrderMax ?? QUANTITY_MAX, price.left ?? QUANTITY_MAX);
              return (
                <tr>
                  <th scope="row">
                    <label for={`q_${price.id}`}>
                      <span safe>{price.productName}</span>
                      {pricesPerProduct.get(price.productName) === 1 ? null : (
                        <>
                          {" · "}
                          <span safe>{price.label}</span>
                        </>
                      )}
                    </label>
                  </th>
                  <td>
                    {price.kind === "free" ? (
                      <>
                        <label for={`a_${price.id}`} class="visually-hidden">
                          {t("online_order.free_amount")}
                        </label>
                        <input id={`a_${price.id}`} name={`a_${price.id}`} inputmode="decimal" size="6" value={typed.get(`a_${price.id}`) ?? decimalText(price.amountMinor, 2, view.lang === "fr" ? "," : ".")} />
                        <small>{t("online_order.free_minimum", { amount: formatEuros(view, price.amountMinor) })}</small>
                      </>
                    ) : (
                      formatEuros(view, price.amountMinor)
                    )}
                  </td>
                  <td data-label={t("online_order.quantity")}>
                    {soldOut ? (
                      <span class="badge">{t("online_order.sold_out")}</span>
                    ) : (
                      <input id={`q_${price.id}`} name={`q_${price.id}`} type="number" min="0" max={String(max)} step="1" value={typed.get(`q_${price.id}`) ?? "0"} />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {donations ? (
          <>
            <label for="donation">{t("online_order.donation")}</label>
            <input id="donation" name="donation" inputmode="decimal" value={typed.get("donation") ?? ""} aria-describedby="donation_help" />
            <small id="donation_help">{t("online_order.donation_help", { amount: formatEuros(view, donations.minMinor) })}</small>
          </>
        ) : null}
        {membership ? <MembershipOption view={view} products={membership.products} fields={membership.fields} typed={typed} /> : null}
        <label for="buyer_name">{t("online_order.buyer_name")}</label>
        <input id="buyer_name" name="buyer_name" required maxlength="200" autocomplete="name" value={typed.get("buyer_name") ?? ""} />
        <label for="buyer_email">{t("online_order.buyer_email")}</label>
        <input id="buyer_email" name="buyer_email" type="email" required maxlength="200" autocomplete="email" value={typed.get("buyer_email") ?? ""} />
        <fieldset class="choices">
          <legend>{t("online_order.payment")}</legend>
          {payOnline ? (
            <label>
              <input type="radio" name="payment" value="online" checked={chosen === "online"} /> {t("online_order.pay_online")}
            </label>
          ) : null}
          {payOnSite ? (
            <label>
              <input type="radio" name="payment" value="on_site" checked={chosen === "on_site" || !payOnline} /> {t("online_order.pay_on_site")}
            </label>
          ) : null}
        </fieldset>
        <button type="submit" class="primary">
          {t("online_order.submit")}
        </button>
      </form>
    </section>
  );
}

export interface OrderPageLine {
  readonly label: string;
  readonly quantity: number;
  readonly amountMinor: number;
}

export interface OrderPageTicket {
  readonly id: string;
  readonly eventTitle: string;
  readonly productName: string;
  readonly holderName: string;
  readonly state: "valid" | "revoked";
  /** The QR code as SVG made on the box (trusted markup), or null when it is not shown. */
  readonly qrSvg: string | null;
}

export interface OrderPageProps {
  readonly view: View;
  readonly reference: string;
  readonly state: string;
  readonly buyerName: string;
  readonly totalMinor: number;
  readonly holdUntilMs: number | null;
  readonly lines: readonly OrderPageLine[];
  readonly tickets: readonly OrderPageTicket[];
  /** The order's membership, when it sells one (membership-sales.tsx). */
  readonly memberships?: readonly OrderPageMembership[] | undefined;
  /** The path with ?k= of this page, for the pay and cancel buttons. */
  readonly selfPath: string;
  /** Online payment can be (re)started for this held order. */
  readonly canPay: boolean;
  /** Which return page this is: after paying, after giving up, or the page itself. */
  readonly returned: "paid" | "cancelled" | null;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function stateKey(state: string): MessageKey {
  return `order_state.${state}` as MessageKey;
}

export function OrderPage(props: OrderPageProps) {
  const { view, reference, state, buyerName, totalMinor, holdUntilMs, lines, tickets, selfPath, canPay, returned } = props;
  const { t } = view;
  const [path, query] = selfPath.split("?");
  const action = (verb: string) => `${path}/${verb}?${query}`;
  return (
    <Layout view={view} title={t("order_page.title", { reference })} titleIsHtml={true}>
      {returned === "paid" && state === "held" ? <meta http-equiv="refresh" content="5" /> : null}
      <Notices notice={props.notice} error={props.error} />
      {returned === "paid" && state === "held" ? <p role="status">{t("order_page.confirming")}</p> : null}
      {returned === "cancelled" && state === "held" ? <p role="status">{t("order_page.not_paid")}</p> : null}
      <p class="order-state">
        <strong class={`badge order-${state}`}>{t(stateKey(state))}</strong>
      </p>
      {state === "held" && holdUntilMs !== null ? <p>{t("order_page.held_until", { time: formatTime(view, holdUntilMs) })}</p> : null}
      {/* A membership alone has no tickets to show and no day to come. */}
      {state === "pay_on_site" ? <p>{t(tickets.length > 0 ? "order_page.pay_on_site_help" : "order_page.pay_on_site_no_tickets")}</p> : null}
      <p>
        {t("order_page.buyer")} <span safe>{buyerName}</span>
      </p>
      <table class="order-lines">
        <tbody>
          {lines.map((line) => (
            <tr>
              <th scope="row" safe>
                {line.label}
              </th>
              <td>× {String(line.quantity)}</td>
              <td>{formatEuros(view, line.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("order_page.total")}</th>
            <td></td>
            <td>{formatEuros(view, totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
      {state === "held" ? (
        <div class="actions">
          {canPay ? (
            <form method="post" action={action("pay")} class="inline">
              <CsrfField view={view} />
              <button type="submit" class="primary">
                {t("order_page.pay_now")}
              </button>
            </form>
          ) : null}
          <form method="post" action={action("cancel")} class="inline">
            <CsrfField view={view} />
            <button type="submit">{t("order_page.cancel")}</button>
          </form>
        </div>
      ) : null}
      <OrderMemberships view={view} memberships={props.memberships ?? []} />
      {tickets.some((ticket) => ticket.qrSvg !== null) ? <h2>{t("order_page.tickets")}</h2> : null}
      {tickets
        .filter((ticket) => ticket.qrSvg !== null)
        .map((ticket) => (
          <article class="order-ticket" id={`ticket-${ticket.id}`}>
            <h3>
              <span safe>{ticket.eventTitle}</span> · <span safe>{ticket.productName}</span>
            </h3>
            <p safe>{ticket.holderName}</p>
            <div class="ticket-qr" role="img" aria-label={t("order_page.qr_label")}>
              {ticket.qrSvg}
            </div>
            <p class="muted">{t("order_page.ticket_number", { id: ticket.id })}</p>
          </article>
        ))}
    </Layout>
  );
}

/** The page for an unknown order or a wrong link: the same for both, so links cannot be probed. */
export function OrderUnknownPage({ view }: { view: View }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("order_page.unknown_title")}>
      <p>{t("order_page.unknown")}</p>
    </Layout>
  );
}

/**
 * The step to the provider's payment page. A form may only send its answer to this box (the
 * Content-Security-Policy's form-action 'self', which browsers also apply to the redirect after a
 * form), so the buyer goes on by a refresh and a link, which are plain navigations.
 */
export function CheckoutRedirectPage({ view, url }: { view: View; url: string }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("online_order.to_payment_title")}>
      <meta http-equiv="refresh" content={`0;url=${url}`} />
      <p role="status">{t("online_order.to_payment")}</p>
      <p>
        <a class="standalone" href={url} rel="noreferrer" id="checkout-link">
          {t("online_order.to_payment_link")}
        </a>
      </p>
    </Layout>
  );
}
