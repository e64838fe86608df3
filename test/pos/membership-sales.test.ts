// Proves that membership products sold at the till (items mp_<membership product id>) go through
// the point of sale and the ticketing room's order in one transaction, on a real SQLite file: the
// quote and the sale agree (the product's price and VAT; a free price takes the customer's amount,
// never below the minimum), the sale needs a member card tapped (member_required), writes one paid
// till order with a membership line linked to the sale, and grants the product's own window (a
// calendar year ends on 1 January local) to the card's member; a refusal (no card, below the
// minimum, two units, an inactive product, a cheque) writes no row anywhere; voiding the sale
// refunds the order and ends the membership; a training sale grants nothing.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { insertMember, listMemberships, membershipOf, membershipWindowFor, saveMembershipProduct } from "../../src/membership/index.ts";
import { createSale, findMembershipItem, membershipItemId, priceCart, readFiscalRecord, tillMembershipOffers, voidSale, type SaleInput } from "../../src/pos/index.ts";
import { findOrder } from "../../src/ticketing/index.ts";
import { cardByUid, insertWallet, moveAllBalances } from "../../src/wallet/index.ts";
import { rowCounts } from "../helpers/orders.ts";
import { loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";
import { refusalCode as refusal } from "../helpers/refusals.ts";

let pos: PosBox;
let yearId = "";
let supportId = "";
let oldId = "";

beforeAll(async () => {
  pos = await posBox();
  pos.box.writer.transact((tx) => {
    yearId = saveMembershipProduct(tx, pos.box.deps, { name: "Adhésion année civile", duration: "calendar_year", amountMinor: 1500, vatRateBp: 0 }).id;
    supportId = saveMembershipProduct(tx, pos.box.deps, { name: "Soutien", duration: "rolling_year", amountMinor: 500, freePrice: true }).id;
    oldId = saveMembershipProduct(tx, pos.box.deps, { name: "Ancienne", duration: "month", amountMinor: 300, active: false }).id;
  });
});
afterAll(() => pos.box.dispose());

const now = () => pos.box.deps.clock.nowMs();

function sell(input: SaleInput, actor = seller()) {
  return pos.box.writer.transact((tx) => createSale(tx, pos.deps, actor, input));
}

/** A loaded card that belongs to a new member without any membership; answers its UID and the member. */
function memberCard(n: number): { uid: string; memberId: string } {
  const uid = loadCard(pos.box, pos.deps, n, 5_000);
  const memberId = pos.box.writer.transact((tx) => {
    const card = cardByUid(tx.sqlite, uid)!;
    const member = insertMember(tx, pos.box.deps.newId, { name: `Noé ${n}` }, insertWallet(tx, pos.box.deps.newId));
    moveAllBalances(tx, pos.deps, { scope: "test", idempotencyKey: `merge-m-${n}`, role: "manager" }, "merge", card.walletId, member.walletId, { card: card.id });
    tx.sqlite.query("UPDATE cards SET wallet_id = ? WHERE id = ?").run(member.walletId, card.id);
    return member.id;
  });
  return { uid, memberId };
}

const year = () => ({ itemId: membershipItemId(yearId), priceId: yearId, quantity: 1 });

describe("memberships at the till", () => {
  test("the till offers the active products as mp_ items priced by the product", () => {
    const offers = tillMembershipOffers(pos.box.sqlite);
    expect(offers.map((offer) => offer.itemId).sort()).toEqual([membershipItemId(yearId), membershipItemId(supportId)].sort());
    expect(findMembershipItem(pos.box.sqlite, membershipItemId(yearId))).toMatchObject({ name: "Adhésion année civile", membershipDays: null, prices: [{ id: yearId, kind: "fixed", amount: 1500 }] });
    const quote = priceCart(pos.box.sqlite, { pointOfSale: "main", member: false, vatStatus: "liable", nowMs: now() }, [year(), { itemId: membershipItemId(supportId), amount: 800, quantity: 1 }]);
    expect(Number(quote.total)).toBe(2_300);
    expect(quote.lines.map((line) => line.membership?.productId)).toEqual([yearId, supportId]);
  });

  test("a sale with a member card: a paid till order with a membership line grants the product's window", () => {
    const { uid, memberId } = memberCard(71);
    const sale = sell({ pointOfSale: "main", lines: [year()], payments: [{ method: "cash", amount: 2_000 }], memberCardUid: uid });
    expect(sale.memberId).toBe(memberId);
    const order = findOrder(pos.box.sqlite, sale.orderId!)!;
    expect(order).toMatchObject({ channel: "till", state: "paid", paymentMethod: "cash", saleId: sale.saleId, memberId, totalMinor: 1_500 });
    expect(order.lines).toMatchObject([{ kind: "membership", productId: yearId, amountMinor: 1_500 }]);
    const expected = membershipWindowFor({ duration: "calendar_year", customDays: null }, null, sale.atMs, "Europe/Paris");
    expect(listMemberships(pos.box.sqlite, memberId)).toMatchObject([{ productId: yearId, orderId: order.id, validFromMs: expected.validFromMs, validUntilMs: expected.validUntilMs }]);
    expect(sale.membershipUntilMs).toBe(expected.validUntilMs);
    expect(membershipOf(pos.box.sqlite, memberId, now()).valid).toBe(true);
    // The fiscal record carries the membership as an ordinary line.
    const record = readFiscalRecord(pos.box.sqlite, sale.fiscalSeq!)!;
    expect((record.payload.lines as Array<{ item_id: string; amount: number }>).map((line) => [line.item_id, line.amount])).toEqual([[membershipItemId(yearId), 1_500]]);
  });

  test("paid by the member's own card, at a free price above its minimum", () => {
    const { uid, memberId } = memberCard(72);
    const sale = sell({ pointOfSale: "main", lines: [{ itemId: membershipItemId(supportId), amount: 1_000, quantity: 1 }], payments: [{ method: "nfc_card", amount: 1_000, cardUid: uid }] });
    expect(findOrder(pos.box.sqlite, sale.orderId!)).toMatchObject({ paymentMethod: "card", totalMinor: 1_000, memberId });
    expect(membershipOf(pos.box.sqlite, memberId, now()).valid).toBe(true);
  });

  test("refusals write nothing: no member card, below the minimum, two units, inactive, unknown, a cheque", () => {
    const { uid } = memberCard(73);
    const before = rowCounts(pos.box);
    expect(refusal(() => sell({ pointOfSale: "main", lines: [year()], payments: [{ method: "cash", amount: 1_500 }] }))).toBe("member_required");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: membershipItemId(supportId), amount: 499, quantity: 1 }], payments: [{ method: "cash", amount: 500 }], memberCardUid: uid }))).toBe("price_below_minimum");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ ...year(), quantity: 2 }], payments: [{ method: "cash", amount: 3_000 }], memberCardUid: uid }))).toBe("quantity_invalid");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: membershipItemId(oldId), priceId: oldId, quantity: 1 }], payments: [{ method: "cash", amount: 300 }], memberCardUid: uid }))).toBe("item_inactive");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [{ itemId: "mp_nosuchproduct", quantity: 1 }], payments: [{ method: "cash", amount: 300 }], memberCardUid: uid }))).toBe("item_unknown");
    // Two memberships in one sale: one order has at most one.
    expect(refusal(() => sell({ pointOfSale: "main", lines: [year(), { itemId: membershipItemId(supportId), amount: 500, quantity: 1 }], payments: [{ method: "cash", amount: 2_000 }], memberCardUid: uid }))).toBe("order_too_large");
    expect(refusal(() => sell({ pointOfSale: "main", lines: [year()], payments: [{ method: "cheque", amount: 1_500 }], memberCardUid: uid }))).toBe("payment_method_not_accepted");
    expect(rowCounts(pos.box)).toEqual(before);
  });

  test("voiding the sale refunds its order and ends the membership", () => {
    const { uid, memberId } = memberCard(74);
    const sale = sell({ pointOfSale: "main", lines: [year()], payments: [{ method: "cash", amount: 1_500 }], memberCardUid: uid });
    expect(membershipOf(pos.box.sqlite, memberId, now()).valid).toBe(true);
    const voided = pos.box.writer.transact((tx) => voidSale(tx, pos.deps, seller("manager"), { number: sale.number, reason: "erreur" }));
    expect(voided.number).toBe(sale.number);
    expect(findOrder(pos.box.sqlite, sale.orderId!)!.state).toBe("refunded");
    expect(membershipOf(pos.box.sqlite, memberId, now()).valid).toBe(false);
    const logged = pos.box.sqlite.query<{ detail: string }, []>("SELECT detail FROM event_log WHERE kind = 'order.refunded' ORDER BY seq DESC LIMIT 1").get()!;
    expect(JSON.parse(logged.detail)).toMatchObject({ method: "sale_void", memberships_ended: 1 });
  });

  test("a training sale checks the membership and grants nothing", () => {
    const { uid, memberId } = memberCard(75);
    const before = rowCounts(pos.box);
    const sale = sell({ pointOfSale: "main", lines: [year()], payments: [{ method: "cash", amount: 1_500 }], memberCardUid: uid, training: true });
    expect(sale.training).toBe(true);
    expect(sale.orderId).toBeNull();
    expect(sale.membershipUntilMs).toBeNull();
    expect(listMemberships(pos.box.sqlite, memberId)).toEqual([]);
    const after = rowCounts(pos.box);
    for (const table of ["orders", "order_lines", "memberships", "fiscal_records"]) expect(after[table]).toBe(before[table]);
  });
});
