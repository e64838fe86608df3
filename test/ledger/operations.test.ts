// Proves the wallet operations' rules on a real box, through the device API where it exists and
// through the services otherwise: spend priority, all-or-nothing payments, who may refund what,
// voids (restore, never overdraw, once), lost cards, merges, non-transferable assets, the venue's
// caps, and the rolling 12-month top-up figure under a fake clock.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Tx } from "../../src/db/index.ts";
import { FakeClock, isAppError } from "../../src/kernel/index.ts";
import { balanceOf, readEntry, walletAccount } from "../../src/ledger/index.ts";
import {
  cardByUid,
  insertCard,
  insertWallet,
  moveAllBalances,
  pay,
  readWalletSettings,
  refund,
  replaceLostCard,
  rollingTopups,
  saveAsset,
  saveWalletSettings,
  setCardWallet,
  topUp,
  transferBetweenCards,
  voidEntry,
  walletBalances,
  type Actor,
} from "../../src/wallet/index.ts";
import { testBox } from "../helpers/box.ts";
import { balancesText, cardUid, entryCount, operationDeps, tillBox, type Reply, type TillBox } from "../helpers/ledger.ts";

let made: TillBox;
let keyCounter = 0;
const nextKey = () => `ops-${++keyCounter}`;
const manager = (): Actor => ({ scope: "terminal:ops", idempotencyKey: nextKey(), role: "manager" });
const cashier = (): Actor => ({ scope: "terminal:ops", idempotencyKey: nextKey(), role: "cashier" });

beforeAll(async () => {
  made = await tillBox();
});
afterAll(() => made.box.dispose());

function post(route: "topups" | "payments" | "refunds", json: Record<string, unknown>, session?: string): Promise<Reply> {
  return made.send("POST", `/api/v1/wallet/${route}`, { token: made.till, key: nextKey(), json, ...(session ? { session } : {}) });
}

async function fund(uid: string, eur: number, method: "cash" | "card" = "cash", gift = 0): Promise<void> {
  if (eur > 0) expect((await post("topups", { card_uid: uid, asset: "EUR", amount: eur, method })).status).toBe(201);
  if (gift > 0) expect((await post("topups", { card_uid: uid, asset: "GIFT", amount: gift, method: "offered" }, made.manager)).status).toBe(201);
}

function balances(uid: string): Record<string, number> {
  return walletBalances(made.box.sqlite, cardByUid(made.box.sqlite, uid)!.walletId);
}

/** Runs a service in a writer transaction; returns its result, or the refusal's code and details. */
async function attempt<T>(command: (tx: Tx) => T): Promise<{ ok: true; value: T } | { ok: false; code: string; details: Record<string, unknown> | undefined }> {
  try {
    return { ok: true, value: await made.box.writer.submit(command) };
  } catch (error) {
    if (isAppError(error)) return { ok: false, code: error.code, details: error.details as Record<string, unknown> | undefined };
    throw error;
  }
}

describe("payments", () => {
  test("draw the gift before the euros (spend priority), and say what was drawn", async () => {
    const uid = cardUid(0x5a1);
    await fund(uid, 1_000, "cash", 300);
    const paid = await post("payments", { card_uid: uid, amount: 500, point_of_sale: "bar" });
    expect(paid.status).toBe(201);
    const body = JSON.parse(paid.text);
    expect(body).toMatchObject({ transfers: [{ asset: "GIFT", amount: 300 }, { asset: "EUR", amount: 200 }], balances: { GIFT: 0, EUR: 800 } });
    const entry = readEntry(made.box.sqlite, body.entry_seq)!;
    expect(entry.transfers.map((transfer) => [transfer.creditAccount, transfer.asset, transfer.amount])).toEqual([
      ["revenue:bar", "GIFT", 300],
      ["revenue:bar", "EUR", 200],
    ]);
  });

  test("an asset accepted only at some points of sale is drawn there first, and not elsewhere", async () => {
    made.box.writer.transact((tx) =>
      saveAsset(tx, { code: "BAR", kind: "gift", name: "Bar tokens", scale: 2, backed: false, refundable: false, spendPriority: -1, acceptedPointsOfSale: ["bar"], transferable: false, active: true }),
    );
    const uid = cardUid(0x5a2);
    await fund(uid, 500);
    expect((await post("topups", { card_uid: uid, asset: "BAR", amount: 100, method: "offered" }, made.manager)).status).toBe(201);
    const atFood = JSON.parse((await post("payments", { card_uid: uid, amount: 150, point_of_sale: "food" })).text);
    expect(atFood.transfers).toEqual([{ asset: "EUR", amount: 150 }]);
    const atBar = JSON.parse((await post("payments", { card_uid: uid, amount: 150, point_of_sale: "bar" })).text);
    expect(atBar.transfers).toEqual([{ asset: "BAR", amount: 100 }, { asset: "EUR", amount: 50 }]);
    expect(atBar.balances).toMatchObject({ BAR: 0, EUR: 300 });
    made.box.writer.transact((tx) =>
      saveAsset(tx, { code: "BAR", kind: "gift", name: "Bar tokens", scale: 2, backed: false, refundable: false, spendPriority: -1, acceptedPointsOfSale: ["bar"], transferable: false, active: false }),
    );
  });

  test("are all or nothing: a short card pays nothing and is told what it misses", async () => {
    const uid = cardUid(0x5a3);
    await fund(uid, 200, "cash", 100);
    const before = { entries: entryCount(made.box.sqlite), balances: balancesText(made.box.sqlite) };
    const short = await post("payments", { card_uid: uid, amount: 500 });
    expect(short.status).toBe(409);
    expect(JSON.parse(short.text)).toEqual({ code: "insufficient_funds", message: "the card lacks 200", missing: 200 });
    expect({ entries: entryCount(made.box.sqlite), balances: balancesText(made.box.sqlite) }).toEqual(before);
    expect(balances(uid)).toMatchObject({ GIFT: 100, EUR: 200 });
    expect((await post("payments", { card_uid: uid, amount: 300 })).status).toBe(201);
    expect(balances(uid)).toMatchObject({ GIFT: 0, EUR: 0 });
  });
});

describe("refunds", () => {
  test("a balance loaded by card needs a manager to be refunded in cash", async () => {
    await fund(cardUid(0xca5), 10_000); // cash in the reserve to pay refunds with
    const uid = cardUid(0x7f1);
    await fund(uid, 1_000, "card");
    for (const session of [undefined, made.cashier]) {
      const refused = await post("refunds", { card_uid: uid }, session);
      expect([refused.status, JSON.parse(refused.text).code]).toEqual([403, "manager_required"]);
    }
    expect(balances(uid).EUR).toBe(1_000);
    const refunded = await post("refunds", { card_uid: uid }, made.manager);
    expect(refunded.status).toBe(201);
    expect(JSON.parse(refunded.text)).toMatchObject({ transfers: [{ asset: "EUR", amount: 1_000 }], balances: { EUR: 0 } });
    const entry = readEntry(made.box.sqlite, JSON.parse(refunded.text).entry_seq)!;
    expect(entry.transfers.map((transfer) => `${transfer.debitAccount}>${transfer.creditAccount} ${transfer.amount}`)).toEqual([
      `${walletAccount(cardByUid(made.box.sqlite, uid)!.walletId)}>issuance:EUR 1000`,
      "reserve:cash>external:cash 1000",
    ]);
  });

  test("a balance loaded in cash is refunded without a manager; a second refund has nothing to refund", async () => {
    const uid = cardUid(0x7f2);
    await fund(uid, 800, "cash");
    expect((await post("payments", { card_uid: uid, amount: 300 })).status).toBe(201);
    const refunded = await post("refunds", { card_uid: uid });
    expect(refunded.status).toBe(201);
    expect(JSON.parse(refunded.text)).toMatchObject({ transfers: [{ asset: "EUR", amount: 500 }], balances: { EUR: 0 } });
    const again = await post("refunds", { card_uid: uid });
    expect([again.status, JSON.parse(again.text).code]).toEqual([409, "nothing_to_refund"]);
  });

  test("spending consumes card loads before cash: cash out never exceeds cash in without a manager", async () => {
    const uid = cardUid(70);
    await fund(uid, 1000, "cash");
    expect((await post("payments", { card_uid: uid, amount: 1000 })).status).toBe(201);
    await fund(uid, 1000, "card");
    // The cash was spent; what is left came by card: a cashier may not hand it back in cash.
    const refused = await post("refunds", { card_uid: uid });
    expect([refused.status, JSON.parse(refused.text).code]).toEqual([403, "manager_required"]);
    const mixed = cardUid(71);
    await fund(mixed, 1000, "cash");
    await fund(mixed, 1000, "card");
    expect((await post("payments", { card_uid: mixed, amount: 1000 })).status).toBe(201);
    // The card part was spent first: the 1000 left is the customer's own cash.
    const refunded = await post("refunds", { card_uid: mixed });
    expect(refunded.status).toBe(201);
    expect(JSON.parse(refunded.text).transfers).toEqual([{ asset: "EUR", amount: 1000 }]);
  });

  test("a gift-only card has nothing to refund, and keeps its gift", async () => {
    const uid = cardUid(0x7f3);
    await fund(uid, 0, "cash", 400);
    const refused = await post("refunds", { card_uid: uid }, made.manager);
    expect([refused.status, JSON.parse(refused.text).code]).toEqual([409, "nothing_to_refund"]);
    expect(balances(uid)).toMatchObject({ GIFT: 400, EUR: 0 });
  });

  test("the cash reserve must be able to pay the refund", async () => {
    const box = testBox();
    try {
      const deps = operationDeps(box);
      const uid = cardUid(0x7f4);
      box.writer.transact((tx) => topUp(tx, deps, cashier(), { cardUid: uid, asset: "EUR", amount: 900, method: "card" }));
      let refusal: unknown;
      try {
        box.writer.transact((tx) => refund(tx, deps, manager(), { cardUid: uid }));
      } catch (error) {
        refusal = error;
      }
      expect(isAppError(refusal) && [refusal.code, refusal.details?.missing]).toEqual(["reserve_insufficient", 900]);
    } finally {
      box.dispose();
    }
  });
});

describe("voids", () => {
  test("a voided payment gives the card its money back, by the exact reverse entry", async () => {
    const uid = cardUid(0x701);
    await fund(uid, 1_000, "cash", 50);
    const paid = JSON.parse((await post("payments", { card_uid: uid, amount: 250, point_of_sale: "bar" })).text);
    const revenueBefore = balanceOf(made.box.sqlite, "revenue:bar", "EUR");
    const voided = await attempt((tx) => voidEntry(tx, operationDeps(made.box), manager(), paid.entry_seq));
    expect(voided.ok).toBe(true);
    const entry = voided.ok ? voided.value : undefined;
    expect(entry).toMatchObject({ kind: "void", reversesSeq: paid.entry_seq, memo: { voids: paid.entry_seq, kind: "payment" } });
    const original = readEntry(made.box.sqlite, paid.entry_seq)!;
    expect(entry!.transfers.map((transfer) => [transfer.debitAccount, transfer.creditAccount, transfer.asset, transfer.amount])).toEqual(
      original.transfers.map((transfer) => [transfer.creditAccount, transfer.debitAccount, transfer.asset, transfer.amount]),
    );
    expect(balances(uid)).toMatchObject({ GIFT: 50, EUR: 1_000 });
    expect(balanceOf(made.box.sqlite, "revenue:bar", "EUR")).toBe(revenueBefore - 200);
  });

  test("a void that would overdraw a wallet is refused and writes nothing", async () => {
    const uid = cardUid(0x702);
    await fund(uid, 1_000);
    const topupSeq = entryCount(made.box.sqlite);
    expect(readEntry(made.box.sqlite, topupSeq)!.kind).toBe("topup");
    expect((await post("payments", { card_uid: uid, amount: 600 })).status).toBe(201);
    const before = { entries: entryCount(made.box.sqlite), balances: balancesText(made.box.sqlite) };
    const refused = await attempt((tx) => voidEntry(tx, operationDeps(made.box), manager(), topupSeq));
    expect(refused).toMatchObject({ ok: false, code: "insufficient_funds", details: { missing: 600 } });
    expect({ entries: entryCount(made.box.sqlite), balances: balancesText(made.box.sqlite) }).toEqual(before);
    expect(balances(uid).EUR).toBe(400);
  });

  test("an entry is voided once; a void is not voidable; only a manager voids; an unknown entry is named", async () => {
    const uid = cardUid(0x703);
    await fund(uid, 500);
    const paid = JSON.parse((await post("payments", { card_uid: uid, amount: 100 })).text);
    const deps = operationDeps(made.box);
    expect(await attempt((tx) => voidEntry(tx, deps, cashier(), paid.entry_seq))).toMatchObject({ ok: false, code: "manager_required" });
    const first = await attempt((tx) => voidEntry(tx, deps, manager(), paid.entry_seq));
    expect(first.ok).toBe(true);
    const count = entryCount(made.box.sqlite);
    expect(await attempt((tx) => voidEntry(tx, deps, manager(), paid.entry_seq))).toMatchObject({ ok: false, code: "already_voided" });
    expect(await attempt((tx) => voidEntry(tx, deps, manager(), count))).toMatchObject({ ok: false, code: "not_voidable" });
    expect(await attempt((tx) => voidEntry(tx, deps, manager(), count + 100))).toMatchObject({ ok: false, code: "entry_unknown" });
    expect(entryCount(made.box.sqlite)).toBe(count);
    expect(balances(uid).EUR).toBe(500);
  });
});

describe("lost cards and merges", () => {
  test("a lost card's balances move to its replacement, which keeps what loaded them; the lost card is refused", async () => {
    const lost = cardUid(0x105);
    const replacement = cardUid(0x106);
    await fund(lost, 700, "cash", 200);
    const replaced = await attempt((tx) => replaceLostCard(tx, operationDeps(made.box), manager(), lost, replacement));
    expect(replaced.ok).toBe(true);
    const result = replaced.ok ? replaced.value : undefined;
    expect(result!.entry).toMatchObject({ kind: "card_replacement" });
    expect(result!.entry!.transfers.map((transfer) => [transfer.asset, transfer.amount])).toEqual([
      ["EUR", 700],
      ["GIFT", 200],
    ]);
    expect(balances(replacement)).toMatchObject({ EUR: 700, GIFT: 200 });
    expect(balances(lost)).toMatchObject({ EUR: 0, GIFT: 0 });
    expect(cardByUid(made.box.sqlite, lost)).toMatchObject({ state: "lost", replacedBy: result!.card.id });
    for (const [route, json] of [
      ["payments", { card_uid: lost, amount: 1 }],
      ["topups", { card_uid: lost, asset: "EUR", amount: 1, method: "cash" }],
      ["refunds", { card_uid: lost }],
    ] as const) {
      const refused = await post(route, json, made.manager);
      expect([refused.status, JSON.parse(refused.text).code], route).toEqual([409, "card_blocked"]);
    }
    expect(await attempt((tx) => replaceLostCard(tx, operationDeps(made.box), manager(), lost, cardUid(0x107)))).toMatchObject({ ok: false, code: "card_blocked" });
    // The euros came in as cash: the replacement is refunded in cash without a manager.
    const refunded = await post("refunds", { card_uid: replacement });
    expect(refunded.status, refunded.text).toBe(201);
  });

  test("a lost card of a member: the replacement joins the member's wallet, whose other cards keep the money", async () => {
    const first = cardUid(0x120);
    const second = cardUid(0x121);
    const replacement = cardUid(0x122);
    await fund(first, 900);
    await fund(second, 0);
    const deps = operationDeps(made.box);
    const memberWallet = await made.box.writer.submit((tx) => {
      const wallet = insertWallet(tx, deps.newId);
      for (const uid of [first, second]) {
        const card = cardByUid(tx.sqlite, uid) ?? insertCard(tx, deps.newId, deps.random, { uid, state: "active" });
        moveAllBalances(tx, deps, manager(), "merge", card.walletId, wallet, { card: card.id });
        setCardWallet(tx, card.id, wallet);
        tx.sqlite.query("UPDATE wallets SET merged_into = ? WHERE id = ?").run(wallet, card.walletId);
      }
      return wallet;
    });
    const entries = entryCount(made.box.sqlite);
    const replaced = await attempt((tx) => replaceLostCard(tx, deps, manager(), first, replacement));
    expect(replaced).toMatchObject({ ok: true, value: { entry: undefined, card: { walletId: memberWallet } } });
    expect(entryCount(made.box.sqlite)).toBe(entries);
    expect(balances(second).EUR).toBe(900);
    expect(balances(replacement).EUR).toBe(900);
    expect(cardByUid(made.box.sqlite, replacement)!.walletId).toBe(memberWallet);
  });

  test("a replacement must be another card, new and empty", async () => {
    const deps = operationDeps(made.box);
    const fresh = cardUid(0x108);
    made.box.writer.transact((tx) => insertCard(tx, deps.newId, deps.random, { uid: fresh }));
    expect(await attempt((tx) => replaceLostCard(tx, deps, manager(), fresh, fresh))).toMatchObject({ ok: false, code: "card_in_use" });
    expect(cardByUid(made.box.sqlite, fresh)).toMatchObject({ state: "new", replacedBy: null });
    const used = cardUid(0x109);
    await fund(used, 10);
    expect(await attempt((tx) => replaceLostCard(tx, deps, manager(), fresh, used))).toMatchObject({ ok: false, code: "card_in_use" });
    expect(await attempt((tx) => replaceLostCard(tx, deps, manager(), cardUid(0x10a), fresh))).toMatchObject({ ok: false, code: "card_unknown" });
  });

  test("a merge moves every balance of a card's wallet into a member's wallet by one entry", async () => {
    const uid = cardUid(0x3e6);
    await fund(uid, 1_200, "card", 80);
    const deps = operationDeps(made.box);
    const from = cardByUid(made.box.sqlite, uid)!.walletId;
    const merged = await attempt((tx) => {
      const member = insertWallet(tx, deps.newId);
      return { member, entry: moveAllBalances(tx, deps, manager(), "merge", from, member, { card: uid }) };
    });
    expect(merged.ok).toBe(true);
    const { member, entry } = merged.ok ? merged.value : { member: "", entry: undefined };
    expect(entry).toMatchObject({ kind: "merge", memo: { card: uid } });
    expect(walletBalances(made.box.sqlite, member)).toMatchObject({ EUR: 1_200, GIFT: 80 });
    expect(walletBalances(made.box.sqlite, from)).toMatchObject({ EUR: 0, GIFT: 0 });
    // An empty wallet merges with no entry at all.
    const count = entryCount(made.box.sqlite);
    expect(await attempt((tx) => moveAllBalances(tx, deps, manager(), "merge", from, member, {}))).toEqual({ ok: true, value: undefined });
    expect(entryCount(made.box.sqlite)).toBe(count);
  });
});

describe("transfers between cards", () => {
  test("are refused for an asset that is not transferable, and move a transferable one", async () => {
    const [from, to] = [cardUid(0x7a1), cardUid(0x7a2)];
    await fund(from, 500);
    await fund(to, 10);
    const deps = operationDeps(made.box);
    const before = entryCount(made.box.sqlite);
    expect(await attempt((tx) => transferBetweenCards(tx, deps, manager(), { fromUid: from, toUid: to, asset: "EUR", amount: 100 }))).toMatchObject({
      ok: false,
      code: "asset_not_transferable",
    });
    expect(entryCount(made.box.sqlite)).toBe(before);
    made.box.writer.transact((tx) =>
      saveAsset(tx, { code: "TIME", kind: "time", name: "Minutes", scale: 0, backed: false, refundable: false, spendPriority: 50, acceptedPointsOfSale: [], transferable: true, active: true }),
    );
    expect((await post("topups", { card_uid: from, asset: "TIME", amount: 60, method: "offered" }, made.manager)).status).toBe(201);
    expect(await attempt((tx) => transferBetweenCards(tx, deps, cashier(), { fromUid: from, toUid: to, asset: "TIME", amount: 61 }))).toMatchObject({
      ok: false,
      code: "insufficient_funds",
      details: { missing: 1 },
    });
    const moved = await attempt((tx) => transferBetweenCards(tx, deps, cashier(), { fromUid: from, toUid: to, asset: "TIME", amount: 45 }));
    expect(moved).toMatchObject({ ok: true, value: { kind: "transfer" } });
    expect([balances(from).TIME, balances(to).TIME]).toEqual([15, 45]);
  });
});

describe("the venue's caps", () => {
  test("a top-up above the top-up cap, or that would take a card above the balance cap, is limit_exceeded", async () => {
    const saved = readWalletSettings(made.box.sqlite);
    made.box.writer.transact((tx) => saveWalletSettings(tx, { topupCap: 5_000, cardBalanceCap: 8_000, registerOnFirstTopup: true }));
    try {
      const uid = cardUid(0xcab);
      const overTopup = await post("topups", { card_uid: uid, asset: "EUR", amount: 5_001, method: "cash" });
      expect([overTopup.status, JSON.parse(overTopup.text).code]).toEqual([409, "limit_exceeded"]);
      expect(cardByUid(made.box.sqlite, uid)).toBeUndefined();
      expect((await post("topups", { card_uid: uid, asset: "EUR", amount: 5_000, method: "cash" })).status).toBe(201);
      const overBalance = await post("topups", { card_uid: uid, asset: "EUR", amount: 3_001, method: "card" });
      expect([overBalance.status, JSON.parse(overBalance.text).code]).toEqual([409, "limit_exceeded"]);
      expect((await post("topups", { card_uid: uid, asset: "EUR", amount: 3_000, method: "card" })).status).toBe(201);
      expect(balances(uid).EUR).toBe(8_000);
      // The balance cap is per asset: a gift beside 8000 euros is still within it.
      expect((await post("topups", { card_uid: uid, asset: "GIFT", amount: 100, method: "offered" }, made.manager)).status).toBe(201);
      expect(() => made.box.writer.transact((tx) => saveWalletSettings(tx, { topupCap: 0, cardBalanceCap: null, registerOnFirstTopup: true }))).toThrow(
        expect.objectContaining({ code: "amount_invalid" }),
      );
    } finally {
      made.box.writer.transact((tx) => saveWalletSettings(tx, saved));
    }
  });

  test("with registration at the first top-up turned off, an unknown card is card_unknown", async () => {
    const saved = readWalletSettings(made.box.sqlite);
    made.box.writer.transact((tx) => saveWalletSettings(tx, { ...saved, registerOnFirstTopup: false }));
    try {
      const refused = await post("topups", { card_uid: cardUid(0xdead), asset: "EUR", amount: 100, method: "cash" });
      expect([refused.status, JSON.parse(refused.text).code]).toEqual([404, "card_unknown"]);
    } finally {
      made.box.writer.transact((tx) => saveWalletSettings(tx, saved));
    }
  });
});

describe("the rolling 12-month top-up figure", () => {
  test("counts the euro top-ups of the last 365 days only, not gifts, payments or what is older", () => {
    const DAY_MS = 24 * 3600 * 1000;
    const clock = new FakeClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    const box = testBox({ clock });
    try {
      const deps = operationDeps(box);
      const uid = cardUid(0x365);
      const run = <T>(command: (tx: Tx) => T) => box.writer.transact(command);
      const first = run((tx) => topUp(tx, deps, cashier(), { cardUid: uid, asset: "EUR", amount: 1_000, method: "cash" }));
      clock.advance(200 * DAY_MS);
      const second = run((tx) => topUp(tx, deps, cashier(), { cardUid: uid, asset: "EUR", amount: 2_000, method: "card" }));
      run((tx) => topUp(tx, deps, manager(), { cardUid: uid, asset: "GIFT", amount: 5_000, method: "offered" }));
      run((tx) => pay(tx, deps, cashier(), { cardUid: uid, amount: 500, pointOfSale: "bar" }));
      expect(rollingTopups(box.sqlite, clock.nowMs())).toBe(3_000);
      const firstAt = readEntry(box.sqlite, first.entrySeq)!.atMs;
      const secondAt = readEntry(box.sqlite, second.entrySeq)!.atMs;
      expect(rollingTopups(box.sqlite, firstAt + 365 * DAY_MS - 1)).toBe(3_000);
      expect(rollingTopups(box.sqlite, firstAt + 365 * DAY_MS)).toBe(2_000);
      clock.advance(200 * DAY_MS);
      expect(rollingTopups(box.sqlite, clock.nowMs())).toBe(2_000);
      expect(rollingTopups(box.sqlite, secondAt + 365 * DAY_MS)).toBe(0);
      expect(rollingTopups(box.sqlite, secondAt + 400 * DAY_MS)).toBe(0);
    } finally {
      box.dispose();
    }
  });
});
