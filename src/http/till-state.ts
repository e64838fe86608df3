/**
 * The till's state between two requests: the point of sale, the cart (items, prices, quantities,
 * free amounts), the member card tapped for this customer, the screen (cart or payment), the
 * payment's idempotency key and the payments gathered so far. It lives in the page (a hidden
 * field, copied to sessionStorage) so that the cart survives a Wi-Fi drop and a box restart,
 * and the payment can be sent again, byte for byte, with the same key.
 *
 * The page is not trusted: the state is parsed and bounded here on every request, and it holds
 * no price. Every screen is re-priced from the catalogue (pricing.ts), and the sale is priced
 * again by createSale, which refuses a total that moved (`price_changed`).
 */
import { IDEMPOTENCY_KEY_PATTERN } from "../db/index.ts";
import { fail } from "../kernel/index.ts";
import { SALE_LIMITS } from "../pos/index.ts";

export const TILL_STATE_LIMITS = {
  /** Lines in a cart, payments of a sale, units of a line: the sale's own bounds. */
  lines: SALE_LIMITS.lines,
  payments: SALE_LIMITS.payments,
  quantityMax: SALE_LIMITS.quantityMax,
  /** Characters of the state's JSON: a full cart is well under this. */
  stateChars: 24_000,
  /** The largest amount typed or tapped, in cents (the wallet's bound). */
  amountMax: 1_000_000_000,
} as const;

const ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
const POS_PATTERN = /^[a-z0-9_-]{1,32}$/;

export interface TillLine {
  readonly item: string;
  readonly price: string;
  /** The customer's amount for a free price, in cents; null for a fixed price. */
  readonly amount: number | null;
  readonly qty: number;
}

export type TillPayment =
  | { readonly method: "nfc_card"; readonly amount: number; readonly card: string }
  | { readonly method: "cash" | "card_terminal"; readonly amount: number };

export interface TillState {
  readonly pos: string;
  readonly lines: readonly TillLine[];
  /** The card (id) of a member tapped for this customer: member prices apply. */
  readonly member: string | null;
  readonly screen: "cart" | "pay";
  /** The payment's idempotency key, made when the payment screen opened. */
  readonly key: string | null;
  readonly payments: readonly TillPayment[];
  /** The total the payment screen showed: the sale is refused (`price_changed`) if the catalogue moved since. */
  readonly expected: number | null;
}

export function emptyState(pos: string): TillState {
  return { pos, lines: [], member: null, screen: "cart", key: null, payments: [], expected: null };
}

function isCount(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min && value <= max;
}

function parseLine(raw: unknown): TillLine {
  const line = (raw ?? {}) as Record<string, unknown>;
  if (typeof line.item !== "string" || !ID_PATTERN.test(line.item)) fail("till_state_invalid", "a cart line names an item");
  if (typeof line.price !== "string" || !ID_PATTERN.test(line.price)) fail("till_state_invalid", "a cart line names a price");
  if (!isCount(line.qty, 1, TILL_STATE_LIMITS.quantityMax)) fail("till_state_invalid", "a quantity is a whole number");
  const amount = line.amount === null || line.amount === undefined ? null : line.amount;
  if (amount !== null && !isCount(amount, 1, TILL_STATE_LIMITS.amountMax)) fail("till_state_invalid", "a free amount is a whole number of cents");
  return { item: line.item, price: line.price, amount, qty: line.qty };
}

function parsePayment(raw: unknown): TillPayment {
  const payment = (raw ?? {}) as Record<string, unknown>;
  if (!isCount(payment.amount, 1, TILL_STATE_LIMITS.amountMax)) fail("till_state_invalid", "a payment is a whole number of cents");
  if (payment.method === "nfc_card") {
    if (typeof payment.card !== "string" || !ID_PATTERN.test(payment.card)) fail("till_state_invalid", "a card payment names its card");
    return { method: "nfc_card", amount: payment.amount, card: payment.card };
  }
  if (payment.method !== "cash" && payment.method !== "card_terminal") fail("till_state_invalid", "a payment is by card, cash or card terminal");
  return { method: payment.method, amount: payment.amount };
}

/** Reads the page's state; a missing one is an empty cart at `pos`. */
export function parseState(text: string, pos: string): TillState {
  if (!text) return emptyState(pos);
  if (text.length > TILL_STATE_LIMITS.stateChars) fail("till_state_invalid", "the till's state is too large");
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    fail("till_state_invalid", "the till's state is not JSON");
  }
  if (raw === null || typeof raw !== "object") fail("till_state_invalid", "the till's state is an object");
  if (typeof raw.pos !== "string" || !POS_PATTERN.test(raw.pos)) fail("till_state_invalid", "the state names its point of sale");
  const lines = Array.isArray(raw.lines) ? raw.lines : [];
  const payments = Array.isArray(raw.payments) ? raw.payments : [];
  if (lines.length > TILL_STATE_LIMITS.lines) fail("cart_too_large", `a sale has at most ${TILL_STATE_LIMITS.lines} lines`);
  if (payments.length > TILL_STATE_LIMITS.payments) fail("payments_invalid", `a sale has at most ${TILL_STATE_LIMITS.payments} payments`);
  const member = typeof raw.member === "string" && ID_PATTERN.test(raw.member) ? raw.member : null;
  const key = typeof raw.key === "string" && IDEMPOTENCY_KEY_PATTERN.test(raw.key) ? raw.key : null;
  const expected = isCount(raw.expected, 0, TILL_STATE_LIMITS.amountMax * TILL_STATE_LIMITS.lines) ? raw.expected : null;
  return {
    pos: raw.pos,
    lines: lines.map(parseLine),
    member,
    screen: raw.screen === "pay" ? "pay" : "cart",
    key,
    payments: payments.map(parsePayment),
    expected,
  };
}

/** The state as the page keeps it (compact JSON, keys in a fixed order: a retry sends the same bytes). */
export function stateJson(state: TillState): string {
  return JSON.stringify({
    pos: state.pos,
    lines: state.lines.map((line) => ({ item: line.item, price: line.price, amount: line.amount, qty: line.qty })),
    member: state.member,
    screen: state.screen,
    key: state.key,
    payments: state.payments.map((payment) => (payment.method === "nfc_card" ? { method: payment.method, amount: payment.amount, card: payment.card } : { method: payment.method, amount: payment.amount })),
    expected: state.expected,
  });
}

// Cart operations: pure, bounded.

export function addLine(state: TillState, line: { item: string; price: string; amount: number | null }): TillState {
  const same = line.amount === null ? state.lines.findIndex((known) => known.item === line.item && known.price === line.price && known.amount === null) : -1;
  if (same >= 0) return changeQuantity(state, same, +1);
  if (state.lines.length >= TILL_STATE_LIMITS.lines) fail("cart_too_large", `a sale has at most ${TILL_STATE_LIMITS.lines} lines`);
  return { ...state, lines: [...state.lines, { ...line, qty: 1 }] };
}

export function changeQuantity(state: TillState, index: number, delta: 1 | -1): TillState {
  const line = state.lines[index];
  if (!line) return state;
  const qty = Math.min(line.qty + delta, TILL_STATE_LIMITS.quantityMax);
  if (qty <= 0) return removeLine(state, index);
  return { ...state, lines: state.lines.map((known, at) => (at === index ? { ...known, qty } : known)) };
}

export function removeLine(state: TillState, index: number): TillState {
  return { ...state, lines: state.lines.filter((_, at) => at !== index) };
}

/** Drops the lines of an item the catalogue no longer sells here. */
export function dropItem(state: TillState, itemId: string): TillState {
  return { ...state, lines: state.lines.filter((line) => line.item !== itemId) };
}

// Payments.

export function paidSoFar(state: TillState): number {
  return state.payments.reduce((sum, payment) => sum + payment.amount, 0);
}

/** What is left to pay, and the change (cash handed over beyond the total). */
export function balanceOfPayments(state: TillState, total: number): { remaining: number; change: number } {
  const paid = paidSoFar(state);
  return { remaining: Math.max(0, total - paid), change: Math.max(0, paid - total) };
}

export function addPayment(state: TillState, payment: TillPayment): TillState {
  if (payment.method === "nfc_card") {
    const index = state.payments.findIndex((known) => known.method === "nfc_card" && known.card === payment.card);
    if (index >= 0) return { ...state, payments: state.payments.map((known, at) => (at === index ? { ...known, amount: known.amount + payment.amount } : known)) };
  }
  if (state.payments.length >= TILL_STATE_LIMITS.payments) fail("payments_invalid", `a sale has at most ${TILL_STATE_LIMITS.payments} payments`);
  return { ...state, payments: [...state.payments, payment] };
}

export function removePayment(state: TillState, index: number): TillState {
  return { ...state, payments: state.payments.filter((_, at) => at !== index) };
}

/**
 * Only cash gives change: when the total drops under what cards and the card terminal already
 * cover (a member card tapped after them), those payments shrink, the last first.
 */
export function fitPayments(state: TillState, total: number): TillState {
  let over = state.payments.filter((payment) => payment.method !== "cash").reduce((sum, payment) => sum + payment.amount, 0) - total;
  if (over <= 0) return state;
  const payments = [...state.payments];
  for (let index = payments.length - 1; index >= 0 && over > 0; index--) {
    const payment = payments[index]!;
    if (payment.method === "cash") continue;
    const cut = Math.min(over, payment.amount);
    payments[index] = { ...payment, amount: payment.amount - cut };
    over -= cut;
  }
  return { ...state, payments: payments.filter((payment) => payment.amount > 0) };
}

/**
 * An amount typed in euros ("12", "12,5", "12.50", "1 200,00") as cents, by its digits: no float
 * touches money. Undefined when it is not an amount (or over the bound).
 */
export function parseEuros(text: string, options: { allowZero?: boolean } = {}): number | undefined {
  const clean = text.replace(/[\s\u00a0\u202f€]/g, "");
  const match = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(clean);
  if (!match) return undefined;
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return (cents > 0 || (options.allowZero === true && cents === 0)) && cents <= TILL_STATE_LIMITS.amountMax ? cents : undefined;
}
