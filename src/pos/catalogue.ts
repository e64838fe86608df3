/**
 * The catalogue: points of sale, categories, VAT rates, payment methods and items with their
 * prices. Every write passes one validation function that refuses bad input with a stable code;
 * a price is VAT included, in cents. Admin pages and the till's API read it through here.
 */
import { fail, limits, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { MEMBERSHIP_DAYS_MAX } from "../membership/index.ts";
import { findAsset } from "../wallet/index.ts";
import { PAYMENT_METHOD_CODES, POINT_OF_SALE_KINDS, PRICE_KINDS } from "./schema.ts";
import { VAT_RATE_MAX_BP } from "./vat.ts";

export type PointOfSaleKind = (typeof POINT_OF_SALE_KINDS)[number];
export type PaymentMethodCode = (typeof PAYMENT_METHOD_CODES)[number];
export type PriceKind = (typeof PRICE_KINDS)[number];

/** Bounds of the catalogue: prices per item, points of sale per item, the largest price and stock. */
export const CATALOGUE_LIMITS = { pricesPerItem: 10, pointsOfSalePerItem: 50, priceMaxMinor: 1_000_000_000, stockMax: 1_000_000, items: 5_000 } as const;

export interface PointOfSale {
  readonly code: string;
  readonly name: string;
  readonly kind: PointOfSaleKind;
  readonly active: boolean;
}

export interface Category {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  readonly position: number;
}

export interface VatRate {
  readonly rateBp: number;
  readonly label: string;
  readonly active: boolean;
}

export interface PaymentMethod {
  readonly code: PaymentMethodCode;
  readonly name: string;
  readonly active: boolean;
  readonly position: number;
}

export interface ItemPrice {
  readonly id: string;
  readonly label: string;
  readonly kind: PriceKind;
  /** The price (fixed) or the minimum (free), VAT included, in cents. */
  readonly amount: number;
  readonly memberAmount: number | null;
}

export interface Item {
  readonly id: string;
  readonly name: string;
  readonly categoryId: string | null;
  readonly vatRateBp: number;
  readonly printGroup: string;
  /** Asset codes a card payment may draw for it; empty: every asset. */
  readonly acceptedAssets: readonly string[];
  /** Payment methods accepted for it; empty: every method. */
  readonly paymentMethods: readonly string[];
  readonly stock: number | null;
  readonly lowStockThreshold: number | null;
  readonly position: number;
  readonly active: boolean;
  /** A membership product: selling it grants this many days of membership (rolling); null otherwise. */
  readonly membershipDays: number | null;
  /** Sold only to a member whose membership is valid. */
  readonly memberOnly: boolean;
  readonly pointsOfSale: readonly string[];
  readonly prices: readonly ItemPrice[];
}

const CODE_PATTERN = /^[a-z0-9_-]{1,32}$/;

function cleanName(value: unknown, code = "name_required"): string {
  const name = typeof value === "string" ? value.trim() : "";
  if (!name) fail(code, "a name is required");
  if (name.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  return name;
}

function integerIn(value: unknown, min: number, max: number, code: string, what: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) fail(code, `${what} is an integer from ${min} to ${max}`);
  return value;
}

// Points of sale.

type PointOfSaleRow = Omit<PointOfSale, "active"> & { active: number };
const POS_COLUMNS = "code, name, kind, active";
const fromPosRow = (row: PointOfSaleRow): PointOfSale => ({ ...row, active: Boolean(row.active) });

export function findPointOfSale(sqlite: Sqlite, code: string): PointOfSale | undefined {
  const row = sqlite.query<PointOfSaleRow, [string]>(`SELECT ${POS_COLUMNS} FROM points_of_sale WHERE code = ?`).get(code);
  return row ? fromPosRow(row) : undefined;
}

export function listPointsOfSale(sqlite: Sqlite): PointOfSale[] {
  return sqlite.query<PointOfSaleRow, [number]>(`SELECT ${POS_COLUMNS} FROM points_of_sale ORDER BY active DESC, name, code LIMIT ?`).all(limits.listPageRows).map(fromPosRow);
}

/** The point of sale a sale or a session names: it must exist and be active. */
export function requireActivePointOfSale(sqlite: Sqlite, code: unknown): PointOfSale {
  if (typeof code !== "string" || !CODE_PATTERN.test(code)) fail("point_of_sale_invalid", "point_of_sale is 1 to 32 of a-z 0-9 _ -");
  const pos = findPointOfSale(sqlite, code);
  if (!pos) fail("point_of_sale_unknown", `no point of sale ${code}`);
  if (!pos.active) fail("point_of_sale_inactive", `the point of sale ${code} is closed`);
  return pos;
}

export function checkPointOfSaleInput(input: { code: unknown; name: unknown; kind: unknown; active?: unknown }): PointOfSale {
  const code = typeof input.code === "string" ? input.code.trim().toLowerCase() : "";
  if (!CODE_PATTERN.test(code)) fail("point_of_sale_invalid", "a point of sale's code is 1 to 32 of a-z 0-9 _ -");
  if (!(POINT_OF_SALE_KINDS as readonly unknown[]).includes(input.kind)) fail("point_of_sale_kind_invalid", `kind is one of ${POINT_OF_SALE_KINDS.join(", ")}`);
  return { code, name: cleanName(input.name), kind: input.kind as PointOfSaleKind, active: input.active === undefined ? true : Boolean(input.active) };
}

/** Creates or updates a point of sale by its code (the code never changes: it names a ledger account). */
export function savePointOfSale(tx: Tx, raw: { code: unknown; name: unknown; kind: unknown; active?: unknown }): PointOfSale {
  const input = checkPointOfSaleInput(raw);
  const nowMs = tx.stamp().atMs;
  tx.sqlite
    .query(
      `INSERT INTO points_of_sale (code, name, kind, active, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, active = excluded.active, updated_at_ms = excluded.updated_at_ms`,
    )
    .run(input.code, input.name, input.kind, input.active ? 1 : 0, nowMs, nowMs);
  return findPointOfSale(tx.sqlite, input.code)!;
}

// Categories.

export function listCategories(sqlite: Sqlite): Category[] {
  return sqlite.query<Category, [number]>("SELECT id, name, colour, position FROM pos_categories ORDER BY position, name LIMIT ?").all(limits.listPageRows);
}

export function findCategory(sqlite: Sqlite, id: string): Category | undefined {
  return sqlite.query<Category, [string]>("SELECT id, name, colour, position FROM pos_categories WHERE id = ?").get(id) ?? undefined;
}

export function saveCategory(tx: Tx, newId: IdFactory, raw: { id?: string | undefined; name: unknown; colour: unknown; position?: unknown }): Category {
  const name = cleanName(raw.name);
  const colour = typeof raw.colour === "string" ? raw.colour.trim().toLowerCase() : "";
  if (!/^#[0-9a-f]{6}$/.test(colour)) fail("colour_invalid", "a colour is #rrggbb");
  const position = raw.position === undefined ? 0 : integerIn(raw.position, -1000, 1000, "position_invalid", "position");
  const nowMs = tx.stamp().atMs;
  if (raw.id !== undefined) {
    if (!findCategory(tx.sqlite, raw.id)) fail("category_unknown", "no such category");
    tx.sqlite.query("UPDATE pos_categories SET name = ?, colour = ?, position = ?, updated_at_ms = ? WHERE id = ?").run(name, colour, position, nowMs, raw.id);
    return findCategory(tx.sqlite, raw.id)!;
  }
  const id = newId();
  tx.sqlite.query("INSERT INTO pos_categories (id, name, colour, position, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?)").run(id, name, colour, position, nowMs, nowMs);
  return findCategory(tx.sqlite, id)!;
}

// VAT rates and payment methods.

export function listVatRates(sqlite: Sqlite): VatRate[] {
  return sqlite
    .query<{ rateBp: number; label: string; active: number }, []>("SELECT rate_bp AS rateBp, label, active FROM vat_rates ORDER BY rate_bp DESC")
    .all()
    .map((row) => ({ ...row, active: Boolean(row.active) }));
}

export function saveVatRate(tx: Tx, raw: { rateBp: unknown; label?: unknown; active?: unknown }): VatRate {
  const rateBp = integerIn(raw.rateBp, 0, VAT_RATE_MAX_BP, "vat_rate_invalid", "a VAT rate in basis points");
  const label = typeof raw.label === "string" && raw.label.trim() ? cleanName(raw.label) : `${rateBp / 100} %`;
  const active = raw.active === undefined ? true : Boolean(raw.active);
  tx.sqlite
    .query("INSERT INTO vat_rates (rate_bp, label, active) VALUES (?, ?, ?) ON CONFLICT (rate_bp) DO UPDATE SET label = excluded.label, active = excluded.active")
    .run(rateBp, label, active ? 1 : 0);
  return { rateBp, label, active };
}

export function listPaymentMethods(sqlite: Sqlite): PaymentMethod[] {
  return sqlite
    .query<{ code: PaymentMethodCode; name: string; active: number; position: number }, []>("SELECT code, name, active, position FROM payment_methods ORDER BY position, code")
    .all()
    .map((row) => ({ ...row, active: Boolean(row.active) }));
}

export function isPaymentMethodCode(value: unknown): value is PaymentMethodCode {
  return (PAYMENT_METHOD_CODES as readonly unknown[]).includes(value);
}

/** Turns a method on or off, or renames it; the five methods themselves are fixed by the code. */
export function savePaymentMethod(tx: Tx, raw: { code: unknown; name?: unknown; active: unknown }): PaymentMethod {
  if (!isPaymentMethodCode(raw.code)) fail("payment_method_unknown", `method is one of ${PAYMENT_METHOD_CODES.join(", ")}`);
  const current = listPaymentMethods(tx.sqlite).find((method) => method.code === raw.code)!;
  const name = raw.name === undefined ? current.name : cleanName(raw.name);
  tx.sqlite.query("UPDATE payment_methods SET name = ?, active = ? WHERE code = ?").run(name, raw.active ? 1 : 0, raw.code);
  return { ...current, name, active: Boolean(raw.active) };
}

// Items.

export interface PriceInput {
  readonly id?: string | undefined;
  readonly label: unknown;
  readonly kind: unknown;
  readonly amount: unknown;
  readonly memberAmount?: unknown;
}

export interface ItemInput {
  readonly name: unknown;
  readonly pointsOfSale: unknown;
  readonly categoryId?: unknown;
  readonly prices: readonly PriceInput[];
  readonly vatRateBp: unknown;
  readonly printGroup?: unknown;
  readonly acceptedAssets?: unknown;
  readonly paymentMethods?: unknown;
  readonly stock?: unknown;
  readonly lowStockThreshold?: unknown;
  readonly position?: unknown;
  readonly active?: unknown;
  readonly membershipDays?: unknown;
  readonly memberOnly?: unknown;
}

export type CheckedItem = Omit<Item, "id" | "prices"> & { readonly prices: ReadonlyArray<Omit<ItemPrice, "id"> & { readonly id: string | undefined }> };

function stringList(value: unknown, code: string, max: number): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > max || !value.every((entry) => typeof entry === "string")) fail(code, `a list of at most ${max} codes`);
  return [...new Set((value as string[]).map((entry) => entry.trim()).filter(Boolean))].sort();
}

function optionalCount(value: unknown, code: string): number | null {
  if (value === undefined || value === null) return null;
  return integerIn(value, 0, CATALOGUE_LIMITS.stockMax, code, "a count");
}

function checkPrice(raw: PriceInput, index: number, alone: boolean): CheckedItem["prices"][number] {
  const label = typeof raw.label === "string" ? raw.label.trim() : "";
  if (!label && !alone) fail("price_label_required", `price ${index + 1} needs a label (the item has several prices)`);
  if (label.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  if (!(PRICE_KINDS as readonly unknown[]).includes(raw.kind)) fail("price_kind_invalid", "a price is fixed or free");
  const kind = raw.kind as PriceKind;
  // A fixed price is at least a cent; a free price's minimum may be 0 (the customer still pays at least a cent).
  const amount = integerIn(raw.amount, kind === "fixed" ? 1 : 0, CATALOGUE_LIMITS.priceMaxMinor, "amount_invalid", "a price in cents");
  let memberAmount: number | null = null;
  if (raw.memberAmount !== undefined && raw.memberAmount !== null) {
    if (kind === "free") fail("member_price_invalid", "a free price has no member price");
    memberAmount = integerIn(raw.memberAmount, 1, CATALOGUE_LIMITS.priceMaxMinor, "member_price_invalid", "a member price in cents");
  }
  return { id: raw.id, label, kind, amount, memberAmount };
}

/** Validates an item against the catalogue (points of sale, category, VAT rate, assets, methods). */
export function checkItemInput(sqlite: Sqlite, raw: ItemInput): CheckedItem {
  const name = cleanName(raw.name);
  const pointsOfSale = stringList(raw.pointsOfSale, "point_of_sale_invalid", CATALOGUE_LIMITS.pointsOfSalePerItem);
  if (pointsOfSale.length === 0) fail("point_of_sale_required", "an item is sold at one point of sale at least");
  for (const code of pointsOfSale) if (!findPointOfSale(sqlite, code)) fail("point_of_sale_unknown", `no point of sale ${code}`);
  const categoryId = typeof raw.categoryId === "string" && raw.categoryId ? raw.categoryId : null;
  if (categoryId && !findCategory(sqlite, categoryId)) fail("category_unknown", "no such category");
  if (!Array.isArray(raw.prices) || raw.prices.length === 0 || raw.prices.length > CATALOGUE_LIMITS.pricesPerItem) {
    fail("prices_required", `an item has 1 to ${CATALOGUE_LIMITS.pricesPerItem} prices`);
  }
  const prices = raw.prices.map((price, index) => checkPrice(price, index, raw.prices.length === 1));
  const vatRateBp = integerIn(raw.vatRateBp, 0, VAT_RATE_MAX_BP, "vat_rate_invalid", "a VAT rate in basis points");
  if (!listVatRates(sqlite).some((rate) => rate.rateBp === vatRateBp && rate.active)) fail("vat_rate_unknown", `no active VAT rate of ${vatRateBp} basis points`);
  const printGroup = typeof raw.printGroup === "string" ? raw.printGroup.trim().toLowerCase() : "";
  if (printGroup && !/^[a-z0-9_-]{1,32}$/.test(printGroup)) fail("print_group_invalid", "a print group is 1 to 32 of a-z 0-9 _ -");
  const acceptedAssets = stringList(raw.acceptedAssets, "asset_unknown", 20).map((code) => code.toUpperCase());
  for (const code of acceptedAssets) if (!findAsset(sqlite, code)) fail("asset_unknown", `no asset ${code}`);
  const paymentMethods = stringList(raw.paymentMethods, "payment_method_unknown", PAYMENT_METHOD_CODES.length);
  for (const code of paymentMethods) if (!isPaymentMethodCode(code)) fail("payment_method_unknown", `no payment method ${code}`);
  const stock = optionalCount(raw.stock, "stock_invalid");
  const lowStockThreshold = optionalCount(raw.lowStockThreshold, "low_stock_threshold_invalid");
  const position = raw.position === undefined ? 0 : integerIn(raw.position, -1000, 1000, "position_invalid", "position");
  const active = raw.active === undefined ? true : Boolean(raw.active);
  const membershipDays =
    raw.membershipDays === undefined || raw.membershipDays === null ? null : integerIn(raw.membershipDays, 1, MEMBERSHIP_DAYS_MAX, "membership_days_invalid", "membership days");
  const memberOnly = Boolean(raw.memberOnly);
  return { name, categoryId, vatRateBp, printGroup, acceptedAssets, paymentMethods, stock, lowStockThreshold, position, active, membershipDays, memberOnly, pointsOfSale, prices };
}

interface ItemRow {
  id: string;
  name: string;
  categoryId: string | null;
  vatRateBp: number;
  printGroup: string;
  acceptedAssets: string;
  paymentMethods: string;
  stock: number | null;
  lowStockThreshold: number | null;
  position: number;
  active: number;
  membershipDays: number | null;
  memberOnly: number;
}

const ITEM_COLUMNS = `id, name, category_id AS categoryId, vat_rate_bp AS vatRateBp, print_group AS printGroup, accepted_assets AS acceptedAssets,
  payment_methods AS paymentMethods, stock, low_stock_threshold AS lowStockThreshold, position, active, membership_days AS membershipDays, member_only AS memberOnly`;

function pricesOf(sqlite: Sqlite, itemId: string): ItemPrice[] {
  return sqlite
    .query<ItemPrice, [string]>("SELECT id, label, kind, amount, member_amount AS memberAmount FROM item_prices WHERE item_id = ? ORDER BY position, id")
    .all(itemId);
}

function pointsOfSaleOf(sqlite: Sqlite, itemId: string): string[] {
  return sqlite.query<{ code: string }, [string]>("SELECT point_of_sale AS code FROM item_points_of_sale WHERE item_id = ? ORDER BY point_of_sale").all(itemId).map((row) => row.code);
}

function fromItemRow(sqlite: Sqlite, row: ItemRow): Item {
  return {
    ...row,
    active: Boolean(row.active),
    memberOnly: Boolean(row.memberOnly),
    acceptedAssets: JSON.parse(row.acceptedAssets) as string[],
    paymentMethods: JSON.parse(row.paymentMethods) as string[],
    pointsOfSale: pointsOfSaleOf(sqlite, row.id),
    prices: pricesOf(sqlite, row.id),
  };
}

export function findItem(sqlite: Sqlite, id: string): Item | undefined {
  const row = sqlite.query<ItemRow, [string]>(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ?`).get(id);
  return row ? fromItemRow(sqlite, row) : undefined;
}

/** Items, optionally those sold at one point of sale, optionally active only; ordered for the till. */
export function listItems(sqlite: Sqlite, options: { pointOfSale?: string | undefined; activeOnly?: boolean } = {}): Item[] {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (options.pointOfSale !== undefined) {
    where.push("id IN (SELECT item_id FROM item_points_of_sale WHERE point_of_sale = ?)");
    params.push(options.pointOfSale);
  }
  if (options.activeOnly) where.push("active = 1");
  params.push(CATALOGUE_LIMITS.items);
  const sql = `SELECT ${ITEM_COLUMNS} FROM items ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY position, name, id LIMIT ?`;
  return sqlite.query<ItemRow, Array<string | number>>(sql).all(...params).map((row) => fromItemRow(sqlite, row));
}

/**
 * Creates an item, or updates one by id. Prices keep their ids when sent back with them, so a cart
 * that names a price stays valid across an edit (and `price_changed` tells the till the amount moved);
 * a price left out is removed (past sales keep their own copy of label and amount).
 */
export function saveItem(tx: Tx, newId: IdFactory, raw: ItemInput & { readonly id?: string | undefined }): Item {
  const input = checkItemInput(tx.sqlite, raw);
  const nowMs = tx.stamp().atMs;
  let id = raw.id;
  const values = [input.name, input.categoryId, input.vatRateBp, input.printGroup, JSON.stringify(input.acceptedAssets), JSON.stringify(input.paymentMethods)] as const;
  const rest = [input.stock, input.lowStockThreshold, input.position, input.active ? 1 : 0, input.membershipDays, input.memberOnly ? 1 : 0] as const;
  if (id !== undefined) {
    const existing = findItem(tx.sqlite, id);
    if (!existing) fail("item_unknown", "no such item");
    tx.sqlite
      .query(
        `UPDATE items SET name = ?, category_id = ?, vat_rate_bp = ?, print_group = ?, accepted_assets = ?, payment_methods = ?, stock = ?,
         low_stock_threshold = ?, position = ?, active = ?, membership_days = ?, member_only = ?, updated_at_ms = ? WHERE id = ?`,
      )
      .run(...values, ...rest, nowMs, id);
    for (const price of input.prices) if (price.id !== undefined && !existing.prices.some((known) => known.id === price.id)) fail("price_unknown", "a price id of another item");
    tx.sqlite.query("DELETE FROM item_prices WHERE item_id = ?").run(id);
    tx.sqlite.query("DELETE FROM item_points_of_sale WHERE item_id = ?").run(id);
  } else {
    id = newId();
    tx.sqlite
      .query(
        `INSERT INTO items (id, name, category_id, vat_rate_bp, print_group, accepted_assets, payment_methods, stock, low_stock_threshold, position, active,
         membership_days, member_only, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, ...values, ...rest, nowMs, nowMs);
  }
  const insertPrice = tx.sqlite.query("INSERT INTO item_prices (id, item_id, label, kind, amount, member_amount, position) VALUES (?, ?, ?, ?, ?, ?, ?)");
  input.prices.forEach((price, position) => insertPrice.run(price.id ?? newId(), id, price.label, price.kind, price.amount, price.memberAmount, position));
  const insertPos = tx.sqlite.query("INSERT INTO item_points_of_sale (item_id, point_of_sale) VALUES (?, ?)");
  for (const code of input.pointsOfSale) insertPos.run(id, code);
  return findItem(tx.sqlite, id)!;
}

/** Sets the stock of an item (an inventory count), or stops following it (null). */
export function setItemStock(tx: Tx, itemId: string, stock: unknown): Item {
  if (!findItem(tx.sqlite, itemId)) fail("item_unknown", "no such item");
  tx.sqlite.query("UPDATE items SET stock = ?, updated_at_ms = ? WHERE id = ?").run(optionalCount(stock, "stock_invalid"), tx.stamp().atMs, itemId);
  return findItem(tx.sqlite, itemId)!;
}

// Settings.

export interface PosSettings {
  /** Minutes after local midnight at which a business day ends (default 360: 06:00). */
  readonly businessDayEndMinute: number;
  /**
   * Whether the till prints a receipt after every sale. Off by default: French law no longer
   * allows systematic paper receipts; the setting is for venues where it is allowed.
   */
  readonly printReceiptsAutomatically: boolean;
}

export function readPosSettings(sqlite: Sqlite): PosSettings {
  const row = sqlite
    .query<{ businessDayEndMinute: number; printReceiptsAutomatically: number }, []>(
      "SELECT business_day_end_minute AS businessDayEndMinute, print_receipts_automatically AS printReceiptsAutomatically FROM pos_settings WHERE id = 1",
    )
    .get();
  return { businessDayEndMinute: row?.businessDayEndMinute ?? 360, printReceiptsAutomatically: Boolean(row?.printReceiptsAutomatically) };
}

/** Saves the settings; a field left out keeps its current value. */
export function savePosSettings(tx: Tx, raw: { businessDayEndMinute?: unknown; printReceiptsAutomatically?: unknown }): PosSettings {
  const current = readPosSettings(tx.sqlite);
  const minute =
    raw.businessDayEndMinute === undefined ? current.businessDayEndMinute : integerIn(raw.businessDayEndMinute, 0, 24 * 60 - 1, "business_day_end_invalid", "minutes after midnight");
  const automatic = raw.printReceiptsAutomatically === undefined ? current.printReceiptsAutomatically : Boolean(raw.printReceiptsAutomatically);
  tx.sqlite
    .query(
      `INSERT INTO pos_settings (id, business_day_end_minute, print_receipts_automatically) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET
       business_day_end_minute = excluded.business_day_end_minute, print_receipts_automatically = excluded.print_receipts_automatically`,
    )
    .run(minute, automatic ? 1 : 0);
  return readPosSettings(tx.sqlite);
}
