/**
 * The register's settings: membership products (admins and managers, like the catalogue) and the
 * custom member fields (admins only: deciding what personal data the venue collects is theirs).
 * Each change is recorded in the event log by id, without the values.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, isAppError, parseMoney } from "../kernel/index.ts";
import {
  findMemberField,
  findMembershipProduct,
  listMemberFields,
  listMembershipProducts,
  saveMemberField,
  saveMembershipProduct,
  type MemberField,
  type MembershipProduct,
} from "../membership/index.ts";
import {
  EMPTY_FIELD_FORM,
  EMPTY_PRODUCT_FORM,
  MemberFieldPage,
  MemberFieldsPage,
  MemberProductPage,
  MemberProductsPage,
  type FieldForm,
  type ProductForm,
} from "../../ui/pages/members-admin.tsx";
import { decimalText } from "../../ui/pages/wallet-common.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { ADMIN, eventActor, STAFF } from "./wallet-views.ts";

function productFormOf(ctx: Ctx): ProductForm {
  return {
    name: field(ctx, "name"),
    description: field(ctx, "description"),
    duration: field(ctx, "duration"),
    customDays: field(ctx, "custom_days"),
    amount: field(ctx, "amount"),
    freePrice: field(ctx, "free_price") === "1",
    vatRate: field(ctx, "vat_rate"),
    position: field(ctx, "position"),
    active: field(ctx, "active") === "1",
  };
}

function productFormFrom(product: MembershipProduct): ProductForm {
  return {
    name: product.name,
    description: product.description,
    duration: product.duration,
    customDays: product.customDays === null ? "" : String(product.customDays),
    amount: decimalText(product.amountMinor, 2, ","),
    freePrice: product.freePrice,
    vatRate: decimalText(product.vatRateBp, 2, ",").replace(/,00$/, ""),
    position: String(product.position),
    active: product.active,
  };
}

/** A whole number typed in a form, or NaN (which the services refuse with their own code). */
function wholeNumber(text: string, fallback: number): number {
  const trimmed = text.trim();
  if (trimmed === "") return fallback;
  return /^-?\d{1,9}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Parses with a code of our own: a bad amount is price_invalid, a bad rate vat_rate_invalid. */
function minorOf(text: string, code: string): number {
  try {
    return parseMoney(text.trim() === "" ? "0" : text, 2);
  } catch (error) {
    if (isAppError(error)) fail(code, "not a number with at most two decimals");
    throw error;
  }
}

function productInput(form: ProductForm, id?: string) {
  return {
    id,
    name: form.name,
    description: form.description,
    duration: form.duration,
    customDays: form.duration === "custom" ? wholeNumber(form.customDays, Number.NaN) : null,
    amountMinor: minorOf(form.amount, "price_invalid"),
    freePrice: form.freePrice,
    vatRateBp: minorOf(form.vatRate, "vat_rate_invalid"),
    position: wholeNumber(form.position, 0),
    active: form.active,
  };
}

function productsPage(ctx: Ctx, options: { form?: ProductForm; error?: string; notice?: string; status?: number } = {}): Response {
  const products = listMembershipProducts(ctx.deps.writer.sqlite);
  const page = MemberProductsPage({ view: view(ctx), products, form: options.form ?? EMPTY_PRODUCT_FORM, error: options.error, notice: options.notice });
  return html(String(page), options.status ?? 200);
}

function requireProduct(ctx: Ctx): MembershipProduct {
  const product = findMembershipProduct(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!product) fail("membership_product_unknown", "no such membership product");
  return product;
}

async function saveProduct(ctx: Ctx, id: string | undefined): Promise<{ ok: true; product: MembershipProduct } | { ok: false; form: ProductForm; message: string; code: string }> {
  const { deps } = ctx;
  const form = productFormOf(ctx);
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const product = saveMembershipProduct(tx, deps, productInput(form, id));
      appendEvent(tx, deps.signer, { kind: "membership_product.saved", actor: eventActor(ctx), subject: `membership_product:${product.id}`, detail: { created: id === undefined } });
      return product;
    }),
  );
  return outcome.ok ? { ok: true, product: outcome.value } : { ok: false, form, message: outcome.message, code: outcome.code };
}

async function createProduct(ctx: Ctx): Promise<Response> {
  const saved = await saveProduct(ctx, undefined);
  if (!saved.ok) return productsPage(ctx, { form: saved.form, error: saved.message, status: statusForCode(saved.code) });
  return redirect("/admin/members/products");
}

async function editProduct(ctx: Ctx): Promise<Response> {
  const product = requireProduct(ctx);
  const saved = await saveProduct(ctx, product.id);
  if (!saved.ok) return html(String(MemberProductPage({ view: view(ctx), id: product.id, form: saved.form, error: saved.message })), statusForCode(saved.code));
  return html(String(MemberProductPage({ view: view(ctx), id: product.id, form: productFormFrom(saved.product), notice: ctx.t("member_products.saved") })));
}

function fieldFormOf(ctx: Ctx): FieldForm {
  return {
    label: field(ctx, "label"),
    kind: field(ctx, "kind"),
    options: field(ctx, "options"),
    required: field(ctx, "required") === "1",
    position: field(ctx, "position"),
    active: field(ctx, "active") === "1",
  };
}

function fieldFormFrom(memberField: MemberField): FieldForm {
  return {
    label: memberField.label,
    kind: memberField.kind,
    options: memberField.options.join("\n"),
    required: memberField.required,
    position: String(memberField.position),
    active: memberField.active,
  };
}

function fieldsPage(ctx: Ctx, options: { form?: FieldForm; error?: string; status?: number } = {}): Response {
  const fields = listMemberFields(ctx.deps.writer.sqlite);
  return html(String(MemberFieldsPage({ view: view(ctx), fields, form: options.form ?? EMPTY_FIELD_FORM, error: options.error })), options.status ?? 200);
}

function requireField(ctx: Ctx): MemberField {
  const memberField = findMemberField(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!memberField) fail("member_field_unknown", "no such field");
  return memberField;
}

async function saveField(ctx: Ctx, id: string | undefined) {
  const { deps } = ctx;
  const form = fieldFormOf(ctx);
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const saved = saveMemberField(tx, deps, {
        id,
        label: form.label,
        kind: form.kind,
        options: form.options.split(/\r?\n/),
        required: form.required,
        position: wholeNumber(form.position, 0),
        active: form.active,
      });
      appendEvent(tx, deps.signer, { kind: "member_field.saved", actor: eventActor(ctx), subject: `member_field:${saved.id}`, detail: { created: id === undefined } });
      return saved;
    }),
  );
  return { form, outcome };
}

async function createField(ctx: Ctx): Promise<Response> {
  const { form, outcome } = await saveField(ctx, undefined);
  if (!outcome.ok) return fieldsPage(ctx, { form, error: outcome.message, status: statusForCode(outcome.code) });
  return redirect("/admin/members/fields");
}

async function editField(ctx: Ctx): Promise<Response> {
  const before = requireField(ctx);
  const { form, outcome } = await saveField(ctx, before.id);
  if (!outcome.ok) return html(String(MemberFieldPage({ view: view(ctx), id: before.id, form: { ...form, kind: before.kind }, error: outcome.message })), statusForCode(outcome.code));
  return html(String(MemberFieldPage({ view: view(ctx), id: before.id, form: fieldFormFrom(outcome.value), notice: ctx.t("member_fields.saved") })));
}

export const memberAdminRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/members/products", access: STAFF, handle: (ctx) => productsPage(ctx) },
  { method: "POST", path: "/admin/members/products", access: STAFF, handle: createProduct },
  { method: "GET", path: "/admin/members/products/:id", access: STAFF, handle: (ctx) => html(String(MemberProductPage({ view: view(ctx), id: ctx.params.id!, form: productFormFrom(requireProduct(ctx)) }))) },
  { method: "POST", path: "/admin/members/products/:id", access: STAFF, handle: editProduct },
  { method: "GET", path: "/admin/members/fields", access: ADMIN, handle: (ctx) => fieldsPage(ctx) },
  { method: "POST", path: "/admin/members/fields", access: ADMIN, handle: createField },
  { method: "GET", path: "/admin/members/fields/:id", access: ADMIN, handle: (ctx) => html(String(MemberFieldPage({ view: view(ctx), id: ctx.params.id!, form: fieldFormFrom(requireField(ctx)) }))) },
  { method: "POST", path: "/admin/members/fields/:id", access: ADMIN, handle: editField },
];
