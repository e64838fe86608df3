/**
 * Money is an integer count of minor units (cents for the euro), branded so that a plain
 * number never passes for an amount by accident. This module is the only place that creates it.
 */
import { fail } from "./errors.ts";

declare const moneyBrand: unique symbol;
export type Money = number & { readonly [moneyBrand]: "Money" };

/** Amounts stay far inside the safe-integer range so that sums of many amounts stay exact. */
export const MONEY_MAX_MINOR = 2 ** 48;

export function money(minorUnits: number): Money {
  if (!Number.isSafeInteger(minorUnits) || Math.abs(minorUnits) > MONEY_MAX_MINOR) {
    fail("amount_invalid", `amount must be an integer count of minor units, got ${minorUnits}`);
  }
  return minorUnits as Money;
}

export const ZERO = 0 as Money;

export function addMoney(a: Money, b: Money): Money {
  return money(a + b);
}

export function subMoney(a: Money, b: Money): Money {
  return money(a - b);
}

export function negateMoney(a: Money): Money {
  return money(-a);
}

/**
 * Parses a decimal string typed by a person ("12", "12.5", "12,50") into minor units with the
 * given scale. Refuses more decimals than the scale: rounding a typed amount silently is a bug.
 */
export function parseMoney(text: string, scale = 2): Money {
  const cleaned = text.trim().replace(",", ".");
  const match = /^(-?)(\d{1,15})(?:\.(\d+))?$/.exec(cleaned);
  if (!match) fail("amount_invalid", `not an amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > scale) fail("amount_invalid", `at most ${scale} decimals: ${text}`);
  const minor = Number(whole) * 10 ** scale + Number(fraction.padEnd(scale, "0") || "0");
  return money(sign === "-" ? -minor : minor);
}

/** Formats minor units for display in the given locale ("12,50 €" in French). */
export function formatMoney(amount: Money, currency = "EUR", locale = "fr-FR", scale = 2): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: scale,
    maximumFractionDigits: scale,
  }).format(amount / 10 ** scale);
}
