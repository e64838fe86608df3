// Proves the VAT rule VAT = round_half_up(incl × rate / (10000 + rate)), excl = incl − VAT, with
// hand-computed cases (the French rates, exact halves) and fast-check properties against an exact
// rational model: the error never exceeds half a cent, halves go up, VAT + excl = incl, a void
// cancels its sale to the cent; and that a venue under the franchise prices with the art. 293 B
// mention and no VAT lines.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { money } from "../../src/kernel/index.ts";
import { FRANCHISE_MENTION, formatRate, priceCart, vatBreakdown, vatOf } from "../../src/pos/index.ts";
import { line, posBox, type PosBox } from "../helpers/pos.ts";

describe("vatOf", () => {
  test("hand-computed cases at the French rates", () => {
    const cases: Array<[number, number, number]> = [
      // [incl, rate bp, VAT]
      [1200, 2000, 200], // exact
      [450, 2000, 75],
      [100, 2000, 17], // 16.67 -> 17
      [1250, 1000, 114], // 113.64 -> 114
      [100, 1000, 9], // 9.09 -> 9
      [211, 550, 11], // 211 × 550 / 10550 = 11 exactly
      [1000, 550, 52], // 52.13 -> 52
      [1000, 210, 21], // 20.57 -> 21
      [1, 2000, 0], // 0.1667 -> 0
      [3, 2000, 1], // 0.5 exactly -> 1 (half up)
      [0, 2000, 0],
      [999, 0, 0],
    ];
    for (const [incl, rate, vat] of cases) {
      expect(vatOf(money(incl), rate)).toBe(money(vat));
    }
  });

  test("exact halves round up (away from zero for a void)", () => {
    // 3 × 2000 / 12000 = 0.5 and 9 × 2000 / 12000 = 1.5: both round up, symmetric for negatives.
    expect(vatOf(money(3), 2000)).toBe(money(1));
    expect(vatOf(money(9), 2000)).toBe(money(2));
    expect(vatOf(money(-3), 2000)).toBe(money(-1));
    expect(vatOf(money(-9), 2000)).toBe(money(-2));
  });

  test("property: |VAT − exact| ≤ ½ cent, halves up, and VAT never exceeds the inclusive amount", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 10_000 }), (incl, rate) => {
        const vat = BigInt(vatOf(money(incl), rate));
        const denominator = BigInt(10_000 + rate);
        const exactTimesD = BigInt(incl) * BigInt(rate); // exact VAT × denominator
        const errorTimes2D = 2n * vat * denominator - 2n * exactTimesD; // 2·d·(VAT − exact)
        // Within half a cent, and a remainder of exactly half rounds up (the error is then +½).
        expect(errorTimes2D <= denominator && errorTimes2D > -denominator).toBe(true);
        expect(vat >= 0n && vat <= BigInt(incl)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });

  test("property: VAT + excl = incl per rate, and a void's breakdown is exactly the negation", () => {
    const lineArb = fc.record({ vatRateBp: fc.constantFrom(2000, 1000, 550, 210, 0), amount: fc.integer({ min: 1, max: 10_000_000 }) });
    fc.assert(
      fc.property(fc.array(lineArb, { minLength: 1, maxLength: 30 }), (lines) => {
        const sale = vatBreakdown(lines);
        const voided = vatBreakdown(lines.map((entry) => ({ ...entry, amount: -entry.amount })));
        for (const [index, vatLine] of sale.entries()) {
          expect(vatLine.vat + vatLine.excl).toBe(vatLine.incl);
          expect(voided[index]).toEqual({ rateBp: vatLine.rateBp, incl: money(-vatLine.incl), vat: money(0 - vatLine.vat), excl: money(0 - vatLine.excl) });
        }
        expect(sale.reduce((sum, vatLine) => sum + vatLine.incl, 0)).toBe(lines.reduce((sum, entry) => sum + entry.amount, 0));
        // One line per rate, highest first.
        expect(sale.map((vatLine) => vatLine.rateBp)).toEqual([...new Set(lines.map((entry) => entry.vatRateBp))].sort((a, b) => b - a));
      }),
      { numRuns: 2_000 },
    );
  });

  test("property: VAT grows with the amount (never down by more than rounding allows)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000 }), fc.constantFrom(2000, 1000, 550, 210), (incl, extra, rate) => {
        expect(vatOf(money(incl + extra), rate) >= vatOf(money(incl), rate)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  test("rates read as people write them", () => {
    expect([2000, 1000, 550, 210, 0].map(formatRate)).toEqual(["20 %", "10 %", "5,5 %", "2,1 %", "0 %"]);
  });
});

describe("the VAT franchise", () => {
  let pos: PosBox;
  beforeAll(async () => {
    pos = await posBox({ vatStatus: "franchise" });
  });
  afterAll(() => pos.box.dispose());

  test("a venue under art. 293 B prices with the mention and no VAT lines", () => {
    const cart = priceCart(pos.box.sqlite, { pointOfSale: "main", member: false, vatStatus: "franchise" }, [line(pos.items.beer), line(pos.items.burger)]);
    expect(cart.total).toBe(money(1_700));
    expect(cart.vat).toEqual([]);
    expect(cart.vatMention).toBe("TVA non applicable, art. 293 B du CGI");
    expect(FRANCHISE_MENTION).toBe(cart.vatMention!);
    const liable = priceCart(pos.box.sqlite, { pointOfSale: "main", member: false, vatStatus: "liable" }, [line(pos.items.beer)]);
    expect(liable.vatMention).toBeNull();
    expect(liable.vat).toHaveLength(1);
  });
});
