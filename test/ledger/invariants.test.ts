// Proves the ledger's invariants under any sequence of wallet operations: fast-check draws random
// sequences of top-ups, offers, payments, refunds, voids, merges and lost-card replacements on a
// few cards, runs each on a real box, predicts each outcome with an independent model of every
// account, and after every step checks zero sums, euro backing, no negative balance, stored
// balances equal to the transfers' sums, one entry per success, nothing written by a refusal;
// and at the end that verifyLedger finds the journal sound.
import { expect, test } from "bun:test";
import fc from "fast-check";
import type { Sqlite, Tx } from "../../src/db/index.ts";
import { isAppError } from "../../src/kernel/index.ts";
import { readEntry, verifyLedger } from "../../src/ledger/index.ts";
import {
  cardByUid,
  insertWallet,
  moveAllBalances,
  pay,
  refund,
  replaceLostCard,
  requireUsableCard,
  setCardWallet,
  topUp,
  voidEntry,
  walletBalances,
  type Actor,
} from "../../src/wallet/index.ts";
import { testBox, type TestBox } from "../helpers/box.ts";
import { cardUid, entryCount, operationDeps, recomputedBalances, storedBalances } from "../helpers/ledger.ts";

const RUNS = 150;
const MAX_COMMANDS = 40;
/** Cards 0..4 are used; replacements may also take the two UIDs after them. */
const CARDS = 5;
const UIDS = Array.from({ length: CARDS + 2 }, (_, index) => cardUid(0xa10 + index));
const REFUND_ORDER = ["cash", "card", "online"] as const;
const LOAD_METHODS = ["cash", "card", "online", "offered"] as const;

type Command =
  | { op: "topup"; card: number; asset: "EUR" | "GIFT"; method: "cash" | "card" | "offered"; amount: number; manager: boolean; submit: boolean }
  | { op: "pay"; card: number; amount: number; pos: "main" | "bar"; submit: boolean }
  | { op: "refund"; card: number; manager: boolean; submit: boolean }
  | { op: "void"; target: number; manager: boolean; submit: boolean }
  | { op: "merge"; card: number; member: number; submit: boolean }
  | { op: "replace"; card: number; replacement: number; submit: boolean };

const card = fc.integer({ min: 0, max: CARDS - 1 });
const mostlyManager = fc.integer({ min: 0, max: 3 }).map((n) => n > 0);
const submit = fc.boolean();
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant("topup" as const),
      card,
      source: fc.constantFrom(["EUR", "cash"] as const, ["EUR", "card"] as const, ["GIFT", "offered"] as const),
      amount: fc.integer({ min: 1, max: 5_000 }),
      manager: mostlyManager,
      submit,
    }).map(({ source, ...rest }) => ({ ...rest, asset: source[0], method: source[1] })),
  },
  { weight: 6, arbitrary: fc.record({ op: fc.constant("pay" as const), card, amount: fc.integer({ min: 1, max: 3_000 }), pos: fc.constantFrom("main" as const, "bar" as const), submit }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("refund" as const), card, manager: fc.boolean(), submit }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("void" as const), target: fc.nat(), manager: mostlyManager, submit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("merge" as const), card, member: fc.integer({ min: 0, max: 1 }), submit }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("replace" as const), card, replacement: fc.integer({ min: 0, max: CARDS + 1 }), submit }) },
);

interface Transfer {
  readonly debit: string;
  readonly credit: string;
  readonly asset: string;
  readonly amount: number;
}

interface ModelEntry {
  readonly kind: string;
  readonly transfers: readonly Transfer[];
  /** The top-up method, for a void to take the load back. */
  readonly method?: string;
  voided: boolean;
}

/** What the new rows are called once the box made them (a new card's wallet, a member's wallet). */
interface Made {
  walletOf(uid: string): string;
  readonly mergeTarget?: string;
}

type Prediction =
  | { readonly outcome: "skip" }
  | { readonly outcome: "refusal"; readonly code: string; readonly missing?: number }
  | { readonly outcome: "success"; readonly kind: string; commit(made: Made): Transfer[] };

const refusal = (code: string, missing?: number): Prediction => (missing === undefined ? { outcome: "refusal", code } : { outcome: "refusal", code, missing });

/** The independent model: every account's balance, the entries, the cards, what loaded each wallet. */
class Model {
  readonly accounts = new Map<string, number>();
  readonly entries: ModelEntry[] = [];
  readonly cards = new Map<string, { walletId: string; lost: boolean }>();
  readonly loads = new Map<string, number>();
  readonly members: Array<string | undefined> = [undefined, undefined];

  balance(account: string, asset: string): number {
    return this.accounts.get(`${account}|${asset}`) ?? 0;
  }

  load(walletId: string, asset: string, method: string): number {
    return this.loads.get(`${walletId}|${asset}|${method}`) ?? 0;
  }

  consume(walletId: string, asset: string, amount: number, order: readonly string[]): void {
    let left = amount;
    for (const method of order) {
      if (left <= 0) break;
      const taken = Math.min(left, this.load(walletId, asset, method));
      if (taken > 0) this.addLoad(walletId, asset, method, -taken);
      left -= taken;
    }
  }

  /** wallet_loads.amount = max(0, amount + delta) once the row exists. */
  addLoad(walletId: string, asset: string, method: string, delta: number): void {
    const key = `${walletId}|${asset}|${method}`;
    this.loads.set(key, Math.max(0, (this.loads.get(key) ?? 0) + delta));
  }

  apply(kind: string, transfers: Transfer[], extra: { method?: string } = {}): Transfer[] {
    for (const transfer of transfers) {
      this.accounts.set(`${transfer.debit}|${transfer.asset}`, this.balance(transfer.debit, transfer.asset) - transfer.amount);
      this.accounts.set(`${transfer.credit}|${transfer.asset}`, this.balance(transfer.credit, transfer.asset) + transfer.amount);
    }
    if (transfers.length > 0) this.entries.push({ kind, transfers, ...(extra.method ? { method: extra.method } : {}), voided: false });
    return transfers;
  }

  /** The card, when it may be used; else the refusal its state earns. */
  usable(uid: string): { walletId: string } | Prediction {
    const found = this.cards.get(uid);
    if (!found) return refusal("card_unknown");
    if (found.lost) return refusal("card_blocked");
    return found;
  }

  /** Every positive balance of a wallet, in asset order, moved to another (and what loaded it). */
  moveAll(fromWallet: string, toWallet: string): Transfer[] {
    const transfers = ["EUR", "GIFT"]
      .filter((asset) => this.balance(`wallet:${fromWallet}`, asset) > 0)
      .map((asset) => ({ debit: `wallet:${fromWallet}`, credit: `wallet:${toWallet}`, asset, amount: this.balance(`wallet:${fromWallet}`, asset) }));
    for (const method of LOAD_METHODS) {
      for (const transfer of transfers) {
        const moved = this.load(fromWallet, transfer.asset, method);
        if (moved > 0) {
          this.addLoad(toWallet, transfer.asset, method, moved);
          this.addLoad(fromWallet, transfer.asset, method, -moved);
        }
      }
    }
    return transfers;
  }

  predict(command: Command): Prediction {
    switch (command.op) {
      case "topup":
        return this.#topup(command);
      case "pay":
        return this.#pay(command);
      case "refund":
        return this.#refund(command);
      case "void":
        return this.#void(command);
      case "merge":
        return this.#merge(command);
      case "replace":
        return this.#replace(command);
    }
  }

  #topup(command: Extract<Command, { op: "topup" }>): Prediction {
    if (command.asset === "GIFT" && !command.manager) return refusal("manager_required");
    const uid = UIDS[command.card]!;
    const found = this.cards.get(uid);
    if (found?.lost) return refusal("card_blocked");
    const kind = command.asset === "GIFT" ? "offer" : "topup";
    return {
      outcome: "success",
      kind,
      commit: (made) => {
        const walletId = found?.walletId ?? made.walletOf(uid);
        if (!found) this.cards.set(uid, { walletId, lost: false });
        const transfers: Transfer[] = [{ debit: `issuance:${command.asset}`, credit: `wallet:${walletId}`, asset: command.asset, amount: command.amount }];
        if (command.asset === "EUR") transfers.push({ debit: `external:${command.method}`, credit: `reserve:${command.method}`, asset: "EUR", amount: command.amount });
        this.addLoad(walletId, command.asset, command.method, command.amount);
        return this.apply(kind, transfers, { method: command.method });
      },
    };
  }

  #pay(command: Extract<Command, { op: "pay" }>): Prediction {
    const found = this.usable(UIDS[command.card]!);
    if ("outcome" in found) return found;
    const account = `wallet:${found.walletId}`;
    const transfers: Transfer[] = [];
    let left = command.amount;
    for (const asset of ["GIFT", "EUR"]) {
      const drawn = Math.min(left, this.balance(account, asset));
      if (drawn <= 0) continue;
      transfers.push({ debit: account, credit: `revenue:${command.pos}`, asset, amount: drawn });
      left -= drawn;
    }
    if (left > 0) return refusal("insufficient_funds", left);
    return {
      outcome: "success",
      kind: "payment",
      commit: () => {
        // Spending consumes what loaded the wallet, cash last.
        for (const transfer of transfers) this.consume(found.walletId, transfer.asset, transfer.amount, ["offered", "online", "card", "cash"]);
        return this.apply("payment", transfers);
      },
    };
  }

  #refund(command: Extract<Command, { op: "refund" }>): Prediction {
    const found = this.usable(UIDS[command.card]!);
    if ("outcome" in found) return found;
    const walletId = found.walletId;
    const balance = this.balance(`wallet:${walletId}`, "EUR");
    if (balance <= 0) return refusal("nothing_to_refund");
    if (balance > this.load(walletId, "EUR", "cash") && !command.manager) return refusal("manager_required");
    if (this.balance("reserve:cash", "EUR") < balance) return refusal("reserve_insufficient");
    return {
      outcome: "success",
      kind: "refund",
      commit: () => {
        this.consume(walletId, "EUR", balance, REFUND_ORDER);
        return this.apply("refund", [
          { debit: `wallet:${walletId}`, credit: "issuance:EUR", asset: "EUR", amount: balance },
          { debit: "reserve:cash", credit: "external:cash", asset: "EUR", amount: balance },
        ]);
      },
    };
  }

  #void(command: Extract<Command, { op: "void" }>): Prediction {
    if (!command.manager) return refusal("manager_required");
    const seq = (command.target % (this.entries.length + 2)) + 1;
    const original = this.entries[seq - 1];
    if (!original) return refusal("entry_unknown");
    if (original.kind === "void") return refusal("not_voidable");
    if (original.voided) return refusal("already_voided");
    const transfers = original.transfers.map((transfer) => ({ debit: transfer.credit, credit: transfer.debit, asset: transfer.asset, amount: transfer.amount }));
    const after = new Map(this.accounts);
    for (const transfer of transfers) {
      after.set(`${transfer.debit}|${transfer.asset}`, (after.get(`${transfer.debit}|${transfer.asset}`) ?? 0) - transfer.amount);
      after.set(`${transfer.credit}|${transfer.asset}`, (after.get(`${transfer.credit}|${transfer.asset}`) ?? 0) + transfer.amount);
    }
    const overdrawn = transfers.some((transfer) => !/^(issuance|external):/.test(transfer.debit) && (after.get(`${transfer.debit}|${transfer.asset}`) ?? 0) < 0);
    if (overdrawn) return refusal("insufficient_funds");
    return {
      outcome: "success",
      kind: "void",
      commit: () => {
        original.voided = true;
        if ((original.kind === "topup" || original.kind === "offer") && original.method) {
          const toWallet = original.transfers.find((transfer) => transfer.credit.startsWith("wallet:"))!;
          this.addLoad(toWallet.credit.slice("wallet:".length), toWallet.asset, original.method, -toWallet.amount);
        }
        if (original.kind === "payment" || original.kind === "refund") {
          // Money a void brings back counts as loaded by card: a cash refund of it needs a manager.
          for (const transfer of original.transfers.filter((candidate) => candidate.debit.startsWith("wallet:"))) {
            this.addLoad(transfer.debit.slice("wallet:".length), transfer.asset, "card", transfer.amount);
          }
        }
        return this.apply("void", transfers);
      },
    };
  }

  #merge(command: Extract<Command, { op: "merge" }>): Prediction {
    const uid = UIDS[command.card]!;
    const found = this.usable(uid);
    if ("outcome" in found) return found;
    const target = this.members[command.member];
    if (target === found.walletId) return { outcome: "skip" };
    return {
      outcome: "success",
      kind: "merge",
      commit: (made) => {
        const member = target ?? made.mergeTarget!;
        this.members[command.member] = member;
        const transfers = this.moveAll(found.walletId, member);
        this.cards.set(uid, { walletId: member, lost: false });
        return this.apply("merge", transfers);
      },
    };
  }

  #replace(command: Extract<Command, { op: "replace" }>): Prediction {
    const lostUid = UIDS[command.card]!;
    const lost = this.cards.get(lostUid);
    if (!lost) return refusal("card_unknown");
    if (lost.lost) return refusal("card_blocked");
    const replacementUid = UIDS[command.replacement]!;
    // Every card this model registers is active (or lost): none is a new, empty card.
    if (this.cards.has(replacementUid)) return refusal("card_in_use");
    return {
      outcome: "success",
      kind: "card_replacement",
      commit: (made) => {
        this.cards.set(lostUid, { walletId: lost.walletId, lost: true });
        const shared = [...this.cards].some(([uid, other]) => uid !== lostUid && other.walletId === lost.walletId) || this.members.includes(lost.walletId);
        if (shared) {
          // A member's wallet, or one other cards use: the replacement joins it, no entry.
          this.cards.set(replacementUid, { walletId: lost.walletId, lost: false });
          return [];
        }
        const walletId = made.walletOf(replacementUid);
        this.cards.set(replacementUid, { walletId, lost: false });
        return this.apply("card_replacement", this.moveAll(lost.walletId, walletId));
      },
    };
  }
}

type Outcome = { ok: true; mergeTarget?: string } | { ok: false; code: string; missing: unknown };

/** Runs one command on the box, by writer.transact or by writer.submit (group commit, savepoints). */
async function execute(box: TestBox, model: Model, command: Command, index: number): Promise<Outcome> {
  const deps = operationDeps(box);
  const role = "manager" in command && !command.manager ? ("cashier" as const) : ("manager" as const);
  const actor: Actor = { scope: "terminal:property", idempotencyKey: `k${index}`, role };
  const run = (tx: Tx): string | undefined => {
    switch (command.op) {
      case "topup":
        topUp(tx, deps, actor, { cardUid: UIDS[command.card], asset: command.asset, amount: command.amount, method: command.method });
        return undefined;
      case "pay":
        pay(tx, deps, actor, { cardUid: UIDS[command.card], amount: command.amount, pointOfSale: command.pos });
        return undefined;
      case "refund":
        refund(tx, deps, actor, { cardUid: UIDS[command.card] });
        return undefined;
      case "void":
        voidEntry(tx, deps, actor, (command.target % (model.entries.length + 2)) + 1);
        return undefined;
      case "merge": {
        // Attaching a card to a member: its wallet's balances move into the member's wallet.
        const found = requireUsableCard(tx.sqlite, UIDS[command.card]);
        const target = model.members[command.member] ?? insertWallet(tx, deps.newId);
        moveAllBalances(tx, deps, actor, "merge", found.walletId, target, { card: found.id });
        setCardWallet(tx, found.id, target);
        tx.sqlite.query("UPDATE wallets SET merged_into = ? WHERE id = ?").run(target, found.walletId);
        return target;
      }
      case "replace":
        replaceLostCard(tx, deps, actor, UIDS[command.card]!, UIDS[command.replacement]!);
        return undefined;
    }
  };
  try {
    const target = command.submit ? await box.writer.submit(run) : box.writer.transact(run);
    return target === undefined ? { ok: true } : { ok: true, mergeTarget: target };
  } catch (error) {
    if (isAppError(error)) return { ok: false, code: error.code, missing: error.details?.missing };
    throw error;
  }
}

/** What a refusal must leave untouched: the journal, the balances, the loads and the cards. */
function footprint(sqlite: Sqlite): string {
  return JSON.stringify([
    entryCount(sqlite),
    sqlite.query("SELECT account, asset, balance FROM ledger_balances ORDER BY account, asset").all(),
    sqlite.query("SELECT wallet_id, asset, method, amount FROM wallet_loads ORDER BY wallet_id, asset, method").all(),
    sqlite.query("SELECT id, uid, state, wallet_id FROM cards ORDER BY id").all(),
    sqlite.query("SELECT count(*) AS n FROM wallets").get(),
  ]);
}

function sortedTransfers(transfers: readonly Transfer[]): string[] {
  return transfers.map((transfer) => `${transfer.debit}>${transfer.credit} ${transfer.amount} ${transfer.asset}`).sort();
}

function checkInvariants(sqlite: Sqlite, model: Model, step: string): void {
  const stored = storedBalances(sqlite);
  const perAsset = new Map<string, number>();
  let reserves = 0;
  for (const [name, balance] of stored) {
    const [account, asset] = name.split("|") as [string, string];
    perAsset.set(asset, (perAsset.get(asset) ?? 0) + balance);
    if (account.startsWith("reserve:") && asset === "EUR") reserves += balance;
    if (/^(wallet|reserve|revenue):/.test(account)) expect(balance, `${step}: ${name} is negative`).toBeGreaterThanOrEqual(0);
  }
  for (const [asset, sum] of perAsset) expect(sum, `${step}: ${asset} balances sum`).toBe(0);
  expect(0 - (stored.get("issuance:EUR|EUR") ?? 0), `${step}: EUR issued equals the reserves`).toBe(reserves);
  expect(Object.fromEntries(stored), `${step}: stored balances equal the transfers' sums`).toEqual(Object.fromEntries(recomputedBalances(sqlite)));
  expect(entryCount(sqlite), `${step}: one entry per success`).toBe(model.entries.length);
  const modelled = new Map([...model.accounts].filter(([, balance]) => balance !== 0));
  expect(Object.fromEntries(stored), `${step}: every account as the model says`).toEqual(Object.fromEntries(modelled));
  for (const [uid, known] of model.cards) {
    const row = cardByUid(sqlite, uid)!;
    expect(row.walletId, `${step}: card ${uid} wallet`).toBe(known.walletId);
    expect(row.state === "lost", `${step}: card ${uid} lost`).toBe(known.lost);
    const balances = walletBalances(sqlite, known.walletId);
    expect({ EUR: balances.EUR, GIFT: balances.GIFT }, `${step}: card ${uid} balances`).toEqual({
      EUR: model.balance(`wallet:${known.walletId}`, "EUR"),
      GIFT: model.balance(`wallet:${known.walletId}`, "GIFT"),
    });
  }
  const loads = sqlite.query<{ k: string; amount: number }, []>("SELECT wallet_id || '|' || asset || '|' || method AS k, amount FROM wallet_loads WHERE amount != 0").all();
  expect(Object.fromEntries(loads.map((row) => [row.k, row.amount])), `${step}: what loaded each wallet`).toEqual(
    Object.fromEntries([...model.loads].filter(([, amount]) => amount !== 0)),
  );
}

type Tally = Map<string, { succeeded: number; refused: number }>;

async function runSequence(commands: readonly Command[], tally: Tally = new Map()): Promise<void> {
  const box = testBox();
  try {
    const model = new Model();
    let index = 0;
    for (const command of commands) {
      index++;
      const step = `step ${index} ${JSON.stringify(command)}`;
      const prediction = model.predict(command);
      if (prediction.outcome === "skip") continue;
      const before = footprint(box.sqlite);
      const outcome = await execute(box, model, command, index);
      const counts = tally.get(command.op) ?? { succeeded: 0, refused: 0 };
      if (outcome.ok) counts.succeeded++;
      else counts.refused++;
      tally.set(command.op, counts);
      if (prediction.outcome === "refusal") {
        expect(outcome, step).toMatchObject({ ok: false, code: prediction.code });
        if (prediction.missing !== undefined) expect((outcome as { missing: unknown }).missing, `${step}: missing`).toBe(prediction.missing);
        expect(footprint(box.sqlite), `${step}: a refusal writes nothing`).toBe(before);
      } else {
        expect(outcome, step).toEqual(expect.objectContaining({ ok: true }));
        const made: Made = {
          walletOf: (uid) => cardByUid(box.sqlite, uid)!.walletId,
          ...(outcome.ok && outcome.mergeTarget ? { mergeTarget: outcome.mergeTarget } : {}),
        };
        const transfers = prediction.commit(made);
        if (transfers.length > 0) {
          const entry = readEntry(box.sqlite, model.entries.length)!;
          expect(entry.kind, step).toBe(prediction.kind);
          expect(entry.idempotencyKey, step).toBe(`k${index}`);
          const actual = entry.transfers.map((transfer) => ({ debit: transfer.debitAccount, credit: transfer.creditAccount, asset: transfer.asset, amount: transfer.amount }));
          expect(sortedTransfers(actual), `${step}: the entry's transfers`).toEqual(sortedTransfers(transfers));
        }
      }
      checkInvariants(box.sqlite, model, step);
    }
    const check = verifyLedger(box.sqlite, { publicKey: box.signer.publicKey, backedAssets: ["EUR"] });
    expect(check).toMatchObject({ ok: true, entries: model.entries.length });
  } finally {
    box.dispose();
  }
}

test(`${RUNS} random sequences of up to ${MAX_COMMANDS} wallet operations keep every invariant and match the model`, async () => {
  const tally: Tally = new Map();
  await fc.assert(
    fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: MAX_COMMANDS }), (commands) => runSequence(commands, tally)),
    { numRuns: RUNS },
  );
  // The property is not vacuous: every operation both succeeded and was refused along the runs.
  for (const op of ["topup", "pay", "refund", "void", "merge", "replace"]) {
    expect(tally.get(op)?.succeeded, `${op} succeeded`).toBeGreaterThan(0);
    expect(tally.get(op)?.refused, `${op} refused`).toBeGreaterThan(0);
  }
}, 40_000);

test("a fixed sequence where each operation both succeeds and is refused keeps the invariants", async () => {
  const sequence: Command[] = [
    { op: "pay", card: 0, amount: 10, pos: "main", submit: false },
    { op: "topup", card: 0, asset: "EUR", method: "cash", amount: 1_000, manager: false, submit: true },
    { op: "topup", card: 0, asset: "GIFT", method: "offered", amount: 300, manager: false, submit: false },
    { op: "topup", card: 0, asset: "GIFT", method: "offered", amount: 300, manager: true, submit: false },
    { op: "topup", card: 1, asset: "EUR", method: "card", amount: 500, manager: false, submit: true },
    { op: "pay", card: 0, amount: 400, pos: "bar", submit: true },
    { op: "pay", card: 0, amount: 5_000, pos: "bar", submit: false },
    { op: "refund", card: 1, manager: false, submit: false },
    { op: "refund", card: 1, manager: true, submit: true },
    // Entries so far: 1 top-up 1000, 2 offer 300, 3 top-up 500, 4 payment 400, 5 refund 500.
    { op: "void", target: 0, manager: true, submit: false },
    { op: "void", target: 3, manager: true, submit: true },
    { op: "void", target: 3, manager: true, submit: false },
    { op: "void", target: 5, manager: true, submit: false },
    { op: "void", target: 4, manager: false, submit: false },
    { op: "merge", card: 0, member: 0, submit: true },
    { op: "replace", card: 0, replacement: 5, submit: false },
    { op: "replace", card: 0, replacement: 6, submit: true },
    { op: "pay", card: 0, amount: 1, pos: "main", submit: true },
    { op: "pay", card: 5, amount: 100, pos: "main", submit: false },
  ];
  const tally: Tally = new Map();
  await runSequence(sequence, tally);
  expect(Object.fromEntries(tally)).toEqual({
    topup: { succeeded: 3, refused: 1 },
    pay: { succeeded: 2, refused: 3 },
    refund: { succeeded: 1, refused: 1 },
    void: { succeeded: 1, refused: 4 },
    merge: { succeeded: 1, refused: 0 },
    replace: { succeeded: 1, refused: 1 },
  });
});
