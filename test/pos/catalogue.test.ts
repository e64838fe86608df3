// Proves the catalogue on a real SQLite file: the migration seeds only the French VAT rates, the
// five payment methods and the point of sale "main"; every bad input to an item, a price, a point
// of sale, a category or a VAT rate is refused with its stable code and writes nothing; a price
// keeps its id across an edit; items are listed per point of sale.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isAppError } from "../../src/kernel/index.ts";
import {
  listItems,
  listPaymentMethods,
  listPointsOfSale,
  listVatRates,
  readPosSettings,
  saveCategory,
  saveItem,
  savePaymentMethod,
  savePointOfSale,
  savePosSettings,
  saveVatRate,
  setItemStock,
  type ItemInput,
} from "../../src/pos/index.ts";
import { testBox, type TestBox } from "../helpers/box.ts";
import { setUpVenue } from "../helpers/pos.ts";

let box: TestBox;

beforeAll(async () => {
  box = testBox();
  await setUpVenue(box);
});
afterAll(() => box.dispose());

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return error.code;
    throw error;
  }
  return "accepted";
}

const valid: ItemInput = { name: "Limonade", pointsOfSale: ["main"], prices: [{ label: "33 cl", kind: "fixed", amount: 300 }], vatRateBp: 550 };

function save(input: Partial<ItemInput> & { id?: string }) {
  return box.writer.transact((tx) => saveItem(tx, box.deps.newId, { ...valid, ...input }));
}

test("the migration seeds the VAT rates, the payment methods and the point of sale main, and nothing else", () => {
  expect(listVatRates(box.sqlite).map((rate) => [rate.rateBp, rate.label])).toEqual([
    [2000, "20 %"],
    [1000, "10 %"],
    [550, "5,5 %"],
    [210, "2,1 %"],
  ]);
  expect(listPaymentMethods(box.sqlite).map((method) => method.code)).toEqual(["nfc_card", "cash", "card_terminal", "cheque", "offered"]);
  expect(listPointsOfSale(box.sqlite)).toEqual([{ code: "main", name: "Bar", kind: "bar", active: true }]);
  expect(listItems(box.sqlite)).toEqual([]);
  expect(readPosSettings(box.sqlite).businessDayEndMinute).toBe(360);
});

describe("items", () => {
  test("a valid item is saved with its prices and points of sale", () => {
    const item = save({ prices: [{ label: "33 cl", kind: "fixed", amount: 300, memberAmount: 250 }, { label: "Libre", kind: "free", amount: 0 }], stock: 24, lowStockThreshold: 6, printGroup: "Bar" });
    expect(item).toMatchObject({ name: "Limonade", vatRateBp: 550, printGroup: "bar", stock: 24, lowStockThreshold: 6, active: true, pointsOfSale: ["main"] });
    expect(item.prices.map((price) => [price.label, price.kind, price.amount, price.memberAmount])).toEqual([
      ["33 cl", "fixed", 300, 250],
      ["Libre", "free", 0, null],
    ]);
  });

  test("each bad input is refused with its code, and nothing is written", () => {
    const before = listItems(box.sqlite).length;
    const cases: Array<[Partial<ItemInput>, string]> = [
      [{ name: "  " }, "name_required"],
      [{ name: "x".repeat(201) }, "name_too_long"],
      [{ pointsOfSale: [] }, "point_of_sale_required"],
      [{ pointsOfSale: ["nowhere"] }, "point_of_sale_unknown"],
      [{ categoryId: "nope" }, "category_unknown"],
      [{ prices: [] }, "prices_required"],
      [{ prices: Array.from({ length: 11 }, (_, i) => ({ label: `p${i}`, kind: "fixed", amount: 100 })) }, "prices_required"],
      [{ prices: [{ label: "a", kind: "fixed", amount: 100 }, { label: "", kind: "fixed", amount: 200 }] }, "price_label_required"],
      [{ prices: [{ label: "a", kind: "gratis", amount: 100 }] }, "price_kind_invalid"],
      [{ prices: [{ label: "a", kind: "fixed", amount: 0 }] }, "amount_invalid"],
      [{ prices: [{ label: "a", kind: "fixed", amount: 12.5 }] }, "amount_invalid"],
      [{ prices: [{ label: "a", kind: "fixed", amount: -100 }] }, "amount_invalid"],
      [{ prices: [{ label: "a", kind: "fixed", amount: "300" }] }, "amount_invalid"],
      [{ prices: [{ label: "a", kind: "free", amount: 100, memberAmount: 50 }] }, "member_price_invalid"],
      [{ vatRateBp: 1960 }, "vat_rate_unknown"],
      [{ vatRateBp: 20.5 }, "vat_rate_invalid"],
      [{ vatRateBp: 10_001 }, "vat_rate_invalid"],
      [{ printGroup: "la cuisine!" }, "print_group_invalid"],
      [{ acceptedAssets: ["DOGE"] }, "asset_unknown"],
      [{ paymentMethods: ["bitcoin"] }, "payment_method_unknown"],
      [{ stock: -1 }, "stock_invalid"],
      [{ stock: 1.5 }, "stock_invalid"],
      [{ lowStockThreshold: -2 }, "low_stock_threshold_invalid"],
    ];
    for (const [input, code] of cases) expect([JSON.stringify(input).slice(0, 60), codeOf(() => save(input))]).toEqual([JSON.stringify(input).slice(0, 60), code]);
    expect(listItems(box.sqlite)).toHaveLength(before);
  });

  test("an edit keeps the ids of the prices sent back, drops the others, and refuses another item's price id", () => {
    const item = save({ prices: [{ label: "Pinte", kind: "fixed", amount: 450 }, { label: "Demi", kind: "fixed", amount: 300 }] });
    const pinte = item.prices[0]!;
    const edited = save({ id: item.id, prices: [{ id: pinte.id, label: "Pinte", kind: "fixed", amount: 480 }] });
    expect(edited.prices).toEqual([{ id: pinte.id, label: "Pinte", kind: "fixed", amount: 480, memberAmount: null }]);
    const other = save({});
    expect(codeOf(() => save({ id: other.id, prices: [{ id: pinte.id, label: "x", kind: "fixed", amount: 1 }] }))).toBe("price_unknown");
    expect(codeOf(() => save({ id: "missing" }))).toBe("item_unknown");
  });

  test("items are listed per point of sale and active only on request; stock can be counted again", () => {
    box.writer.transact((tx) => savePointOfSale(tx, { code: "expo", name: "Expo", kind: "shop" }));
    const poster = save({ name: "Affiche", pointsOfSale: ["expo"] });
    const hidden = save({ name: "Caché", pointsOfSale: ["expo"], active: false });
    expect(listItems(box.sqlite, { pointOfSale: "expo" }).map((item) => item.name)).toEqual(["Affiche", "Caché"]);
    expect(listItems(box.sqlite, { pointOfSale: "expo", activeOnly: true }).map((item) => item.id)).toEqual([poster.id]);
    expect(box.writer.transact((tx) => setItemStock(tx, hidden.id, 12)).stock).toBe(12);
    expect(box.writer.transact((tx) => setItemStock(tx, hidden.id, null)).stock).toBeNull();
  });
});

describe("points of sale, categories, VAT rates, payment methods, settings", () => {
  test("bad input is refused with its code", () => {
    const tx = <T>(run: (t: Parameters<Parameters<typeof box.writer.transact>[0]>[0]) => T) => () => box.writer.transact(run);
    expect(codeOf(tx((t) => savePointOfSale(t, { code: "Bar Principal", name: "x", kind: "bar" })))).toBe("point_of_sale_invalid");
    expect(codeOf(tx((t) => savePointOfSale(t, { code: "bar2", name: "x", kind: "pub" })))).toBe("point_of_sale_kind_invalid");
    expect(codeOf(tx((t) => savePointOfSale(t, { code: "bar2", name: "", kind: "bar" })))).toBe("name_required");
    expect(codeOf(tx((t) => saveCategory(t, box.deps.newId, { name: "Snacks", colour: "red" })))).toBe("colour_invalid");
    expect(codeOf(tx((t) => saveCategory(t, box.deps.newId, { id: "nope", name: "Snacks", colour: "#ff0000" })))).toBe("category_unknown");
    expect(codeOf(tx((t) => saveVatRate(t, { rateBp: -5 })))).toBe("vat_rate_invalid");
    expect(codeOf(tx((t) => savePaymentMethod(t, { code: "bitcoin", active: true })))).toBe("payment_method_unknown");
    expect(codeOf(tx((t) => savePosSettings(t, { businessDayEndMinute: 1440 })))).toBe("business_day_end_invalid");
  });

  test("kinds, colours, a new rate, a method turned off and the business day's end are saved", () => {
    const kinds = ["bar", "kitchen", "shop", "box_office", "topup_desk"] as const;
    for (const kind of kinds) expect(box.writer.transact((tx) => savePointOfSale(tx, { code: `p-${kind}`, name: kind, kind })).kind).toBe(kind);
    expect(box.writer.transact((tx) => saveCategory(tx, box.deps.newId, { name: "Snacks", colour: "#FFAA00", position: 3 })).colour).toBe("#ffaa00");
    box.writer.transact((tx) => saveVatRate(tx, { rateBp: 850, label: "8,5 % (DOM)" }));
    expect(listVatRates(box.sqlite).map((rate) => rate.rateBp)).toContain(850);
    box.writer.transact((tx) => savePaymentMethod(tx, { code: "cheque", active: false }));
    expect(listPaymentMethods(box.sqlite).find((method) => method.code === "cheque")!.active).toBe(false);
    expect(box.writer.transact((tx) => savePosSettings(tx, { businessDayEndMinute: 300 })).businessDayEndMinute).toBe(300);
  });
});
