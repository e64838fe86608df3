/**
 * VAT from VAT-inclusive prices, per rate, per receipt. Prices in the catalogue include VAT; a
 * receipt groups its lines by rate and, for each rate, takes the VAT out of the inclusive total:
 *
 *   VAT = round_half_up(total_incl × rate / (10000 + rate)),  excl = total_incl − VAT
 *
 * with rates in basis points (2000 = 20 %). The division is exact in BigInt and rounds half up
 * (a remainder of exactly one half goes up); the excluded amount takes whatever the rounding left,
 * so VAT + excl = incl always. A negative total (a void) rounds symmetrically: VAT(−x) = −VAT(x),
 * so a void cancels its sale to the cent. Closures add the receipts' VAT; they never recompute it
 * from a day's total (the sum of rounded figures is what was printed).
 *
 * Associations under the VAT franchise (art. 293 B of the French tax code) charge no VAT: their
 * receipts carry the mention below and no VAT lines.
 */
import { assert, money, type Money } from "../kernel/index.ts";

export const FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI";

/** Rates are whole basis points from 0 to 10000 (0 % to 100 %). */
export const VAT_RATE_MAX_BP = 10_000;

export interface VatLine {
  readonly rateBp: number;
  /** Total of the rate's lines, VAT included. */
  readonly incl: Money;
  readonly vat: Money;
  readonly excl: Money;
}

/** The VAT inside a VAT-inclusive amount at a rate in basis points, rounded half up (symmetric). */
export function vatOf(inclusive: Money, rateBp: number): Money {
  assert(Number.isInteger(rateBp) && rateBp >= 0 && rateBp <= VAT_RATE_MAX_BP, `VAT rate ${rateBp} bp`);
  const denominator = BigInt(VAT_RATE_MAX_BP + rateBp);
  const numerator = BigInt(Math.abs(inclusive)) * BigInt(rateBp);
  // floor(n / d + 1/2) = floor((2n + d) / 2d): half up, in integers.
  const rounded = Number((2n * numerator + denominator) / (2n * denominator));
  return money(inclusive < 0 ? 0 - rounded : rounded);
}

/** The VAT lines of a receipt: one per rate present (highest rate first), from the lines' inclusive amounts. */
export function vatBreakdown(lines: ReadonlyArray<{ readonly vatRateBp: number; readonly amount: number }>): VatLine[] {
  const byRate = new Map<number, number>();
  for (const line of lines) byRate.set(line.vatRateBp, (byRate.get(line.vatRateBp) ?? 0) + line.amount);
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rateBp, total]) => {
      const incl = money(total);
      const vat = vatOf(incl, rateBp);
      return { rateBp, incl, vat, excl: money(incl - vat) };
    });
}

/** The rate as people read it: 2000 → "20 %", 550 → "5,5 %". */
export function formatRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const cents = rateBp % 100;
  if (cents === 0) return `${whole} %`;
  return `${whole},${String(cents).padStart(2, "0").replace(/0$/, "")} %`;
}
