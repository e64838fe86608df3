/**
 * Membership products: what a membership sold online, at the box office or by hand grants. A
 * product has a duration (a rolling year, the calendar year, one calendar month, or a custom number
 * of days) and a price. Windows are computed in the venue's timezone on wall-clock dates, so a
 * year bought on 10 March at 10:00 ends on the next 10 March at 10:00 local time whatever the
 * daylight-saving changes in between. Time is always a parameter: nothing here reads a clock.
 */
import { assert, fail, limits, MONEY_MAX_MINOR, type IdFactory } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import { grantMembership, MEMBERSHIP_DAYS_MAX, type Membership } from "./memberships.ts";
import { MEMBERSHIP_DURATIONS } from "./schema.ts";
import { addDays, addMonths, instantOfWall, wallTimeOf } from "./local-time.ts";

export type MembershipDuration = (typeof MEMBERSHIP_DURATIONS)[number];
export { MEMBERSHIP_DURATIONS };

/** The highest VAT rate a product may carry, in basis points (100 %). */
const VAT_RATE_MAX_BP = 10_000;
/** Membership products one venue may define. */
export const MEMBERSHIP_PRODUCTS_MAX = 200;
const DESCRIPTION_CHARS = 2_000;

export interface MembershipProduct {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly duration: MembershipDuration;
  /** The days of a custom duration; null for the other durations. */
  readonly customDays: number | null;
  readonly amountMinor: number;
  /** The buyer chooses the amount, at least amountMinor. */
  readonly freePrice: boolean;
  readonly vatRateBp: number;
  readonly active: boolean;
  readonly position: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
}

export interface MembershipProductInput {
  /** Given: update this product; absent: create one. */
  readonly id?: string | undefined;
  readonly name: string;
  readonly description?: string | undefined;
  readonly duration: string;
  readonly customDays?: number | null | undefined;
  readonly amountMinor: number;
  readonly freePrice?: boolean | undefined;
  readonly vatRateBp?: number | undefined;
  readonly active?: boolean | undefined;
  readonly position?: number | undefined;
}

const COLUMNS = `id, name, description, duration, custom_days AS customDays, amount_minor AS amountMinor, free_price AS freePrice,
  vat_rate_bp AS vatRateBp, active, position, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs`;

interface Row extends Omit<MembershipProduct, "freePrice" | "active"> {
  readonly freePrice: number;
  readonly active: number;
}

function fromRow(row: Row): MembershipProduct {
  return { ...row, freePrice: row.freePrice === 1, active: row.active === 1 };
}

function isDuration(value: string): value is MembershipDuration {
  return (MEMBERSHIP_DURATIONS as readonly string[]).includes(value);
}

/** The cleaned fields of a product, or a refusal with a stable code. */
export function checkMembershipProductInput(input: MembershipProductInput): Omit<MembershipProduct, "id" | "createdAtMs" | "updatedAtMs"> {
  const name = input.name.trim();
  if (!name) fail("membership_product_name_required", "a membership product has a name");
  if (name.length > limits.textFieldChars) fail("name_too_long", `at most ${limits.textFieldChars} characters`);
  const description = (input.description ?? "").trim();
  if (description.length > DESCRIPTION_CHARS) fail("description_too_long", `at most ${DESCRIPTION_CHARS} characters`);
  const duration = input.duration.trim();
  if (!isDuration(duration)) fail("duration_invalid", `a duration is one of ${MEMBERSHIP_DURATIONS.join(", ")}`);
  let customDays: number | null = null;
  if (duration === "custom") {
    const days = input.customDays;
    if (typeof days !== "number" || !Number.isSafeInteger(days) || days < 1 || days > MEMBERSHIP_DAYS_MAX) {
      fail("custom_days_invalid", `a custom duration is 1 to ${MEMBERSHIP_DAYS_MAX} days`);
    }
    customDays = days;
  }
  if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor < 0 || input.amountMinor > MONEY_MAX_MINOR) fail("price_invalid", "a price is a whole number of cents, 0 or more");
  const vatRateBp = input.vatRateBp ?? 0;
  if (!Number.isSafeInteger(vatRateBp) || vatRateBp < 0 || vatRateBp > VAT_RATE_MAX_BP) fail("vat_rate_invalid", "a VAT rate in basis points");
  const position = input.position ?? 0;
  if (!Number.isSafeInteger(position) || Math.abs(position) > 1_000_000) fail("position_invalid", "a position is a whole number");
  return { name, description, duration, customDays, amountMinor: input.amountMinor, freePrice: input.freePrice ?? false, vatRateBp, active: input.active ?? true, position };
}

/** Creates a product, or updates the one named by input.id (membership_product_unknown otherwise). */
export function saveMembershipProduct(tx: Tx, deps: { readonly newId: IdFactory }, input: MembershipProductInput): MembershipProduct {
  const clean = checkMembershipProductInput(input);
  const nowMs = tx.stamp().atMs;
  if (input.id !== undefined) {
    const before = findMembershipProduct(tx.sqlite, input.id);
    if (!before) fail("membership_product_unknown", "no such membership product");
    tx.sqlite
      .query(
        `UPDATE membership_products SET name = ?, description = ?, duration = ?, custom_days = ?, amount_minor = ?, free_price = ?, vat_rate_bp = ?,
          active = ?, position = ?, updated_at_ms = ? WHERE id = ?`,
      )
      .run(clean.name, clean.description, clean.duration, clean.customDays, clean.amountMinor, clean.freePrice ? 1 : 0, clean.vatRateBp, clean.active ? 1 : 0, clean.position, nowMs, before.id);
    return { ...clean, id: before.id, createdAtMs: before.createdAtMs, updatedAtMs: nowMs };
  }
  const count = tx.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM membership_products").get()!.n;
  if (count >= MEMBERSHIP_PRODUCTS_MAX) fail("membership_products_full", `at most ${MEMBERSHIP_PRODUCTS_MAX} membership products`);
  const product: MembershipProduct = { ...clean, id: deps.newId(), createdAtMs: nowMs, updatedAtMs: nowMs };
  tx.sqlite
    .query(
      `INSERT INTO membership_products (id, name, description, duration, custom_days, amount_minor, free_price, vat_rate_bp, active, position, created_at_ms, updated_at_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(product.id, product.name, product.description, product.duration, product.customDays, product.amountMinor, product.freePrice ? 1 : 0, product.vatRateBp, product.active ? 1 : 0, product.position, nowMs, nowMs);
  return product;
}

export function findMembershipProduct(sqlite: Sqlite, id: string): MembershipProduct | undefined {
  const row = sqlite.query<Row, [string]>(`SELECT ${COLUMNS} FROM membership_products WHERE id = ?`).get(id);
  return row ? fromRow(row) : undefined;
}

export function listMembershipProducts(sqlite: Sqlite, options: { readonly activeOnly?: boolean } = {}): MembershipProduct[] {
  const where = options.activeOnly ? "WHERE active = 1" : "";
  return sqlite.query<Row, [number]>(`SELECT ${COLUMNS} FROM membership_products ${where} ORDER BY position, name LIMIT ?`).all(MEMBERSHIP_PRODUCTS_MAX).map(fromRow);
}

export interface MembershipWindow {
  readonly validFromMs: number;
  /** Exclusive: the first instant no longer covered. */
  readonly validUntilMs: number;
}

/**
 * The window a product bought at nowMs covers. It starts now, or at the end of the current
 * membership when that one still runs (currentUntilMs after now), so no paid day is lost.
 * - rolling_year: to the same local date and time a year later (29 Feb to 28 Feb);
 * - calendar_year: to the end of the local calendar year the window starts in (the last covered
 *   instant is 31 Dec 23:59:59.999; validUntilMs is 1 Jan 00:00 local, exclusive), so a renewal
 *   bought while a calendar-year membership runs covers the next calendar year;
 * - month: to the same local date and time a calendar month later (31 Jan to 28/29 Feb);
 * - custom: to the same local time customDays calendar days later.
 */
export function membershipWindowFor(
  product: Pick<MembershipProduct, "duration" | "customDays">,
  currentUntilMs: number | null,
  nowMs: number,
  timeZone: string,
): MembershipWindow {
  assert(Number.isSafeInteger(nowMs), "now is integer milliseconds");
  assert(currentUntilMs === null || Number.isSafeInteger(currentUntilMs), "until is integer milliseconds");
  const validFromMs = currentUntilMs !== null && currentUntilMs > nowMs ? currentUntilMs : nowMs;
  const start = wallTimeOf(validFromMs, timeZone);
  let validUntilMs: number;
  switch (product.duration) {
    case "rolling_year":
      validUntilMs = instantOfWall(addMonths(start, 12), timeZone);
      break;
    case "calendar_year":
      validUntilMs = instantOfWall({ year: start.year + 1, month: 1, day: 1, msOfDay: 0 }, timeZone);
      break;
    case "month":
      validUntilMs = instantOfWall(addMonths(start, 1), timeZone);
      break;
    case "custom": {
      const days = product.customDays;
      assert(days !== null && Number.isSafeInteger(days) && days >= 1 && days <= MEMBERSHIP_DAYS_MAX, "custom days within bounds");
      validUntilMs = instantOfWall(addDays(start, days), timeZone);
      break;
    }
  }
  assert(validUntilMs > validFromMs, "a membership window ends after it starts");
  return { validFromMs, validUntilMs };
}

/** The end of a member's latest membership, or null when they never had one. */
function latestUntil(sqlite: Sqlite, memberId: string): number | null {
  return sqlite.query<{ until: number | null }, [string]>("SELECT max(valid_until_ms) AS until FROM memberships WHERE member_id = ?").get(memberId)?.until ?? null;
}

export interface GrantProductInput {
  readonly memberId: string;
  readonly productId: string;
  /** The ticketing order that sold it; null for a grant by hand. */
  readonly orderId?: string | null | undefined;
  readonly nowMs: number;
  readonly timeZone: string;
}

/**
 * Grants a membership product to a member: a memberships row labelled with the product's name,
 * its window from membershipWindowFor, and the product and order it came from. Refuses an unknown
 * product (membership_product_unknown), an erased or unknown member (member_unknown, member_erased).
 * An inactive product can still be granted: an order taken before it was withdrawn must be honoured.
 */
export function grantMembershipProduct(tx: Tx, newId: IdFactory, input: GrantProductInput): Membership {
  const product = findMembershipProduct(tx.sqlite, input.productId);
  if (!product) fail("membership_product_unknown", "no such membership product");
  const member = tx.sqlite.query<{ erasedAtMs: number | null }, [string]>("SELECT erased_at_ms AS erasedAtMs FROM members WHERE id = ?").get(input.memberId);
  if (!member) fail("member_unknown", "no such member");
  if (member.erasedAtMs !== null) fail("member_erased", "this member was erased");
  const window = membershipWindowFor(product, latestUntil(tx.sqlite, input.memberId), input.nowMs, input.timeZone);
  return grantMembership(tx, newId, { memberId: input.memberId, label: product.name, ...window, productId: product.id, orderId: input.orderId ?? null });
}
