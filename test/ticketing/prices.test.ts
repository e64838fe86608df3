// Proves a product's prices on a real box: a new product has its "full" first price; savePrice adds
// and edits prices with stable refusals; ticket_products.price_minor follows the first price; the
// product's limits, sale window, VAT rate and position are saved, kept when left out of an update,
// and refused with stable codes when malformed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeClock } from "../../src/kernel/index.ts";
import { findProduct, listEventPrices, listPrices, PRICE_LIMITS, savePrice, saveProduct, type PriceInput, type ProductInput } from "../../src/ticketing/index.ts";
import { setUp, testBox, type TestBox } from "../helpers/box.ts";
import { HOUR, makeEvent, makeProduct, refusalOf } from "../helpers/orders.ts";

const NOW = Date.UTC(2030, 4, 10, 12, 0);

describe("ticket prices and product settings", () => {
  let box: TestBox;
  let eventId = "";
  const deps = () => ({ newId: box.deps.newId });
  const save = (input: PriceInput) => box.writer.transact((tx) => savePrice(tx, deps(), input));
  const saveP = (input: ProductInput) => box.writer.transact((tx) => saveProduct(tx, deps(), input));

  beforeAll(async () => {
    box = testBox({ clock: new FakeClock(NOW) });
    await setUp(box);
    eventId = makeEvent(box, NOW + 24 * HOUR);
  });
  afterAll(() => box.dispose());

  test("a new product has one full price carrying its id; prices are added after it; price_minor follows the first", () => {
    const product = makeProduct(box, eventId, { name: "Concert", priceMinor: 1500, priceLabel: "Plein" });
    expect(listPrices(box.writer.sqlite, product.id)).toEqual([{ id: product.id, productId: product.id, label: "Plein", kind: "full", amountMinor: 1500, active: true, position: 0 }]);
    const reduced = save({ productId: product.id, label: " Réduit ", kind: "reduced", amountMinor: 1000 });
    expect(reduced).toMatchObject({ label: "Réduit", kind: "reduced", amountMinor: 1000, active: true, position: 1 });
    const free = save({ productId: product.id, label: "Prix libre", kind: "free", amountMinor: 0 });
    expect(listPrices(box.writer.sqlite, product.id).map((price) => price.label)).toEqual(["Plein", "Réduit", "Prix libre"]);
    // Editing the first price moves price_minor; moving another price first does too.
    save({ id: product.id, productId: product.id, label: "Plein", kind: "full", amountMinor: 1800 });
    expect(findProduct(box.writer.sqlite, product.id)!.priceMinor).toBe(1800);
    save({ id: reduced.id, productId: product.id, label: "Réduit", kind: "reduced", amountMinor: 900, position: -1 });
    expect(findProduct(box.writer.sqlite, product.id)!.priceMinor).toBe(900);
    // A withdrawn price goes last and is left out of the active list.
    save({ id: reduced.id, productId: product.id, label: "Réduit", kind: "reduced", amountMinor: 900, active: false });
    expect(listPrices(box.writer.sqlite, product.id, { activeOnly: true }).map((price) => price.id)).toEqual([product.id, free.id]);
    expect(findProduct(box.writer.sqlite, product.id)!.priceMinor).toBe(1800);
    expect(listEventPrices(box.writer.sqlite, eventId).filter((price) => price.productId === product.id).length).toBe(3);
    // saveProduct's priceMinor on an update sets the first price.
    saveP({ id: product.id, eventId, name: "Concert", priceMinor: 2000, quota: null });
    expect(listPrices(box.writer.sqlite, product.id)[0]!.amountMinor).toBe(2000);
    expect(findProduct(box.writer.sqlite, product.id)!.priceMinor).toBe(2000);
  });

  test("price refusals have stable codes and write nothing", () => {
    const product = makeProduct(box, eventId, { name: "Refus" });
    const cases: [string, PriceInput][] = [
      ["price_label_required", { productId: product.id, label: "  ", kind: "full", amountMinor: 100 }],
      ["price_label_too_long", { productId: product.id, label: "x".repeat(PRICE_LIMITS.labelChars + 1), kind: "full", amountMinor: 100 }],
      ["price_kind_invalid", { productId: product.id, label: "x", kind: "vip", amountMinor: 100 }],
      ["price_invalid", { productId: product.id, label: "x", kind: "full", amountMinor: -1 }],
      ["price_invalid", { productId: product.id, label: "x", kind: "full", amountMinor: 1.5 }],
      ["position_invalid", { productId: product.id, label: "x", kind: "full", amountMinor: 1, position: 0.5 }],
      ["product_unknown", { productId: "nope", label: "x", kind: "full", amountMinor: 100 }],
      ["price_unknown", { id: "nope", productId: product.id, label: "x", kind: "full", amountMinor: 100 }],
    ];
    for (const [code, input] of cases) expect([code, refusalOf(() => save(input))]).toEqual([code, code]);
    expect(listPrices(box.writer.sqlite, product.id).length).toBe(1);
    for (let i = 1; i < PRICE_LIMITS.perProduct; i++) save({ productId: product.id, label: `P${i}`, kind: "reduced", amountMinor: i });
    expect(refusalOf(() => save({ productId: product.id, label: "one too many", kind: "reduced", amountMinor: 1 }))).toBe("prices_full");
  });

  test("limits, sale window, VAT and position are saved, kept when left out, and checked", () => {
    const product = makeProduct(box, eventId, { name: "Limité", perOrderMax: 4, perPersonMax: 6, saleFromMs: NOW - HOUR, saleUntilMs: NOW + HOUR, vatRateBp: 2000, position: 3 });
    expect(product).toMatchObject({ perOrderMax: 4, perPersonMax: 6, saleFromMs: NOW - HOUR, saleUntilMs: NOW + HOUR, vatRateBp: 2000, position: 3 });
    expect(makeProduct(box, eventId, { name: "Défaut" })).toMatchObject({ perOrderMax: null, perPersonMax: null, saleFromMs: null, saleUntilMs: null, vatRateBp: 550, position: 0 });
    const renamed = saveP({ id: product.id, eventId, name: "Limité 2", quota: 10 });
    expect(renamed).toMatchObject({ name: "Limité 2", quota: 10, perOrderMax: 4, perPersonMax: 6, saleUntilMs: NOW + HOUR, vatRateBp: 2000, priceMinor: 1200 });
    expect(saveP({ id: product.id, eventId, name: "Limité 2", quota: 10, perOrderMax: null, saleUntilMs: null })).toMatchObject({ perOrderMax: null, saleUntilMs: null, perPersonMax: 6 });
    const base = { eventId, name: "x", priceMinor: 100, quota: null };
    const cases: [string, ProductInput][] = [
      ["limit_invalid", { ...base, perOrderMax: 0 }],
      ["limit_invalid", { ...base, perPersonMax: 2.5 }],
      ["sale_window_invalid", { ...base, saleFromMs: NOW, saleUntilMs: NOW }],
      ["sale_window_invalid", { ...base, saleFromMs: -5 }],
      ["vat_rate_invalid", { ...base, vatRateBp: 10_001 }],
      ["position_invalid", { ...base, position: 1.5 }],
      ["price_label_required", { ...base, priceLabel: " " }],
      ["price_invalid", { eventId, name: "x", quota: null }],
      ["product_unknown", { ...base, id: "nope" }],
    ];
    const before = box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ticket_products").get()!.n;
    for (const [code, input] of cases) expect([code, refusalOf(() => saveP(input))]).toEqual([code, code]);
    expect(box.writer.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ticket_products").get()!.n).toBe(before);
  });
});
