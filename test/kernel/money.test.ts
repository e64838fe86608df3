// Proves money stays an exact integer of minor units: parsing refuses extra decimals instead of
// rounding, arithmetic refuses non-integers and overflow, and display follows the locale.
import { describe, expect, test } from "bun:test";
import { addMoney, formatMoney, money, parseMoney, subMoney } from "../../src/kernel/index.ts";

describe("money", () => {
  test("parses typed amounts into minor units", () => {
    expect(parseMoney("12")).toBe(money(1200));
    expect(parseMoney("12,5")).toBe(money(1250));
    expect(parseMoney(" 0.07 ")).toBe(money(7));
    expect(parseMoney("-3.10")).toBe(money(-310));
  });

  test("refuses what it would have to round or guess", () => {
    for (const text of ["1.234", "abc", "", "1e3", "1.2.3"]) expect(() => parseMoney(text)).toThrow();
  });

  test("adds exactly and refuses non-integers", () => {
    expect(addMoney(money(10), money(20))).toBe(money(30));
    expect(subMoney(money(10), money(20))).toBe(money(-10));
    expect(() => money(0.1 + 0.2)).toThrow();
    expect(() => money(2 ** 53)).toThrow();
  });

  test("formats for French and English readers", () => {
    expect(formatMoney(money(1250)).replace(/\s/g, " ")).toBe("12,50 €");
    expect(formatMoney(money(1250), "EUR", "en-GB")).toBe("€12.50");
  });
});
