// Proves the sale service on a real SQLite file: the server prices from the catalogue (a tampered
// price is ignored, a free price below its minimum refused), quantities and items are checked,
// payments must settle the total (cash alone gives change, split card + cash works), a card short of
// money refuses the whole sale and writes nothing, training sales touch no total, no stock and no
// ledger, member prices need a member's card, stock and order tickets follow the sale, and a void
// needs a manager, happens once, and puts money and stock back.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { isAppError } from "../../src/kernel/index.ts";
import { balanceOf, walletAccount } from "../../src/ledger/index.ts";
import { grantMembership, insertMember } from "../../src/membership/index.ts";
import { createSale, findItem, insertPrinter, readFiscalRecord, saveItem, voidSale, type SaleInput } from "../../src/pos/index.ts";
import { cardByUid, insertWallet, moveAllBalances, topUp } from "../../src/wallet/index.ts";
import { footprint, line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";

let pos: PosBox;

beforeAll(async () => {
  pos = await posBox();
});
afterAll(() => pos.box.dispose());

function sell(input: SaleInput, actor = seller()) {
  return pos.box.writer.transact((tx) => createSale(tx, pos.deps, actor, input));
}

function refusal(run: () => unknown): { code: string; details: Record<string, unknown> | undefined } {
  try {
    run();
  } catch (error) {
    if (isAppError(error)) return { code: error.code, details: error.details as Record<string, unknown> | undefined };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("pricing from the catalogue", () => {
  test("the server's price wins: an amount sent for a fixed price is ignored", () => {
    const { beer } = pos.items;
    const sale = sell({ pointOfSale: "main", lines: [{ itemId: beer.id, priceId: beer.prices[0]!.id, amount: 1, quantity: 2 }], payments: [{ method: "cash", amount: 900 }] });
    expect(sale.total).toBe(900);
    expect(sale.change).toBe(0);
    const record = readFiscalRecord(pos.box.sqlite, sale.fiscalSeq!)!;
    expect((record.payload.lines as Array<{ unit_amount: number }>)[0]!.unit_amount).toBe(450);
  });

  test("a free price takes the customer's amount, never below its minimum", () => {
    const { donation } = pos.items;
    expect(sell({ pointOfSale: "main", lines: [{ itemId: donation.id, amount: 500, quantity: 1 }], payments: [{ method: "cash", amount: 500 }] }).total).toBe(500);
    const below = refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: donation.id, amount: 150, quantity: 1 }], payments: [{ method: "cash", amount: 150 }] }));
    expect(below.code).toBe("price_below_minimum");
    expect(below.details?.minimum).toBe(200);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: donation.id, priceId: donation.prices[0]!.id, quantity: 1 }], payments: [{ method: "cash", amount: 200 }] })).code).toBe(
      "amount_invalid",
    );
  });

  test("negative, zero and fractional quantities are quantity_invalid", () => {
    for (const quantity of [0, -1, 1.5, "2", Number.NaN, 10_001]) {
      expect(refusal(() => sell({ pointOfSale: "main", lines: [{ ...line(pos.items.beer), quantity }], payments: [{ method: "cash", amount: 450 }] })).code).toBe("quantity_invalid");
    }
  });

  test("unknown, inactive and elsewhere-sold items, unknown prices and points of sale are refused", () => {
    const pay = [{ method: "cash", amount: 10_000 }];
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: "nope", quantity: 1 }], payments: pay })).code).toBe("item_unknown");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [line(pos.items.tshirt)], payments: pay })).code).toBe("item_not_at_point_of_sale");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: pos.items.beer.id, priceId: "other", quantity: 1 }], payments: pay })).code).toBe("price_unknown");
    expect(refusal(() => sell({ pointOfSale: "nowhere", lines: [line(pos.items.beer)], payments: pay })).code).toBe("point_of_sale_unknown");
    const old = pos.box.writer.transact((tx) =>
      saveItem(tx, pos.box.deps.newId, { name: "Vieux sirop", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 100 }], vatRateBp: 550, active: false }),
    );
    expect(refusal(() => sell({ pointOfSale: "main", lines: [line(old)], payments: pay })).code).toBe("item_inactive");
  });

  test("a stale cart's expected total is price_changed, with the server's total", () => {
    const stale = refusal(() => sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 500 }], expectedTotal: 400 }));
    expect(stale.code).toBe("price_changed");
    expect(stale.details?.total).toBe(450);
  });
});

describe("payments", () => {
  test("payments must settle the total: short, or a card above it, is payment_mismatch; cash alone gives change", () => {
    const uid = loadCard(pos.box, pos.deps, 1, 5_000);
    const cart = { pointOfSale: "main", lines: [line(pos.items.beer, 2)] };
    expect(refusal(() => sell({ ...cart, payments: [{ method: "cash", amount: 899 }] })).code).toBe("payment_mismatch");
    expect(refusal(() => sell({ ...cart, payments: [{ method: "card_terminal", amount: 1_000 }] })).code).toBe("payment_mismatch");
    expect(refusal(() => sell({ ...cart, payments: [{ method: "nfc_card", amount: 1_000, cardUid: uid }] })).code).toBe("payment_mismatch");
    expect(sell({ ...cart, payments: [{ method: "cash", amount: 2_000 }] }).change).toBe(1_100);
  });

  test("split payment card + cash with change: one ledger entry for the card part, change from the cash", () => {
    const uid = loadCard(pos.box, pos.deps, 2, 1_000);
    const wallet = cardByUid(pos.box.sqlite, uid)!.walletId;
    // Burger 1250 + beer 450 = 1700: 1000 from the card, 1000 in cash, 300 back.
    const sale = sell({ pointOfSale: "main", lines: [line(pos.items.burger), line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 1_000, cardUid: uid }, { method: "cash", amount: 1_000 }] });
    expect(sale.total).toBe(1_700);
    expect(sale.change).toBe(300);
    expect(sale.payments.map((payment) => [payment.method, payment.amount, payment.tendered])).toEqual([
      ["nfc_card", 1_000, 1_000],
      ["cash", 700, 1_000],
    ]);
    expect(sale.payments[0]!.entrySeq).toBeGreaterThan(0);
    expect(sale.payments[0]!.balances).toEqual({ GIFT: 0, EUR: 0 });
    expect(balanceOf(pos.box.sqlite, walletAccount(wallet), "EUR")).toBe(0);
    expect(sale.vat.map((vatLine) => [vatLine.rateBp, vatLine.incl, vatLine.vat, vatLine.excl])).toEqual([
      [2000, 450, 75, 375],
      [1000, 1250, 114, 1136],
    ]);
  });

  test("a card short of money refuses the whole sale: no sale, fiscal record, ledger entry, stock change or ticket", () => {
    const rich = loadCard(pos.box, pos.deps, 3, 5_000);
    const poor = loadCard(pos.box, pos.deps, 4, 100);
    pos.box.writer.transact((tx) => insertPrinter(tx, pos.box.deps.newId, { name: "Cuisine", kind: "simulated", address: "k", paperMm: 80, codePage: "pc858", printGroups: ["kitchen"], hasCashDrawer: false, active: true }));
    const before = footprint(pos.box.sqlite);
    const short = refusal(() =>
      sell({ pointOfSale: "main", lines: [line(pos.items.burger, 2)], payments: [{ method: "nfc_card", amount: 2_000, cardUid: rich }, { method: "nfc_card", amount: 500, cardUid: poor }] }),
    );
    expect(short.code).toBe("insufficient_funds");
    expect(short.details?.missing).toBe(400);
    expect(footprint(pos.box.sqlite)).toEqual(before);
  });

  test("an offered sale needs a manager", () => {
    const cart = { pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "offered", amount: 150 }] };
    expect(refusal(() => sell(cart)).code).toBe("manager_required");
    expect(sell(cart, seller("manager")).payments[0]!.method).toBe("offered");
  });

  test("a card pays an item restricted to EUR from EUR only, never from GIFT", () => {
    const uid = loadCard(pos.box, pos.deps, 5, 100);
    // A gift of 500 GIFT, which payments spend first by default.
    pos.box.writer.transact((tx) =>
      topUp(tx, pos.deps, { scope: "terminal:till-1", idempotencyKey: `gift-${uid}`, role: "manager" }, { cardUid: uid, asset: "GIFT", amount: 500, method: "offered" }),
    );
    const refused = refusal(() => sell({ pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "nfc_card", amount: 150, cardUid: uid }] }));
    expect(refused.code).toBe("insufficient_funds");
    expect(refused.details?.missing).toBe(50);
    const sale = sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 450, cardUid: uid }] });
    expect(sale.payments[0]!.balances).toEqual({ GIFT: 50, EUR: 100 });
  });
});

describe("training sales", () => {
  test("a training sale paid by card moves no money, takes no stock, appends no fiscal record and counts apart", () => {
    const uid = loadCard(pos.box, pos.deps, 6, 2_000);
    const before = footprint(pos.box.sqlite);
    const sale = sell({ pointOfSale: "main", lines: [line(pos.items.burger)], payments: [{ method: "nfc_card", amount: 1_250, cardUid: uid }], training: true });
    expect(sale.training).toBe(true);
    expect(sale.fiscalSeq).toBeNull();
    expect(sale.payments[0]!.entrySeq).toBeNull();
    expect(sale.payments[0]!.balances?.EUR).toBe(750);
    const after = footprint(pos.box.sqlite);
    expect({ ...after, sales: before.sales, lines: before.lines, payments: before.payments }).toEqual(before);
    expect(pos.box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM sales WHERE training = 1").get()!.n).toBeGreaterThanOrEqual(1);
    // Still refused like a real one when the card cannot pay.
    expect(refusal(() => sell({ pointOfSale: "main", lines: [line(pos.items.burger, 2)], payments: [{ method: "nfc_card", amount: 2_500, cardUid: uid }], training: true })).code).toBe(
      "insufficient_funds",
    );
  });

  test("training numbers run apart from real ones, which stay gapless", () => {
    const real = sell({ pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "cash", amount: 150 }] });
    const training = sell({ pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "cash", amount: 150 }], training: true });
    const next = sell({ pointOfSale: "main", lines: [line(pos.items.coffee)], payments: [{ method: "cash", amount: 150 }] });
    expect(next.number).toBe(real.number + 1);
    const numbers = pos.box.sqlite.query<{ number: number }, []>("SELECT number FROM sales WHERE training = 0 ORDER BY number").all().map((row) => row.number);
    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
    expect(training.number).toBeLessThan(real.number);
  });
});

describe("members, stock, order tickets", () => {
  test("the member price needs a member's card (with a valid membership); a plain card pays the normal price", () => {
    const plain = loadCard(pos.box, pos.deps, 7, 2_000);
    const memberCard = loadCard(pos.box, pos.deps, 8, 2_000);
    pos.box.writer.transact((tx) => {
      const card = cardByUid(tx.sqlite, memberCard)!;
      const member = insertMember(tx, pos.box.deps.newId, { name: "Mia Member" }, insertWallet(tx, pos.box.deps.newId));
      const nowMs = pos.box.deps.clock.nowMs();
      grantMembership(tx, pos.box.deps.newId, { memberId: member.id, label: "Adhésion", validFromMs: nowMs - 1, validUntilMs: nowMs + 365 * 86_400_000 });
      moveAllBalances(tx, pos.deps, { scope: "test", idempotencyKey: "merge-8", role: "manager" }, "merge", card.walletId, member.walletId, { card: card.id });
      tx.sqlite.query("UPDATE cards SET wallet_id = ? WHERE id = ?").run(member.walletId, card.id);
    });
    const normal = sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 450, cardUid: plain }] });
    expect(normal.memberId).toBeNull();
    const member = sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 400, cardUid: memberCard }] });
    expect(member.total).toBe(400);
    expect(member.memberId).not.toBeNull();
    // A member paying cash identifies with the card.
    expect(sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "cash", amount: 400 }], memberCardUid: memberCard }).total).toBe(400);
  });

  test("stock goes down with each sale, warns when low, refuses beyond it; order tickets go to their print group", () => {
    const stock = findItem(pos.box.sqlite, pos.items.burger.id)!.stock!;
    const sale = sell({ pointOfSale: "main", lines: [line(pos.items.burger, stock - 2), line(pos.items.beer)], payments: [{ method: "cash", amount: 1_250 * (stock - 2) + 450 }] });
    expect(findItem(pos.box.sqlite, pos.items.burger.id)!.stock).toBe(2);
    expect(sale.lowStock).toEqual([{ itemId: pos.items.burger.id, name: "Burger", stock: 2 }]);
    // The kitchen printer gets one ticket; the bar group has no printer: nothing queued, no error.
    expect(sale.printJobs).toHaveLength(1);
    expect(sale.printWarnings).toEqual([]);
    const job = pos.box.sqlite.query<{ kind: string; document: string }, [number]>("SELECT kind, document FROM print_jobs WHERE id = ?").get(sale.printJobs[0]!)!;
    expect(job.kind).toBe("order");
    expect(job.document).toContain(`${stock - 2} x Burger`);
    expect(job.document).not.toContain("Bière");
    const out = refusal(() => sell({ pointOfSale: "main", lines: [line(pos.items.burger, 3)], payments: [{ method: "cash", amount: 3_750 }] }));
    expect(out.code).toBe("out_of_stock");
    expect(out.details?.stock).toBe(2);
  });
});

describe("voids", () => {
  test("a cashier may not void; a manager voids once: fiscal record, card money and stock back", () => {
    const uid = loadCard(pos.box, pos.deps, 9, 3_000);
    const wallet = cardByUid(pos.box.sqlite, uid)!.walletId;
    const stock = findItem(pos.box.sqlite, pos.items.burger.id)!.stock!;
    const sale = sell({ pointOfSale: "main", lines: [line(pos.items.burger)], payments: [{ method: "nfc_card", amount: 1_250, cardUid: uid }] });
    expect(balanceOf(pos.box.sqlite, walletAccount(wallet), "EUR")).toBe(1_750);
    expect(refusal(() => pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("cashier"), { number: sale.number }))).code).toBe("manager_required");
    const voided = pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: sale.number, reason: "erreur" }));
    expect(voided.voidEntries).toHaveLength(1);
    expect(balanceOf(pos.box.sqlite, walletAccount(wallet), "EUR")).toBe(3_000);
    expect(findItem(pos.box.sqlite, pos.items.burger.id)!.stock).toBe(stock);
    const record = readFiscalRecord(pos.box.sqlite, voided.fiscalSeq)!;
    expect(record.kind).toBe("sale_void");
    expect(record.payload.total).toBe(-1_250);
    expect(record.grandTotalAfter).toBe(readFiscalRecord(pos.box.sqlite, voided.fiscalSeq - 1)!.grandTotalAfter - 1_250);
    expect(refusal(() => pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: sale.number }))).code).toBe("already_voided");
    expect(refusal(() => pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: 99_999 }))).code).toBe("sale_unknown");
  });

  test("every card of the tests kept its own money: the ledger never went negative", () => {
    const negative = pos.box.sqlite.query<{ n: number }, []>("SELECT count(*) AS n FROM ledger_balances WHERE account LIKE 'wallet:%' AND balance < 0").get()!.n;
    expect(negative).toBe(0);
  });
});
