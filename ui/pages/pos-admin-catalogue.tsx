/**
 * The catalogue's pages: items (admins build them, managers change prices and stock), categories
 * with their colours, points of sale, VAT rates, payment methods. A refused form comes back as it
 * was typed, with the refusal on top.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { amountText, CatalogueTabs, Check, paymentMethodKey, posKindKey, rateText } from "./pos-admin-common.tsx";
import { formatEuros, Notices } from "./wallet-common.tsx";

export interface PointOfSaleRow {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly active: boolean;
}

export interface CategoryRow {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  readonly position: number;
}

export interface VatRateRow {
  readonly rateBp: number;
  readonly label: string;
  readonly active: boolean;
}

export interface PaymentMethodRow {
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
}

export interface ItemPriceRow {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly amount: number;
  readonly memberAmount: number | null;
}

export interface ItemRow {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string | null;
  readonly vatRateBp: number;
  readonly printGroup: string;
  readonly acceptedAssets: readonly string[];
  readonly paymentMethods: readonly string[];
  readonly stock: number | null;
  readonly lowStockThreshold: number | null;
  readonly position: number;
  readonly active: boolean;
  /** A membership product: selling it grants this many days of membership. */
  readonly membershipDays: number | null;
  /** Sold only to a card whose member holds a valid membership. */
  readonly memberOnly: boolean;
  readonly pointsOfSale: readonly string[];
  readonly prices: readonly ItemPriceRow[];
}

/** What the item form offers to choose from. */
export interface ItemChoices {
  readonly pointsOfSale: readonly PointOfSaleRow[];
  readonly categories: readonly CategoryRow[];
  readonly vatRates: readonly VatRateRow[];
  readonly assets: ReadonlyArray<{ readonly code: string; readonly name: string }>;
  readonly paymentMethods: readonly PaymentMethodRow[];
}

/** A price row as typed ("3,50"); an empty row is dropped. */
export interface PriceForm {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly amount: string;
  readonly member: string;
}

/** The item form as typed, so that a refused form comes back as it was sent. */
export interface ItemForm {
  readonly name: string;
  readonly pointsOfSale: readonly string[];
  readonly categoryId: string;
  readonly prices: readonly PriceForm[];
  readonly vatRateBp: string;
  readonly printGroup: string;
  readonly acceptedAssets: readonly string[];
  readonly paymentMethods: readonly string[];
  readonly stock: string;
  readonly lowStockThreshold: string;
  readonly position: string;
  readonly active: boolean;
  readonly membershipDays: string;
  readonly memberOnly: boolean;
}

/** Price rows shown: the item's, then one empty row to add a price (ten in all at most). */
export const PRICE_ROWS_MAX = 10;

export function emptyItemForm(choices: ItemChoices): ItemForm {
  const main = choices.pointsOfSale.find((pos) => pos.active);
  return {
    name: "",
    pointsOfSale: main ? [main.code] : [],
    categoryId: "",
    prices: [],
    vatRateBp: String(choices.vatRates.find((rate) => rate.active)?.rateBp ?? ""),
    printGroup: "",
    acceptedAssets: [],
    paymentMethods: [],
    stock: "",
    lowStockThreshold: "",
    position: "0",
    active: true,
    membershipDays: "",
    memberOnly: false,
  };
}

export function itemForm(view: View, item: ItemRow): ItemForm {
  return {
    ...item,
    categoryId: item.categoryId ?? "",
    vatRateBp: String(item.vatRateBp),
    prices: item.prices.map((price) => ({ id: price.id, label: price.label, kind: price.kind, amount: amountText(view, price.amount), member: amountText(view, price.memberAmount) })),
    stock: item.stock === null ? "" : String(item.stock),
    lowStockThreshold: item.lowStockThreshold === null ? "" : String(item.lowStockThreshold),
    position: String(item.position),
    membershipDays: item.membershipDays === null ? "" : String(item.membershipDays),
    memberOnly: item.memberOnly,
  };
}

export function isLowStock(item: Pick<ItemRow, "stock" | "lowStockThreshold">): boolean {
  return item.stock !== null && item.lowStockThreshold !== null && item.stock <= item.lowStockThreshold;
}

function PriceRows({ view, prices }: { view: View; prices: readonly PriceForm[] }) {
  const { t } = view;
  const rows = [...prices, ...Array.from({ length: Math.max(1, 2 - prices.length) }, () => ({ id: "", label: "", kind: "fixed", amount: "", member: "" }))].slice(0, PRICE_ROWS_MAX);
  return (
    <fieldset>
      <legend>{t("pos_items.prices")}</legend>
      <small id="prices_help">{t("pos_items.prices_help")}</small>
      <input type="hidden" name="price_rows" value={String(rows.length)} />
      {rows.map((price, index) => (
        <div class="price-row">
          <input type="hidden" name={`price_${index}_id`} value={price.id} />
          <label for={`price_${index}_label`}>{t("pos_items.price_label", { n: index + 1 })}</label>
          <input id={`price_${index}_label`} name={`price_${index}_label`} value={price.label} aria-describedby="prices_help" />
          <label for={`price_${index}_kind`}>{t("pos_items.price_kind")}</label>
          <select id={`price_${index}_kind`} name={`price_${index}_kind`}>
            <option value="fixed" selected={price.kind !== "free"}>
              {t("pos_items.kind_fixed")}
            </option>
            <option value="free" selected={price.kind === "free"}>
              {t("pos_items.kind_free")}
            </option>
          </select>
          <label for={`price_${index}_amount`}>{t("pos_items.amount")}</label>
          <input id={`price_${index}_amount`} name={`price_${index}_amount`} inputmode="decimal" value={price.amount} aria-describedby="prices_help" />
          <label for={`price_${index}_member`}>{t("pos_items.member_amount")}</label>
          <input id={`price_${index}_member`} name={`price_${index}_member`} inputmode="decimal" value={price.member} />
        </div>
      ))}
    </fieldset>
  );
}

function StockFields({ view, form }: { view: View; form: ItemForm }) {
  const { t } = view;
  return (
    <>
      <label for="stock">{t("pos_items.stock")}</label>
      <input id="stock" name="stock" inputmode="numeric" value={form.stock} aria-describedby="stock_help" />
      <small id="stock_help">{t("pos_items.stock_help")}</small>
      <label for="low_stock_threshold">{t("pos_items.low_stock_threshold")}</label>
      <input id="low_stock_threshold" name="low_stock_threshold" inputmode="numeric" value={form.lowStockThreshold} />
    </>
  );
}

/** The whole item form (admins). */
function ItemFields({ view, form, choices }: { view: View; form: ItemForm; choices: ItemChoices }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      <label for="name">{t("pos_items.name")}</label>
      <input id="name" name="name" required value={form.name} />
      <fieldset class="choices">
        <legend>{t("pos_items.points_of_sale")}</legend>
        {choices.pointsOfSale.map((pos) => (
          <Check name={`pos_${pos.code}`} checked={form.pointsOfSale.includes(pos.code)}>
            <span safe>{pos.name}</span>
          </Check>
        ))}
      </fieldset>
      <label for="category_id">{t("pos_items.category")}</label>
      <select id="category_id" name="category_id">
        <option value="">{t("pos_items.no_category")}</option>
        {choices.categories.map((category) => (
          <option value={category.id} selected={category.id === form.categoryId} safe>
            {category.name}
          </option>
        ))}
      </select>
      <PriceRows view={view} prices={form.prices} />
      <label for="vat_rate_bp">{t("pos_items.vat_rate")}</label>
      <select id="vat_rate_bp" name="vat_rate_bp">
        {choices.vatRates
          .filter((rate) => rate.active || String(rate.rateBp) === form.vatRateBp)
          .map((rate) => (
            <option value={String(rate.rateBp)} selected={String(rate.rateBp) === form.vatRateBp}>
              {rateText(view, rate.rateBp)}
            </option>
          ))}
      </select>
      <label for="print_group">{t("pos_items.print_group")}</label>
      <input id="print_group" name="print_group" value={form.printGroup} aria-describedby="print_group_help" />
      <small id="print_group_help">{t("pos_items.print_group_help")}</small>
      <fieldset class="choices">
        <legend>{t("pos_items.accepted_assets")}</legend>
        <small>{t("pos_items.all_when_none")}</small>
        {choices.assets.map((asset) => (
          <Check name={`asset_${asset.code}`} checked={form.acceptedAssets.includes(asset.code)}>
            <span safe>{asset.name}</span>
          </Check>
        ))}
      </fieldset>
      <fieldset class="choices">
        <legend>{t("pos_items.payment_methods")}</legend>
        <small>{t("pos_items.all_when_none")}</small>
        {choices.paymentMethods.map((method) => (
          <Check name={`method_${method.code}`} checked={form.paymentMethods.includes(method.code)}>
            {t(paymentMethodKey(method.code))}
          </Check>
        ))}
      </fieldset>
      <StockFields view={view} form={form} />
      <label for="membership_days">{t("pos_items.membership_days")}</label>
      <input id="membership_days" name="membership_days" inputmode="numeric" value={form.membershipDays} aria-describedby="membership_days_help" />
      <small id="membership_days_help">{t("pos_items.membership_days_help")}</small>
      <fieldset class="choices">
        <legend>{t("pos_items.members")}</legend>
        <Check name="member_only" checked={form.memberOnly}>
          {t("pos_items.member_only")}
        </Check>
      </fieldset>
      <label for="position">{t("pos_items.position")}</label>
      <input id="position" name="position" inputmode="numeric" value={form.position} />
      <fieldset class="choices">
        <legend>{t("pos_items.state")}</legend>
        <Check name="active" checked={form.active}>
          {t("pos_items.active")}
        </Check>
      </fieldset>
    </>
  );
}

function PriceList({ view, item }: { view: View; item: ItemRow }) {
  const { t } = view;
  return (
    <ul class="balances">
      {item.prices.map((price) => (
        <li>
          {price.label ? (
            <>
              <span safe>{price.label}</span> :{" "}
            </>
          ) : null}
          {price.kind === "free" ? t("pos_items.free_from", { amount: formatEuros(view, price.amount) }) : formatEuros(view, price.amount)}
          {price.memberAmount !== null ? <> ({t("pos_items.member_short", { amount: formatEuros(view, price.memberAmount) })})</> : null}
        </li>
      ))}
    </ul>
  );
}

interface ItemsPageProps {
  readonly view: View;
  readonly items: readonly ItemRow[];
  readonly choices: ItemChoices;
  /** The add form (admins only). */
  readonly form?: ItemForm | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function ItemList({ view, items, choices }: { view: View; items: readonly ItemRow[]; choices: ItemChoices }) {
  const { t } = view;
  const categories = new Map(choices.categories.map((category) => [category.id, category]));
  const posNames = new Map(choices.pointsOfSale.map((pos) => [pos.code, pos.name]));
  return (
    <table class="items">
      <thead>
        <tr>
          <th scope="col">{t("pos_items.name")}</th>
          <th scope="col">{t("pos_items.category")}</th>
          <th scope="col">{t("pos_items.points_of_sale")}</th>
          <th scope="col">{t("pos_items.prices")}</th>
          <th scope="col">{t("pos_items.vat_rate")}</th>
          <th scope="col">{t("pos_items.stock")}</th>
          <th scope="col">{t("pos_items.state")}</th>
          <th scope="col">
            <span class="visually-hidden">{t("pos_items.edit")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const category = item.categoryId ? categories.get(item.categoryId) : undefined;
          return (
            <tr>
              <th scope="row" data-label={t("pos_items.name")} safe>
                {item.name}
              </th>
              <td data-label={t("pos_items.category")}>
                {category ? (
                  <>
                    <span class="swatch" style={`background:${category.colour}`} aria-hidden="true"></span> <span safe>{category.name}</span>
                  </>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td data-label={t("pos_items.points_of_sale")} safe>
                {item.pointsOfSale.map((code) => posNames.get(code) ?? code).join(", ")}
              </td>
              <td data-label={t("pos_items.prices")}>
                <PriceList view={view} item={item} />
              </td>
              <td data-label={t("pos_items.vat_rate")}>{rateText(view, item.vatRateBp)}</td>
              <td data-label={t("pos_items.stock")}>
                {item.stock === null ? <span class="muted">{t("pos_items.not_followed")}</span> : String(item.stock)}
                {isLowStock(item) ? (
                  <>
                    {" "}
                    <strong class="badge warning">{t("pos_items.low_stock")}</strong>
                  </>
                ) : null}
              </td>
              <td data-label={t("pos_items.state")}>{item.active ? t("pos_items.active") : t("pos_items.inactive")}</td>
              <td>
                <a class="button" href={`/admin/pos/items/${encodeURIComponent(item.id)}`} aria-label={t("pos_items.edit_named", { name: item.name })}>
                  {t("pos_items.edit")}
                </a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function ItemsPage({ view, items, choices, form, notice, error }: ItemsPageProps) {
  const { t } = view;
  const admin = view.operator?.role === "admin";
  return (
    <Layout view={view} title={t("pos_items.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      {items.length === 0 ? <p class="muted">{t("pos_items.none")}</p> : <ItemList view={view} items={items} choices={choices} />}
      {admin && form ? (
        <>
          <h2>{t("pos_items.add")}</h2>
          <form method="post" action="/admin/pos/items" class="form">
            <ItemFields view={view} form={form} choices={choices} />
            <button type="submit" class="primary">
              {t("pos_items.add")}
            </button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/** What a manager sees of an item and may not change. */
function ItemFacts({ view, item, choices }: { view: View; item: ItemRow; choices: ItemChoices }) {
  const { t } = view;
  const category = choices.categories.find((candidate) => candidate.id === item.categoryId);
  const posNames = new Map(choices.pointsOfSale.map((pos) => [pos.code, pos.name]));
  return (
    <dl class="stats">
      <div>
        <dt>{t("pos_items.points_of_sale")}</dt>
        <dd class="text" safe>
          {item.pointsOfSale.map((code) => posNames.get(code) ?? code).join(", ")}
        </dd>
      </div>
      <div>
        <dt>{t("pos_items.category")}</dt>
        <dd class="text" safe>
          {category?.name ?? "—"}
        </dd>
      </div>
      <div>
        <dt>{t("pos_items.vat_rate")}</dt>
        <dd class="text">{rateText(view, item.vatRateBp)}</dd>
      </div>
      <div>
        <dt>{t("pos_items.state")}</dt>
        <dd class="text">{item.active ? t("pos_items.active") : t("pos_items.inactive")}</dd>
      </div>
    </dl>
  );
}

interface ItemEditPageProps {
  readonly view: View;
  readonly item: ItemRow;
  readonly form: ItemForm;
  readonly choices: ItemChoices;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function ItemEditPage({ view, item, form, choices, notice, error }: ItemEditPageProps) {
  const { t } = view;
  const admin = view.operator?.role === "admin";
  return (
    <Layout view={view} title={t("pos_items.edit_title", { name: item.name })} titleIsHtml>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      {isLowStock(item) ? <p class="notice warning">{t("pos_items.low_stock_sentence", { stock: item.stock ?? 0 })}</p> : null}
      {admin ? null : <ItemFacts view={view} item={item} choices={choices} />}
      <form method="post" action={`/admin/pos/items/${encodeURIComponent(item.id)}`} class="form">
        {admin ? (
          <ItemFields view={view} form={form} choices={choices} />
        ) : (
          <>
            <CsrfField view={view} />
            <PriceRows view={view} prices={form.prices} />
            <StockFields view={view} form={form} />
          </>
        )}
        <button type="submit" class="primary">
          {t("pos_items.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/pos/items">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

// Categories.

export interface CategoryForm {
  readonly name: string;
  readonly colour: string;
  readonly position: string;
}

function CategoryFields({ view, form, prefix }: { view: View; form: CategoryForm; prefix: string }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      <label for={`${prefix}name`}>{t("pos_categories.name")}</label>
      <input id={`${prefix}name`} name="name" required value={form.name} />
      <label for={`${prefix}colour`}>{t("pos_categories.colour")}</label>
      <input id={`${prefix}colour`} name="colour" type="color" value={form.colour} />
      <label for={`${prefix}position`}>{t("pos_categories.position")}</label>
      <input id={`${prefix}position`} name="position" inputmode="numeric" value={form.position} />
    </>
  );
}

export function CategoriesPage({ view, categories, form, notice, error }: { view: View; categories: readonly CategoryRow[]; form: CategoryForm; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_categories.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      {categories.length === 0 ? <p class="muted">{t("pos_categories.none")}</p> : null}
      {categories.map((category) => (
        <form method="post" action={`/admin/pos/categories/${encodeURIComponent(category.id)}`} class="form">
          <h2 class="form-title">
            <span class="swatch" style={`background:${category.colour}`} aria-hidden="true"></span> <span safe>{category.name}</span>
          </h2>
          <CategoryFields view={view} form={{ name: category.name, colour: category.colour, position: String(category.position) }} prefix={`c${category.id}_`} />
          <button type="submit">{t("pos_categories.save")}</button>
        </form>
      ))}
      <h2>{t("pos_categories.add")}</h2>
      <form method="post" action="/admin/pos/categories" class="form">
        <CategoryFields view={view} form={form} prefix="new_" />
        <button type="submit" class="primary">
          {t("pos_categories.add")}
        </button>
      </form>
    </Layout>
  );
}

// Points of sale.

export interface PointOfSaleForm {
  readonly code: string;
  readonly name: string;
  readonly kind: string;
  readonly active: boolean;
}

function PointOfSaleFields({ view, form, kinds, editing }: { view: View; form: PointOfSaleForm; kinds: readonly string[]; editing: boolean }) {
  const { t } = view;
  return (
    <>
      <CsrfField view={view} />
      {editing ? null : (
        <>
          <label for="code">{t("pos_points.code")}</label>
          <input id="code" name="code" required value={form.code} aria-describedby="code_help" />
          <small id="code_help">{t("pos_points.code_help")}</small>
        </>
      )}
      <label for="name">{t("pos_points.name")}</label>
      <input id="name" name="name" required value={form.name} />
      <label for="kind">{t("pos_points.kind")}</label>
      <select id="kind" name="kind">
        {kinds.map((kind) => (
          <option value={kind} selected={kind === form.kind}>
            {t(posKindKey(kind))}
          </option>
        ))}
      </select>
      <fieldset class="choices">
        <legend>{t("pos_points.state")}</legend>
        <Check name="active" checked={form.active}>
          {t("pos_points.active")}
        </Check>
      </fieldset>
    </>
  );
}

interface PointsPageProps {
  readonly view: View;
  readonly points: readonly PointOfSaleRow[];
  readonly kinds: readonly string[];
  readonly form: PointOfSaleForm;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function PointsOfSalePage({ view, points, kinds, form, notice, error }: PointsPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_points.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t("pos_points.code")}</th>
            <th scope="col">{t("pos_points.name")}</th>
            <th scope="col">{t("pos_points.kind")}</th>
            <th scope="col">{t("pos_points.state")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("pos_points.edit")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {points.map((pos) => (
            <tr>
              <td data-label={t("pos_points.code")}>
                <code safe>{pos.code}</code>
              </td>
              <td data-label={t("pos_points.name")} safe>
                {pos.name}
              </td>
              <td data-label={t("pos_points.kind")}>{t(posKindKey(pos.kind))}</td>
              <td data-label={t("pos_points.state")}>{pos.active ? t("pos_points.active") : t("pos_points.inactive")}</td>
              <td>
                <a class="button" href={`/admin/pos/points-of-sale/${encodeURIComponent(pos.code)}`} aria-label={t("pos_points.edit_named", { name: pos.name })}>
                  {t("pos_points.edit")}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("pos_points.add")}</h2>
      <form method="post" action="/admin/pos/points-of-sale" class="form">
        <PointOfSaleFields view={view} form={form} kinds={kinds} editing={false} />
        <button type="submit" class="primary">
          {t("pos_points.add")}
        </button>
      </form>
    </Layout>
  );
}

export function PointOfSaleEditPage({ view, code, form, kinds, notice, error }: { view: View; code: string; form: PointOfSaleForm; kinds: readonly string[]; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_points.edit_title", { code })} titleIsHtml>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      <form method="post" action={`/admin/pos/points-of-sale/${encodeURIComponent(code)}`} class="form">
        <PointOfSaleFields view={view} form={form} kinds={kinds} editing={true} />
        <p class="muted">{t("pos_points.deactivate_help")}</p>
        <button type="submit" class="primary">
          {t("pos_points.save")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/pos/points-of-sale">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}

// VAT rates and payment methods.

export interface VatRateForm {
  readonly rate: string;
  readonly label: string;
}

export function VatRatesPage({ view, rates, form, notice, error }: { view: View; rates: readonly VatRateRow[]; form: VatRateForm; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_vat.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t("pos_vat.rate")}</th>
            <th scope="col">{t("pos_vat.label")}</th>
            <th scope="col">{t("pos_vat.state")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("pos_vat.switch")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rates.map((rate) => (
            <tr>
              <th scope="row" data-label={t("pos_vat.rate")}>
                {rateText(view, rate.rateBp)}
              </th>
              <td data-label={t("pos_vat.label")} safe>
                {rate.label}
              </td>
              <td data-label={t("pos_vat.state")}>{rate.active ? t("pos_vat.active") : t("pos_vat.inactive")}</td>
              <td>
                <form method="post" action="/admin/pos/vat-rates" class="inline">
                  <CsrfField view={view} />
                  <input type="hidden" name="rate_bp" value={String(rate.rateBp)} />
                  <input type="hidden" name="label" value={rate.label} />
                  <input type="hidden" name="active" value={rate.active ? "0" : "1"} />
                  <button type="submit">{rate.active ? t("pos_vat.deactivate") : t("pos_vat.activate")}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("pos_vat.help")}</p>
      <h2>{t("pos_vat.add")}</h2>
      <form method="post" action="/admin/pos/vat-rates" class="form narrow">
        <CsrfField view={view} />
        <label for="rate">{t("pos_vat.rate_percent")}</label>
        <input id="rate" name="rate" inputmode="decimal" required value={form.rate} aria-describedby="rate_help" />
        <small id="rate_help">{t("pos_vat.rate_help")}</small>
        <label for="label">{t("pos_vat.label")}</label>
        <input id="label" name="label" value={form.label} />
        <input type="hidden" name="active" value="1" />
        <button type="submit" class="primary">
          {t("pos_vat.add")}
        </button>
      </form>
    </Layout>
  );
}

export function PaymentMethodsPage({ view, methods, notice, error }: { view: View; methods: readonly PaymentMethodRow[]; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_methods.title")}>
      <CatalogueTabs view={view} />
      <Notices notice={notice} error={error} />
      <table>
        <thead>
          <tr>
            <th scope="col">{t("pos_methods.method")}</th>
            <th scope="col">{t("pos_methods.state")}</th>
            <th scope="col">
              <span class="visually-hidden">{t("pos_methods.switch")}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {methods.map((method) => (
            <tr>
              <th scope="row" data-label={t("pos_methods.method")}>
                {t(paymentMethodKey(method.code))}
              </th>
              <td data-label={t("pos_methods.state")}>{method.active ? t("pos_methods.active") : t("pos_methods.inactive")}</td>
              <td>
                <form method="post" action={`/admin/pos/payment-methods/${method.code}`} class="inline">
                  <CsrfField view={view} />
                  <input type="hidden" name="active" value={method.active ? "0" : "1"} />
                  <button type="submit">{method.active ? t("pos_methods.deactivate") : t("pos_methods.activate")}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("pos_methods.help")}</p>
    </Layout>
  );
}
