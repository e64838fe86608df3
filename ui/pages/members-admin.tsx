/**
 * The register's settings pages: membership products (name, duration, price) and custom member
 * fields (label, kind, options, required, order, active). Every user-supplied string is `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { formatEuros, Notices } from "./wallet-common.tsx";
import { MembersTabs } from "./wallet-members.tsx";

export const DURATION_KEYS: Readonly<Record<string, MessageKey>> = {
  rolling_year: "member_products.duration_rolling_year",
  calendar_year: "member_products.duration_calendar_year",
  month: "member_products.duration_month",
  custom: "member_products.duration_custom",
};

export const FIELD_KIND_KEYS: Readonly<Record<string, MessageKey>> = {
  text: "member_fields.kind_text",
  date: "member_fields.kind_date",
  choice: "member_fields.kind_choice",
  checkbox: "member_fields.kind_checkbox",
};

export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly duration: string;
  readonly customDays: number | null;
  readonly amountMinor: number;
  readonly freePrice: boolean;
  readonly active: boolean;
}

export interface ProductForm {
  readonly name: string;
  readonly description: string;
  readonly duration: string;
  readonly customDays: string;
  readonly amount: string;
  readonly freePrice: boolean;
  readonly vatRate: string;
  readonly position: string;
  readonly active: boolean;
}

export const EMPTY_PRODUCT_FORM: ProductForm = { name: "", description: "", duration: "rolling_year", customDays: "", amount: "", freePrice: false, vatRate: "0", position: "0", active: true };

function durationText(view: View, product: Pick<ProductRow, "duration" | "customDays">): string {
  if (product.duration === "custom") return view.t("member_products.custom_days_text", { days: product.customDays ?? 0 });
  return view.t(DURATION_KEYS[product.duration] ?? "member_products.duration_custom");
}

function ProductFields({ view, form }: { view: View; form: ProductForm }) {
  const { t } = view;
  return (
    <>
      <label for="name">{t("member_products.name")}</label>
      <input id="name" name="name" required value={form.name} autocomplete="off" />
      <label for="description">{t("member_products.description")}</label>
      <textarea id="description" name="description" rows="2" safe>
        {form.description}
      </textarea>
      <label for="duration">{t("member_products.duration")}</label>
      <select id="duration" name="duration">
        {Object.entries(DURATION_KEYS).map(([duration, key]) => (
          <option value={duration} selected={duration === form.duration}>
            {t(key)}
          </option>
        ))}
      </select>
      <label for="custom_days">{t("member_products.custom_days")}</label>
      <input id="custom_days" name="custom_days" inputmode="numeric" value={form.customDays} aria-describedby="custom_days_help" />
      <small id="custom_days_help">{t("member_products.custom_days_help")}</small>
      <label for="amount">{t("member_products.amount")}</label>
      <input id="amount" name="amount" inputmode="decimal" required value={form.amount} />
      <label for="vat_rate">{t("member_products.vat_rate")}</label>
      <input id="vat_rate" name="vat_rate" inputmode="decimal" value={form.vatRate} />
      <label for="position">{t("member_products.position")}</label>
      <input id="position" name="position" inputmode="numeric" value={form.position} />
      <fieldset class="choices">
        <legend>{t("member_products.options")}</legend>
        <label>
          <input type="checkbox" name="free_price" value="1" checked={form.freePrice} /> {t("member_products.free_price")}
        </label>
        <label>
          <input type="checkbox" name="active" value="1" checked={form.active} /> {t("member_products.active")}
        </label>
      </fieldset>
    </>
  );
}

export function MemberProductsPage({ view, products, form, error, notice }: { view: View; products: readonly ProductRow[]; form: ProductForm; error?: string | undefined; notice?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("member_products.title")}>
      <MembersTabs view={view} />
      <Notices notice={notice} error={error} />
      {products.length === 0 ? (
        <p>{t("member_products.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("member_products.name")}</th>
              <th scope="col">{t("member_products.duration")}</th>
              <th scope="col">{t("member_products.amount")}</th>
              <th scope="col">{t("member_products.state")}</th>
            </tr>
          </thead>
          <tbody>
            {products.map((product) => (
              <tr>
                <td data-label={t("member_products.name")}>
                  <a class="standalone" href={`/admin/members/products/${product.id}`} safe>
                    {product.name}
                  </a>
                </td>
                <td data-label={t("member_products.duration")}>{durationText(view, product)}</td>
                <td data-label={t("member_products.amount")}>
                  {product.freePrice ? t("member_products.from_amount", { amount: formatEuros(view, product.amountMinor) }) : formatEuros(view, product.amountMinor)}
                </td>
                <td data-label={t("member_products.state")}>{product.active ? t("member_products.on_sale") : t("member_products.withdrawn")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("member_products.add")}</h2>
      <form method="post" action="/admin/members/products" class="form">
        <CsrfField view={view} />
        <ProductFields view={view} form={form} />
        <button type="submit" class="primary">
          {t("member_products.add")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/members">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

export function MemberProductPage({ view, id, form, error, notice }: { view: View; id: string; form: ProductForm; error?: string | undefined; notice?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("member_products.edit_title", { name: form.name })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <form method="post" action={`/admin/members/products/${id}`} class="form">
        <CsrfField view={view} />
        <ProductFields view={view} form={form} />
        <button type="submit" class="primary">
          {t("member_products.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/members/products">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

export interface FieldRow {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly options: readonly string[];
  readonly required: boolean;
  readonly position: number;
  readonly active: boolean;
}

export interface FieldForm {
  readonly label: string;
  readonly kind: string;
  /** One option a line. */
  readonly options: string;
  readonly required: boolean;
  readonly position: string;
  readonly active: boolean;
}

export const EMPTY_FIELD_FORM: FieldForm = { label: "", kind: "text", options: "", required: false, position: "0", active: true };

function FieldFormFields({ view, form, kindLocked }: { view: View; form: FieldForm; kindLocked: boolean }) {
  const { t } = view;
  return (
    <>
      <label for="label">{t("member_fields.label")}</label>
      <input id="label" name="label" required value={form.label} autocomplete="off" />
      <label for="kind">{t("member_fields.kind")}</label>
      <select id="kind" name="kind" disabled={kindLocked}>
        {Object.entries(FIELD_KIND_KEYS).map(([kind, key]) => (
          <option value={kind} selected={kind === form.kind}>
            {t(key)}
          </option>
        ))}
      </select>
      {kindLocked ? <input type="hidden" name="kind" value={form.kind} /> : null}
      <label for="options">{t("member_fields.options")}</label>
      <textarea id="options" name="options" rows="4" aria-describedby="options_help" safe>
        {form.options}
      </textarea>
      <small id="options_help">{t("member_fields.options_help")}</small>
      <label for="position">{t("member_fields.position")}</label>
      <input id="position" name="position" inputmode="numeric" value={form.position} />
      <fieldset class="choices">
        <legend>{t("member_fields.rules")}</legend>
        <label>
          <input type="checkbox" name="required" value="1" checked={form.required} /> {t("member_fields.required")}
        </label>
        <label>
          <input type="checkbox" name="active" value="1" checked={form.active} /> {t("member_fields.active")}
        </label>
      </fieldset>
    </>
  );
}

export function MemberFieldsPage({ view, fields, form, error, notice }: { view: View; fields: readonly FieldRow[]; form: FieldForm; error?: string | undefined; notice?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("member_fields.title")}>
      <MembersTabs view={view} />
      <Notices notice={notice} error={error} />
      <p>{t("member_fields.intro")}</p>
      {fields.length === 0 ? (
        <p>{t("member_fields.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("member_fields.label")}</th>
              <th scope="col">{t("member_fields.kind")}</th>
              <th scope="col">{t("member_fields.required")}</th>
              <th scope="col">{t("member_fields.state")}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((memberField) => (
              <tr>
                <td data-label={t("member_fields.label")}>
                  <a class="standalone" href={`/admin/members/fields/${memberField.id}`} safe>
                    {memberField.label}
                  </a>
                </td>
                <td data-label={t("member_fields.kind")}>
                  {t(FIELD_KIND_KEYS[memberField.kind] ?? "member_fields.kind_text")}
                  {memberField.kind === "choice" ? <span safe>{` (${memberField.options.join(", ")})`}</span> : null}
                </td>
                <td data-label={t("member_fields.required")}>{memberField.required ? t("common.yes") : t("common.no")}</td>
                <td data-label={t("member_fields.state")}>{memberField.active ? t("member_fields.asked") : t("member_fields.inactive")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("member_fields.add")}</h2>
      <form method="post" action="/admin/members/fields" class="form">
        <CsrfField view={view} />
        <FieldFormFields view={view} form={form} kindLocked={false} />
        <button type="submit" class="primary">
          {t("member_fields.add")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/members">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

export function MemberFieldPage({ view, id, form, error, notice }: { view: View; id: string; form: FieldForm; error?: string | undefined; notice?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("member_fields.edit_title", { label: form.label })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <form method="post" action={`/admin/members/fields/${id}`} class="form">
        <CsrfField view={view} />
        <FieldFormFields view={view} form={form} kindLocked={true} />
        <button type="submit" class="primary">
          {t("member_fields.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/members/fields">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
