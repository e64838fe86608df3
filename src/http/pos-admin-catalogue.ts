/**
 * The catalogue's admin pages: items (admins build them; managers change prices and stock),
 * categories, points of sale, VAT rates and payment methods. Every change goes through the pos
 * catalogue services, which validate it: a refusal comes back in the form and writes nothing; a
 * change is one transaction with its `config.*_saved` record in the event log.
 */
import { appendEvent } from "../auth/index.ts";
import { fail } from "../kernel/index.ts";
import {
  findCategory,
  findItem,
  findPointOfSale,
  listCategories,
  listItems,
  listPaymentMethods,
  listPointsOfSale,
  listVatRates,
  POINT_OF_SALE_KINDS,
  saveCategory,
  saveItem,
  savePaymentMethod,
  savePointOfSale,
  saveVatRate,
  type Item,
  type ItemInput,
} from "../pos/index.ts";
import { listAssetsSql } from "../wallet/index.ts";
import {
  CategoriesPage,
  emptyItemForm,
  itemForm,
  ItemEditPage,
  ItemsPage,
  PaymentMethodsPage,
  PointOfSaleEditPage,
  PointsOfSalePage,
  PRICE_ROWS_MAX,
  VatRatesPage,
  type CategoryForm,
  type ItemChoices,
  type ItemForm,
  type PointOfSaleForm,
  type PriceForm,
  type VatRateForm,
} from "../../ui/pages/pos-admin-catalogue.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { ADMIN, basisPointsText, centsText, checked, eventActor, integerText, optionalIntegerText, STAFF } from "./pos-admin-views.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";

interface PageOptions<F> {
  readonly form?: F | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  readonly status?: number | undefined;
}

function choicesOf(ctx: Ctx): ItemChoices {
  const sqlite = ctx.deps.writer.sqlite;
  return {
    pointsOfSale: listPointsOfSale(sqlite),
    categories: listCategories(sqlite),
    vatRates: listVatRates(sqlite),
    assets: listAssetsSql(sqlite).map((asset) => ({ code: asset.code, name: asset.name })),
    paymentMethods: listPaymentMethods(sqlite),
  };
}

// Items.

function itemsPage(ctx: Ctx, options: PageOptions<ItemForm> = {}): Response {
  const choices = choicesOf(ctx);
  const items = listItems(ctx.deps.writer.sqlite);
  const form = options.form ?? emptyItemForm(choices);
  return html(String(ItemsPage({ view: view(ctx), items, choices, form, notice: options.notice, error: options.error })), options.status ?? 200);
}

function typedPrices(ctx: Ctx): PriceForm[] {
  const rows = Math.min(PRICE_ROWS_MAX, Math.max(0, integerText(field(ctx, "price_rows")) || 0));
  const prices: PriceForm[] = [];
  for (let index = 0; index < rows; index++) {
    const price = {
      id: field(ctx, `price_${index}_id`).trim(),
      label: field(ctx, `price_${index}_label`),
      kind: field(ctx, `price_${index}_kind`) || "fixed",
      amount: field(ctx, `price_${index}_amount`),
      member: field(ctx, `price_${index}_member`),
    };
    // A row left empty is no price (the form always offers one more).
    if (price.label.trim() || price.amount.trim() || price.member.trim()) prices.push(price);
  }
  return prices;
}

/** The whole item form as typed (admins). */
function typedItemForm(ctx: Ctx, choices: ItemChoices): ItemForm {
  return {
    name: field(ctx, "name"),
    pointsOfSale: choices.pointsOfSale.filter((pos) => checked(ctx, `pos_${pos.code}`)).map((pos) => pos.code),
    categoryId: field(ctx, "category_id"),
    prices: typedPrices(ctx),
    vatRateBp: field(ctx, "vat_rate_bp"),
    printGroup: field(ctx, "print_group"),
    acceptedAssets: choices.assets.filter((asset) => checked(ctx, `asset_${asset.code}`)).map((asset) => asset.code),
    paymentMethods: choices.paymentMethods.filter((method) => checked(ctx, `method_${method.code}`)).map((method) => method.code),
    stock: field(ctx, "stock"),
    lowStockThreshold: field(ctx, "low_stock_threshold"),
    position: field(ctx, "position"),
    active: checked(ctx, "active"),
    membershipDays: field(ctx, "membership_days"),
    memberOnly: checked(ctx, "member_only"),
  };
}

/** What a manager may change: prices and stock; the rest stays the item's. */
function typedManagerForm(ctx: Ctx, item: Item): ItemForm {
  return { ...itemForm(view(ctx), item), prices: typedPrices(ctx), stock: field(ctx, "stock"), lowStockThreshold: field(ctx, "low_stock_threshold") };
}

/** The form's text as the catalogue's input: amounts typed in euros become cents (refused when not amounts). */
function itemInput(form: ItemForm, keepPriceIds: boolean): ItemInput {
  return {
    name: form.name,
    pointsOfSale: form.pointsOfSale,
    categoryId: form.categoryId || null,
    prices: form.prices.map((price) => {
      if (!price.amount.trim()) fail(price.kind === "free" ? "free_price_minimum_required" : "amount_invalid", "a price needs an amount (a free price its minimum)");
      return {
        id: keepPriceIds && price.id ? price.id : undefined,
        label: price.label,
        kind: price.kind,
        amount: centsText(price.amount),
        memberAmount: price.member.trim() ? centsText(price.member) : null,
      };
    }),
    vatRateBp: integerText(form.vatRateBp),
    printGroup: form.printGroup,
    acceptedAssets: form.acceptedAssets,
    paymentMethods: form.paymentMethods,
    stock: optionalIntegerText(form.stock),
    lowStockThreshold: optionalIntegerText(form.lowStockThreshold),
    position: form.position.trim() === "" ? 0 : integerText(form.position),
    active: form.active,
    membershipDays: optionalIntegerText(form.membershipDays),
    memberOnly: form.memberOnly,
  };
}

const ITEM_FIELDS = ["name", "categoryId", "vatRateBp", "printGroup", "acceptedAssets", "paymentMethods", "stock", "lowStockThreshold", "position", "active", "pointsOfSale", "membershipDays", "memberOnly"] as const;

/** The fields that differ between two versions of an item, for the event log. */
function changedItemFields(before: Item | undefined, after: Item): string[] {
  if (!before) return [];
  const changed: string[] = ITEM_FIELDS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
  const prices = (item: Item) => JSON.stringify(item.prices.map(({ label, kind, amount, memberAmount }) => [label, kind, amount, memberAmount]));
  if (prices(before) !== prices(after)) changed.push("prices");
  return changed;
}

function saveItemLogged(ctx: Ctx, input: ItemInput, id: string | undefined): Promise<Item> {
  const { deps } = ctx;
  return deps.writer.submit((tx) => {
    const before = id === undefined ? undefined : findItem(tx.sqlite, id);
    const item = saveItem(tx, deps.newId, { ...input, id });
    appendEvent(tx, deps.signer, { kind: "config.item_saved", actor: eventActor(ctx), subject: `item:${item.id}`, detail: { created: !before, changed: changedItemFields(before, item) } });
    return item;
  });
}

async function createItem(ctx: Ctx): Promise<Response> {
  const form = typedItemForm(ctx, choicesOf(ctx));
  const outcome = await attempt(ctx.t, async () => saveItemLogged(ctx, itemInput(form, false), undefined));
  if (!outcome.ok) return itemsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return itemsPage(ctx, { notice: ctx.t("pos_items.created", { name: outcome.value.name }) });
}

function requireItemParam(ctx: Ctx): Item {
  const item = findItem(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!item) fail("item_unknown", "no such item");
  return item;
}

function itemEditPage(ctx: Ctx, item: Item, options: PageOptions<ItemForm> = {}): Response {
  const form = options.form ?? itemForm(view(ctx), item);
  return html(String(ItemEditPage({ view: view(ctx), item, form, choices: choicesOf(ctx), notice: options.notice, error: options.error })), options.status ?? 200);
}

async function editItem(ctx: Ctx): Promise<Response> {
  const item = requireItemParam(ctx);
  const form = ctx.session!.role === "admin" ? typedItemForm(ctx, choicesOf(ctx)) : typedManagerForm(ctx, item);
  const outcome = await attempt(ctx.t, async () => saveItemLogged(ctx, itemInput(form, true), item.id));
  if (!outcome.ok) return itemEditPage(ctx, item, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return itemEditPage(ctx, outcome.value, { notice: ctx.t("pos_items.saved") });
}

// Categories.

const NEW_CATEGORY: CategoryForm = { name: "", colour: "#0b5cad", position: "0" };

function categoriesPage(ctx: Ctx, options: PageOptions<CategoryForm> = {}): Response {
  const categories = listCategories(ctx.deps.writer.sqlite);
  return html(String(CategoriesPage({ view: view(ctx), categories, form: options.form ?? NEW_CATEGORY, notice: options.notice, error: options.error })), options.status ?? 200);
}

function typedCategory(ctx: Ctx): CategoryForm {
  return { name: field(ctx, "name"), colour: field(ctx, "colour"), position: field(ctx, "position") };
}

async function saveCategoryForm(ctx: Ctx, id: string | undefined): Promise<Response> {
  const { deps } = ctx;
  const form = typedCategory(ctx);
  const outcome = await attempt(ctx.t, async () =>
    deps.writer.submit((tx) => {
      const before = id === undefined ? undefined : findCategory(tx.sqlite, id);
      const category = saveCategory(tx, deps.newId, { id, name: form.name, colour: form.colour, position: form.position.trim() === "" ? 0 : integerText(form.position) });
      appendEvent(tx, deps.signer, { kind: "config.category_saved", actor: eventActor(ctx), subject: `category:${category.id}`, detail: { created: !before, name: category.name, colour: category.colour, position: category.position } });
      return category;
    }),
  );
  if (!outcome.ok) return categoriesPage(ctx, { form: id === undefined ? form : undefined, error: outcome.message, status: statusForCode(outcome.code) });
  return categoriesPage(ctx, { notice: ctx.t(id === undefined ? "pos_categories.created" : "pos_categories.saved") });
}

// Points of sale.

const NEW_POINT: PointOfSaleForm = { code: "", name: "", kind: "bar", active: true };

function pointsPage(ctx: Ctx, options: PageOptions<PointOfSaleForm> = {}): Response {
  const points = listPointsOfSale(ctx.deps.writer.sqlite);
  return html(String(PointsOfSalePage({ view: view(ctx), points, kinds: POINT_OF_SALE_KINDS, form: options.form ?? NEW_POINT, notice: options.notice, error: options.error })), options.status ?? 200);
}

function typedPoint(ctx: Ctx, code: string): PointOfSaleForm {
  return { code, name: field(ctx, "name"), kind: field(ctx, "kind"), active: checked(ctx, "active") };
}

function savePointLogged(ctx: Ctx, form: PointOfSaleForm, create: boolean) {
  const { deps } = ctx;
  return deps.writer.submit((tx) => {
    const before = findPointOfSale(tx.sqlite, form.code.trim().toLowerCase());
    if (create && before) fail("point_of_sale_exists", `a point of sale ${before.code} exists already`);
    if (!create && !before) fail("point_of_sale_unknown", "no such point of sale");
    const pos = savePointOfSale(tx, form);
    appendEvent(tx, deps.signer, { kind: "config.point_of_sale_saved", actor: eventActor(ctx), subject: `point_of_sale:${pos.code}`, detail: { created: !before, name: pos.name, kind: pos.kind, active: pos.active } });
    return pos;
  });
}

async function createPoint(ctx: Ctx): Promise<Response> {
  const form = typedPoint(ctx, field(ctx, "code"));
  const outcome = await attempt(ctx.t, async () => savePointLogged(ctx, form, true));
  if (!outcome.ok) return pointsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return pointsPage(ctx, { notice: ctx.t("pos_points.created") });
}

function requirePointParam(ctx: Ctx) {
  const pos = findPointOfSale(ctx.deps.writer.sqlite, ctx.params.code ?? "");
  if (!pos) fail("point_of_sale_unknown", "no such point of sale");
  return pos;
}

function pointEditPage(ctx: Ctx, code: string, form: PointOfSaleForm, options: PageOptions<PointOfSaleForm> = {}): Response {
  return html(String(PointOfSaleEditPage({ view: view(ctx), code, form, kinds: POINT_OF_SALE_KINDS, notice: options.notice, error: options.error })), options.status ?? 200);
}

function showPoint(ctx: Ctx): Response {
  const pos = requirePointParam(ctx);
  return pointEditPage(ctx, pos.code, pos);
}

async function editPoint(ctx: Ctx): Promise<Response> {
  const pos = requirePointParam(ctx);
  const form = typedPoint(ctx, pos.code);
  const outcome = await attempt(ctx.t, async () => savePointLogged(ctx, form, false));
  if (!outcome.ok) return pointEditPage(ctx, pos.code, form, { error: outcome.message, status: statusForCode(outcome.code) });
  return pointEditPage(ctx, pos.code, outcome.value, { notice: ctx.t("pos_points.saved") });
}

// VAT rates and payment methods.

const NEW_RATE: VatRateForm = { rate: "", label: "" };

function vatPage(ctx: Ctx, options: PageOptions<VatRateForm> = {}): Response {
  const rates = listVatRates(ctx.deps.writer.sqlite);
  return html(String(VatRatesPage({ view: view(ctx), rates, form: options.form ?? NEW_RATE, notice: options.notice, error: options.error })), options.status ?? 200);
}

/** Adds a rate (typed as a percentage) or switches one (sent in basis points by its row's button). */
async function saveRate(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const form = { rate: field(ctx, "rate"), label: field(ctx, "label") };
  const outcome = await attempt(ctx.t, async () => {
    const rateBp = field(ctx, "rate_bp") ? integerText(field(ctx, "rate_bp")) : basisPointsText(form.rate);
    return deps.writer.submit((tx) => {
      const rate = saveVatRate(tx, { rateBp, label: form.label, active: field(ctx, "active") !== "0" });
      appendEvent(tx, deps.signer, { kind: "config.vat_rate_saved", actor: eventActor(ctx), subject: `vat_rate:${rate.rateBp}`, detail: { label: rate.label, active: rate.active } });
      return rate;
    });
  });
  if (!outcome.ok) return vatPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return vatPage(ctx, { notice: ctx.t("pos_vat.saved") });
}

function methodsPage(ctx: Ctx, options: PageOptions<never> = {}): Response {
  const methods = listPaymentMethods(ctx.deps.writer.sqlite);
  return html(String(PaymentMethodsPage({ view: view(ctx), methods, notice: options.notice, error: options.error })), options.status ?? 200);
}

async function switchMethod(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () =>
    deps.writer.submit((tx) => {
      const method = savePaymentMethod(tx, { code: ctx.params.code, active: field(ctx, "active") === "1" });
      appendEvent(tx, deps.signer, { kind: "config.payment_method_saved", actor: eventActor(ctx), subject: `payment_method:${method.code}`, detail: { active: method.active } });
      return method;
    }),
  );
  if (!outcome.ok) return methodsPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  return methodsPage(ctx, { notice: ctx.t("pos_methods.saved") });
}

export const catalogueRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/pos/items", access: STAFF, handle: (ctx) => itemsPage(ctx) },
  { method: "POST", path: "/admin/pos/items", access: ADMIN, handle: createItem },
  { method: "GET", path: "/admin/pos/items/:id", access: STAFF, handle: (ctx) => itemEditPage(ctx, requireItemParam(ctx)) },
  { method: "POST", path: "/admin/pos/items/:id", access: STAFF, handle: editItem },
  { method: "GET", path: "/admin/pos/categories", access: ADMIN, handle: (ctx) => categoriesPage(ctx) },
  { method: "POST", path: "/admin/pos/categories", access: ADMIN, handle: (ctx) => saveCategoryForm(ctx, undefined) },
  { method: "POST", path: "/admin/pos/categories/:id", access: ADMIN, handle: (ctx) => saveCategoryForm(ctx, ctx.params.id ?? "") },
  { method: "GET", path: "/admin/pos/points-of-sale", access: ADMIN, handle: (ctx) => pointsPage(ctx) },
  { method: "POST", path: "/admin/pos/points-of-sale", access: ADMIN, handle: createPoint },
  { method: "GET", path: "/admin/pos/points-of-sale/:code", access: ADMIN, handle: showPoint },
  { method: "POST", path: "/admin/pos/points-of-sale/:code", access: ADMIN, handle: editPoint },
  { method: "GET", path: "/admin/pos/vat-rates", access: ADMIN, handle: (ctx) => vatPage(ctx) },
  { method: "POST", path: "/admin/pos/vat-rates", access: ADMIN, handle: saveRate },
  { method: "GET", path: "/admin/pos/payment-methods", access: ADMIN, handle: (ctx) => methodsPage(ctx) },
  { method: "POST", path: "/admin/pos/payment-methods/:code", access: ADMIN, handle: switchMethod },
];
