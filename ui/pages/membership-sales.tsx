/**
 * Selling memberships: the public page `/adhesion` (the venue's active membership products with
 * their duration and price, a form: product, chosen amount for a free price, name, e-mail, phone,
 * the venue's custom member fields, pay on site or online) and the box office's form
 * (`/admin/members/sell`, the same form with cash, terminal, free or pay on site). Every
 * user-supplied text (product names, descriptions, field labels) is rendered with `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatDate, type View } from "../view.ts";
import { decimalText, formatEuros, Notices } from "./wallet-common.tsx";
import { FieldInputs, MembersTabs, type FieldView } from "./wallet-members.tsx";
import { BoxOfficeSelect, type BoxOfficeChoice } from "./box-office-select.tsx";

export interface MembershipOffer {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly duration: string;
  readonly customDays: number | null;
  readonly amountMinor: number;
  readonly freePrice: boolean;
}

export interface MembershipSaleFormProps {
  readonly view: View;
  readonly action: string;
  readonly products: readonly MembershipOffer[];
  readonly fields: readonly FieldView[];
  /** The payment choices offered, in order (the first is chosen by default). */
  readonly payments: readonly string[];
  /** The idempotency key of this form: a double submit makes one order. */
  readonly orderKey: string;
  readonly typed: ReadonlyMap<string, string>;
  /** The member sold to (box office, from a member's page): no buyer fields then. */
  readonly member?: { readonly id: string; readonly name: string } | undefined;
  readonly error?: string | undefined;
  /** The box office: its open points of sale of kind box_office (a select when several; box-office-select.tsx). */
  readonly boxOffices?: readonly BoxOfficeChoice[] | undefined;
}

export function durationText(view: View, offer: Pick<MembershipOffer, "duration" | "customDays">): string {
  const { t } = view;
  switch (offer.duration) {
    case "rolling_year":
      return t("membership_sale.duration_rolling_year");
    case "calendar_year":
      return t("membership_sale.duration_calendar_year");
    case "month":
      return t("membership_sale.duration_month");
    default:
      return t("membership_sale.duration_days", { count: offer.customDays ?? 0 });
  }
}

function paymentKey(choice: string): MessageKey {
  return `membership_sale.pay_${choice}` as MessageKey;
}

export function MembershipSaleForm({ view, action, products, fields, payments, orderKey, typed, member, error, boxOffices }: MembershipSaleFormProps) {
  const { t } = view;
  const chosenProduct = typed.get("product_id") ?? (products.length === 1 ? products[0]!.id : "");
  const chosenPayment = typed.get("payment") ?? payments[0] ?? "";
  const separator = view.lang === "fr" ? "," : ".";
  return (
    <form method="post" action={action} class="form narrow membership-sale">
      <Notices error={error} />
      <CsrfField view={view} />
      <input type="hidden" name="order_key" value={orderKey} />
      {member ? <input type="hidden" name="member_id" value={member.id} /> : null}
      <fieldset class="choices">
        <legend>{t("membership_sale.product")}</legend>
        {products.map((product) => (
          <div class="membership-offer">
            <label>
              <input type="radio" name="product_id" value={product.id} checked={chosenProduct === product.id} required />
              <span>
                <strong safe>{product.name}</strong>
                {" · "}
                {durationText(view, product)}
                {" · "}
                {product.freePrice ? t("membership_sale.free_price_from", { amount: formatEuros(view, product.amountMinor) }) : formatEuros(view, product.amountMinor)}
              </span>
            </label>
            {product.description ? (
              <p class="muted" safe>
                {product.description}
              </p>
            ) : null}
            {product.freePrice ? (
              <>
                <label for={`a_${product.id}`}>{t("membership_sale.free_amount", { name: product.name })}</label>
                <input
                  id={`a_${product.id}`}
                  name={`a_${product.id}`}
                  inputmode="decimal"
                  size="6"
                  value={typed.get(`a_${product.id}`) ?? decimalText(product.amountMinor, 2, separator)}
                  aria-describedby={`a_${product.id}_help`}
                />
                <small id={`a_${product.id}_help`}>{t("membership_sale.free_minimum", { amount: formatEuros(view, product.amountMinor) })}</small>
              </>
            ) : null}
          </div>
        ))}
      </fieldset>
      {member ? (
        <p>
          {t("membership_sale.member")} <strong safe>{member.name}</strong>
        </p>
      ) : (
        <>
          <label for="buyer_name">{t("membership_sale.name")}</label>
          <input id="buyer_name" name="buyer_name" required maxlength="200" autocomplete="name" value={typed.get("buyer_name") ?? ""} />
          <label for="buyer_email">{t("membership_sale.email")}</label>
          <input id="buyer_email" name="buyer_email" type="email" required maxlength="200" autocomplete="email" value={typed.get("buyer_email") ?? ""} />
          <label for="buyer_phone">{t("membership_sale.phone")}</label>
          <input id="buyer_phone" name="buyer_phone" type="tel" maxlength="24" autocomplete="tel" value={typed.get("buyer_phone") ?? ""} />
        </>
      )}
      {fields.some((field) => field.active) ? <small>{t(member ? "membership_sale.fields_help_member" : "membership_sale.fields_help")}</small> : null}
      <FieldInputs view={view} fields={member ? fields.map((field) => ({ ...field, required: false })) : fields} values={Object.fromEntries(fields.map((field) => [field.id, typed.get(`field_${field.id}`) ?? ""]))} />
      <fieldset class="choices">
        <legend>{t("membership_sale.payment")}</legend>
        {payments.map((choice) => (
          <label>
            <input type="radio" name="payment" value={choice} checked={chosenPayment === choice} />
            <span>{t(paymentKey(choice))}</span>
          </label>
        ))}
      </fieldset>
      <BoxOfficeSelect view={view} boxOffices={boxOffices} chosen={typed.get("point_of_sale")} />
      <button type="submit" class="primary">
        {t("membership_sale.submit")}
      </button>
    </form>
  );
}

export interface MembershipPublicPageProps extends Omit<MembershipSaleFormProps, "action" | "member"> {
  /** Nothing can be bought (no active product, online sales closed, no payment offered). */
  readonly closed: boolean;
}

export function MembershipPublicPage(props: MembershipPublicPageProps) {
  const { view } = props;
  const { t } = view;
  return (
    <Layout view={view} title={t("membership_sale.title")}>
      {/* "Choose your membership ... pay online or on site" would contradict "not sold online" just under it. */}
      {props.closed ? <p>{t("membership_sale.closed")}</p> : <p>{t("membership_sale.intro")}</p>}
      {props.closed ? null : <MembershipSaleForm {...props} action="/adhesion" />}
      <p>
        <a class="standalone" href="/agenda">
          {t("membership_sale.to_agenda")}
        </a>
      </p>
    </Layout>
  );
}

export function MembershipBoxOfficePage(props: Omit<MembershipSaleFormProps, "action">) {
  const { view } = props;
  const { t } = view;
  return (
    <Layout view={view} title={t("membership_sale.box_office_title")}>
      <MembersTabs view={view} />
      {props.products.length === 0 ? (
        <p>
          {t("members.no_products")}{" "}
          <a class="standalone" href="/admin/members/products">
            {t("members.products_link")}
          </a>
        </p>
      ) : (
        <MembershipSaleForm {...props} action="/admin/members/sell" />
      )}
    </Layout>
  );
}

/** A membership line of an order, for the order pages: pending until paid, then its window. */
export type OrderPageMembership =
  | { readonly state: "pending"; readonly label: string }
  | { readonly state: "granted"; readonly label: string; readonly validFromMs: number; readonly validUntilMs: number; readonly ended: boolean };

export function OrderMemberships({ view, memberships }: { view: View; memberships: readonly OrderPageMembership[] }) {
  const { t } = view;
  return (
    <>
      {memberships.map((membership) =>
        membership.state === "pending" ? (
          <p class="order-membership">{t("membership_sale.order_membership_pending")}</p>
        ) : membership.ended ? (
          <p class="order-membership">{t("membership_sale.order_membership_ended", { label: membership.label })}</p>
        ) : (
          <p class="order-membership" data-testid="order-membership">
            {t("membership_sale.order_membership", {
              label: membership.label,
              from: formatDate(view, membership.validFromMs),
              // until is exclusive: the last covered day is until - 1 ms.
              until: formatDate(view, membership.validUntilMs - 1),
            })}
          </p>
        ),
      )}
    </>
  );
}
