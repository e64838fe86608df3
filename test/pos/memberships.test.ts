// Proves memberships on a real SQLite file: a member is valid only inside the latest window
// (from included, until excluded); a renewal bought while valid starts at the current end; selling
// a membership item grants it in the sale's transaction (and needs a member's card, else
// member_required); member prices and member-only items need a valid membership (a lapsed member
// pays the full price and is refused member-only items with membership_required).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { grantMembership, insertMember, listMemberships, membershipOf, renewalWindow } from "../../src/membership/index.ts";
import { createSale, findItem, saveItem, type Item, type SaleInput } from "../../src/pos/index.ts";
import { cardByUid } from "../../src/wallet/index.ts";
import { footprint, line, loadCard, posBox, seller, type PosBox } from "../helpers/pos.ts";
import { refusalCode } from "../helpers/refusals.ts";

const DAY_MS = 86_400_000;
let pos: PosBox;
let membershipItem: Item;
let memberOnlyItem: Item;

beforeAll(async () => {
  pos = await posBox();
  [membershipItem, memberOnlyItem] = pos.box.writer.transact((tx) => [
    saveItem(tx, pos.box.deps.newId, { name: "Adhésion annuelle", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 1_500 }], vatRateBp: 550, membershipDays: 365 }),
    saveItem(tx, pos.box.deps.newId, { name: "Cuvée adhérents", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 500 }], vatRateBp: 2000, memberOnly: true }),
  ]);
});
afterAll(() => pos.box.dispose());

function sell(input: SaleInput) {
  return pos.box.writer.transact((tx) => createSale(tx, pos.deps, seller(), input));
}

/** A card loaded with money whose wallet is a new member's; returns the card UID and the member's id. */
function memberCard(n: number, name: string): { uid: string; memberId: string } {
  const uid = loadCard(pos.box, pos.deps, n, 5_000);
  const walletId = cardByUid(pos.box.sqlite, uid)!.walletId;
  const memberId = pos.box.writer.transact((tx) => insertMember(tx, pos.box.deps.newId, { name }, walletId).id);
  return { uid, memberId };
}

function grant(memberId: string, fromMs: number, untilMs: number) {
  return pos.box.writer.transact((tx) => grantMembership(tx, pos.box.deps.newId, { memberId, label: "Adhésion", validFromMs: fromMs, validUntilMs: untilMs }));
}

describe("validity windows", () => {
  test("valid from the start included to the end excluded; none is invalid with no end; the latest window counts", () => {
    const { memberId } = memberCard(40, "Vera Valid");
    expect(membershipOf(pos.box.sqlite, memberId, 1_000)).toEqual({ valid: false, until: null });
    grant(memberId, 1_000, 2_000);
    expect(membershipOf(pos.box.sqlite, memberId, 999)).toEqual({ valid: false, until: 2_000 });
    expect(membershipOf(pos.box.sqlite, memberId, 1_000)).toEqual({ valid: true, until: 2_000 });
    expect(membershipOf(pos.box.sqlite, memberId, 1_999)).toEqual({ valid: true, until: 2_000 });
    expect(membershipOf(pos.box.sqlite, memberId, 2_000)).toEqual({ valid: false, until: 2_000 });
    grant(memberId, 5_000, 9_000);
    expect(membershipOf(pos.box.sqlite, memberId, 6_000)).toEqual({ valid: true, until: 9_000 });
    expect(membershipOf(pos.box.sqlite, memberId, 3_000)).toEqual({ valid: false, until: 9_000 });
  });

  test("a window that ends before it starts, or an unknown member, is refused", () => {
    const { memberId } = memberCard(41, "Wendy Window");
    expect(refusalCode(() => grant(memberId, 2_000, 2_000))).toBe("membership_window_invalid");
    expect(refusalCode(() => grant("nobody", 1, 2))).toBe("member_unknown");
  });

  test("a renewal starts now without a valid membership, at the current end with one", () => {
    const { memberId } = memberCard(42, "Rita Renew");
    expect(renewalWindow(pos.box.sqlite, memberId, 10_000, 1)).toEqual({ validFromMs: 10_000, validUntilMs: 10_000 + DAY_MS });
    grant(memberId, 5_000, 50_000);
    expect(renewalWindow(pos.box.sqlite, memberId, 10_000, 365)).toEqual({ validFromMs: 50_000, validUntilMs: 50_000 + 365 * DAY_MS });
    // Lapsed: from now again.
    expect(renewalWindow(pos.box.sqlite, memberId, 60_000, 1).validFromMs).toBe(60_000);
  });
});

describe("selling memberships and member prices", () => {
  test("a catalogue item keeps its membership days and member-only flag; bad days are refused", () => {
    expect([findItem(pos.box.sqlite, membershipItem.id)!.membershipDays, findItem(pos.box.sqlite, memberOnlyItem.id)!.memberOnly]).toEqual([365, true]);
    expect(findItem(pos.box.sqlite, pos.items.beer.id)!.membershipDays).toBeNull();
    const bad = () =>
      pos.box.writer.transact((tx) => saveItem(tx, pos.box.deps.newId, { name: "X", pointsOfSale: ["main"], prices: [{ label: "", kind: "fixed", amount: 1 }], vatRateBp: 550, membershipDays: 0 }));
    expect(refusalCode(bad)).toBe("membership_days_invalid");
  });

  test("selling a membership item to a member's card grants it, and a second one renews from its end", () => {
    const { uid, memberId } = memberCard(43, "Sam Sold");
    const first = sell({ pointOfSale: "main", lines: [line(membershipItem)], payments: [{ method: "nfc_card", amount: 1_500, cardUid: uid }] });
    expect(first.memberId).toBe(memberId);
    const granted = listMemberships(pos.box.sqlite, memberId);
    expect(granted).toHaveLength(1);
    expect(granted[0]!.saleNumber).toBe(first.number);
    expect(granted[0]!.label).toBe("Adhésion annuelle");
    expect(granted[0]!.validUntilMs - granted[0]!.validFromMs).toBe(365 * DAY_MS);
    expect(first.membershipUntilMs).toBe(granted[0]!.validUntilMs);
    expect(membershipOf(pos.box.sqlite, memberId, first.atMs).valid).toBe(true);
    const second = sell({ pointOfSale: "main", lines: [line(membershipItem)], payments: [{ method: "cash", amount: 1_500 }], memberCardUid: uid });
    expect(second.membershipUntilMs).toBe(granted[0]!.validUntilMs + 365 * DAY_MS);
    expect(membershipOf(pos.box.sqlite, memberId, second.atMs).until).toBe(second.membershipUntilMs);
  });

  test("a membership item without a member's card is member_required, and writes nothing", () => {
    const plain = loadCard(pos.box, pos.deps, 44, 5_000);
    const before = footprint(pos.box.sqlite);
    expect(refusalCode(() => sell({ pointOfSale: "main", lines: [line(membershipItem)], payments: [{ method: "cash", amount: 1_500 }] }))).toBe("member_required");
    expect(refusalCode(() => sell({ pointOfSale: "main", lines: [line(membershipItem)], payments: [{ method: "nfc_card", amount: 1_500, cardUid: plain }] }))).toBe("member_required");
    expect(footprint(pos.box.sqlite)).toEqual(before);
  });

  test("without a valid membership a member pays the full price and is refused member-only items", () => {
    const { uid, memberId } = memberCard(45, "Lou Lapsed");
    const nowMs = pos.box.deps.clock.nowMs();
    grant(memberId, nowMs - 400 * DAY_MS, nowMs - 35 * DAY_MS);
    const full = sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 450, cardUid: uid }] });
    expect([full.total, full.memberId]).toEqual([450, memberId]);
    expect(refusalCode(() => sell({ pointOfSale: "main", lines: [line(memberOnlyItem)], payments: [{ method: "cash", amount: 500 }], memberCardUid: uid }))).toBe("membership_required");
    expect(refusalCode(() => sell({ pointOfSale: "main", lines: [line(memberOnlyItem)], payments: [{ method: "cash", amount: 500 }] }))).toBe("membership_required");
    // Renewed at the till: the member price and the member-only item apply again.
    sell({ pointOfSale: "main", lines: [line(membershipItem)], payments: [{ method: "cash", amount: 1_500 }], memberCardUid: uid });
    expect(sell({ pointOfSale: "main", lines: [line(pos.items.beer)], payments: [{ method: "nfc_card", amount: 400, cardUid: uid }] }).total).toBe(400);
    expect(sell({ pointOfSale: "main", lines: [line(memberOnlyItem)], payments: [{ method: "cash", amount: 500 }], memberCardUid: uid }).total).toBe(500);
  });
});
