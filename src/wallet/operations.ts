/**
 * Money in, money out, and money spent. Each operation is one journal entry (its transfers
 * succeed or fail together), written in the caller's transaction so that the HTTP layer can store
 * the answer beside it (idempotency). Time, ids, randomness and the signing key are passed in.
 *
 * - top-up: issuance:<asset> -> wallet, and for a backed asset external:<method> -> reserve:<method>
 * - offer (unbacked assets, managers only): issuance:<asset> -> wallet
 * - payment: wallet -> revenue:<pos>, drawing assets in spend priority, all or nothing
 * - refund (refundable assets): wallet -> issuance:<asset>, and reserve:cash -> external:cash
 * - void: the same transfers reversed, once, never overdrawing a wallet
 * - merge: wallet -> wallet (a card attached to a member); a lost card's replacement takes its wallet
 */
import { fail, type IdFactory, type RandomSource, type Signer } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";
import type { Role } from "../auth/index.ts";
import { appendEntry, balanceOf, balancesOf, isReversed, readEntry, walletAccount, type Entry, type TransferInput } from "../ledger/index.ts";
import { acceptedAt, listAssetsSql, requireAsset, type Asset } from "./assets.ts";
import { cardByUid, insertCard, normalizeCardUid, setCardState, setCardWallet, type Card } from "./cards.ts";
import { readWalletSettings } from "./settings.ts";

/** Amounts on the device API: integers from 1 to 10^9 minor units. */
export const AMOUNT_MAX_MINOR = 1_000_000_000;

export const TOPUP_METHODS = ["cash", "card", "online", "offered"] as const;
export type TopupMethod = (typeof TOPUP_METHODS)[number];

/** Order in which a refund consumes what loaded the wallet: cash first. */
const REFUND_ORDER = ["cash", "card", "online"] as const;

/**
 * Order in which spending consumes what loaded the wallet: cash last. Cash handed back in a
 * refund never exceeds the cash that came in, and a customer who loaded cash and card, then
 * spent, keeps the cash part refundable without a manager.
 */
const SPEND_ORDER = ["offered", "online", "card", "cash"] as const;

/**
 * Money that comes back into a wallet by a void (of a payment or a refund) is counted as loaded
 * by card: refunding it in cash then needs a manager, the safe side.
 */
const RESTORED_METHOD = "card";

export interface OperationDeps {
  readonly signer: Signer;
  readonly newId: IdFactory;
  readonly random: RandomSource;
}

/** Who asks: the idempotency scope, and the operator's role when a session goes with it. */
export interface Actor {
  readonly scope: string;
  readonly idempotencyKey: string;
  readonly role?: Role | undefined;
  /** Whether the request comes from the payment provider (the only source of online top-ups). */
  readonly provider?: boolean;
}

export interface OperationResult {
  readonly entrySeq: number;
  readonly entryHash: string;
  readonly transfers: ReadonlyArray<{ readonly asset: string; readonly amount: number }>;
  readonly balances: Readonly<Record<string, number>>;
}

export function checkAmount(amount: unknown): number {
  if (typeof amount !== "number" || !Number.isSafeInteger(amount) || amount < 1 || amount > AMOUNT_MAX_MINOR) {
    fail("amount_invalid", `an amount is an integer from 1 to ${AMOUNT_MAX_MINOR} minor units`);
  }
  return amount;
}

function isManager(actor: Actor): boolean {
  return actor.role === "manager" || actor.role === "admin";
}

/** Every active asset's balance of the wallet (zeros included), by asset code. */
export function walletBalances(sqlite: Sqlite, walletId: string): Record<string, number> {
  const stored = balancesOf(sqlite, walletAccount(walletId));
  const balances: Record<string, number> = {};
  for (const asset of listAssetsSql(sqlite)) if (asset.active || stored[asset.code]) balances[asset.code] = stored[asset.code] ?? 0;
  return balances;
}

function result(sqlite: Sqlite, entry: Entry, walletId: string, walletSide: "credit" | "debit"): OperationResult {
  const account = walletAccount(walletId);
  const transfers = entry.transfers
    .filter((transfer) => (walletSide === "credit" ? transfer.creditAccount : transfer.debitAccount) === account)
    .map((transfer) => ({ asset: transfer.asset, amount: transfer.amount }));
  return { entrySeq: entry.seq, entryHash: entry.hash, transfers, balances: walletBalances(sqlite, walletId) };
}

export function requireUsableCard(sqlite: Sqlite, uid: unknown): Card {
  if (typeof uid !== "string") fail("card_uid_invalid", "card_uid is a string of hex");
  const card = cardByUid(sqlite, normalizeCardUid(uid));
  if (!card) fail("card_unknown", "this card is not registered");
  if (card.state === "lost" || card.state === "blocked") fail("card_blocked", `this card is ${card.state}`);
  return card;
}

function addLoad(tx: Tx, walletId: string, asset: string, method: string, amount: number): void {
  tx.sqlite
    .query(
      `INSERT INTO wallet_loads (wallet_id, asset, method, amount) VALUES (?, ?, ?, ?)
       ON CONFLICT (wallet_id, asset, method) DO UPDATE SET amount = max(0, amount + excluded.amount)`,
    )
    .run(walletId, asset, method, amount);
}

function consumeLoads(tx: Tx, walletId: string, asset: string, amount: number, order: readonly string[]): void {
  let left = amount;
  for (const method of order) {
    if (left <= 0) break;
    const taken = Math.min(left, loadOf(tx.sqlite, walletId, asset, method));
    if (taken > 0) addLoad(tx, walletId, asset, method, -taken);
    left -= taken;
  }
}

function loadOf(sqlite: Sqlite, walletId: string, asset: string, method: string): number {
  return sqlite.query<{ amount: number }, [string, string, string]>("SELECT amount FROM wallet_loads WHERE wallet_id = ? AND asset = ? AND method = ?").get(walletId, asset, method)?.amount ?? 0;
}

export interface TopupInput {
  readonly cardUid: unknown;
  readonly asset: unknown;
  readonly amount: unknown;
  readonly method: unknown;
}

export function topUp(tx: Tx, deps: OperationDeps, actor: Actor, input: TopupInput): OperationResult {
  const amount = checkAmount(input.amount);
  const asset = requireAsset(tx.sqlite, input.asset);
  const method = input.method;
  if (typeof method !== "string" || !(TOPUP_METHODS as readonly string[]).includes(method)) fail("method_invalid", `method is one of ${TOPUP_METHODS.join(", ")}`);
  if (asset.backed) {
    if (method === "offered") fail("method_invalid", "a euro-backed asset is issued only against euros (cash, card, online)");
    if (method === "online" && !actor.provider) fail("method_invalid", "online top-ups come from the payment provider only");
  } else {
    if (method !== "offered") fail("method_invalid", `${asset.code} is not backed by euros: it is offered, by a manager`);
    if (!isManager(actor)) fail("manager_required", "only a manager may offer an unbacked asset");
  }
  const settings = readWalletSettings(tx.sqlite);
  if (settings.topupCap !== null && amount > settings.topupCap) fail("limit_exceeded", `a top-up is at most ${settings.topupCap}`, { limit: settings.topupCap });
  const card = cardForTopup(tx, deps, input.cardUid, settings.registerOnFirstTopup);
  const current = balanceOf(tx.sqlite, walletAccount(card.walletId), asset.code);
  if (settings.cardBalanceCap !== null && current + amount > settings.cardBalanceCap) {
    fail("limit_exceeded", `a card holds at most ${settings.cardBalanceCap} ${asset.code}`, { limit: settings.cardBalanceCap });
  }
  const transfers: TransferInput[] = [{ debit: `issuance:${asset.code}`, credit: walletAccount(card.walletId), asset: asset.code, amount }];
  if (asset.backed) transfers.push({ debit: `external:${method}`, credit: `reserve:${method}`, asset: asset.code, amount });
  const entry = appendEntry(tx, deps.signer, {
    kind: method === "offered" ? "offer" : "topup",
    scope: actor.scope,
    idempotencyKey: actor.idempotencyKey,
    memo: { card: card.id, method },
    transfers,
  });
  addLoad(tx, card.walletId, asset.code, method, amount);
  if (card.state === "new") setCardState(tx, card.id, "active");
  return result(tx.sqlite, entry, card.walletId, "credit");
}

function cardForTopup(tx: Tx, deps: OperationDeps, uid: unknown, register: boolean): Card {
  if (typeof uid !== "string") fail("card_uid_invalid", "card_uid is a string of hex");
  const bare = normalizeCardUid(uid);
  const card = cardByUid(tx.sqlite, bare);
  if (card) return requireUsableCard(tx.sqlite, bare);
  if (!register) fail("card_unknown", "this card is not registered");
  return insertCard(tx, deps.newId, deps.random, { uid: bare, state: "active" });
}

export interface PaymentInput {
  readonly cardUid: unknown;
  readonly amount: unknown;
  readonly pointOfSale: string;
  /** Only these assets may be drawn (a sale whose items accept some assets only); all when absent. */
  readonly assets?: readonly string[] | undefined;
}

/** Pays from a card, drawing its assets in spend priority (gift first by default); all or nothing. */
export function pay(tx: Tx, deps: OperationDeps, actor: Actor, input: PaymentInput): OperationResult {
  const amount = checkAmount(input.amount);
  const card = requireUsableCard(tx.sqlite, input.cardUid);
  const account = walletAccount(card.walletId);
  const usable = listAssetsSql(tx.sqlite).filter(
    (asset) => asset.active && acceptedAt(asset, input.pointOfSale) && asset.scale === 2 && (input.assets === undefined || input.assets.includes(asset.code)),
  );
  const transfers: TransferInput[] = [];
  let left = amount;
  for (const asset of usable) {
    if (left === 0) break;
    const drawn = Math.min(left, balanceOf(tx.sqlite, account, asset.code));
    if (drawn <= 0) continue;
    transfers.push({ debit: account, credit: `revenue:${input.pointOfSale}`, asset: asset.code, amount: drawn });
    left -= drawn;
  }
  if (left > 0) fail("insufficient_funds", `the card lacks ${left}`, { missing: left });
  const entry = appendEntry(tx, deps.signer, {
    kind: "payment",
    scope: actor.scope,
    idempotencyKey: actor.idempotencyKey,
    memo: { card: card.id, point_of_sale: input.pointOfSale, amount },
    transfers,
  });
  for (const transfer of transfers) consumeLoads(tx, card.walletId, transfer.asset, transfer.amount, SPEND_ORDER);
  return result(tx.sqlite, entry, card.walletId, "debit");
}

/** Empties a card's refundable balances, paid out in cash from the cash reserve. */
export function refund(tx: Tx, deps: OperationDeps, actor: Actor, input: { cardUid: unknown }): OperationResult {
  const card = requireUsableCard(tx.sqlite, input.cardUid);
  const account = walletAccount(card.walletId);
  const transfers: TransferInput[] = [];
  const consumed: Array<{ asset: Asset; amount: number }> = [];
  for (const asset of listAssetsSql(tx.sqlite).filter((candidate) => candidate.refundable)) {
    const balance = balanceOf(tx.sqlite, account, asset.code);
    if (balance <= 0) continue;
    if (asset.backed && balance > loadOf(tx.sqlite, card.walletId, asset.code, "cash") && !isManager(actor)) {
      fail("manager_required", "part of this balance was not loaded in cash: refunding it in cash needs a manager");
    }
    if (asset.backed && balanceOf(tx.sqlite, "reserve:cash", asset.code) < balance) {
      fail("reserve_insufficient", "the cash reserve cannot pay this refund", { missing: balance - balanceOf(tx.sqlite, "reserve:cash", asset.code) });
    }
    transfers.push({ debit: account, credit: `issuance:${asset.code}`, asset: asset.code, amount: balance });
    if (asset.backed) transfers.push({ debit: "reserve:cash", credit: "external:cash", asset: asset.code, amount: balance });
    consumed.push({ asset, amount: balance });
  }
  if (transfers.length === 0) fail("nothing_to_refund", "this card holds no refundable balance");
  const entry = appendEntry(tx, deps.signer, { kind: "refund", scope: actor.scope, idempotencyKey: actor.idempotencyKey, memo: { card: card.id, method: "cash" }, transfers });
  for (const { asset, amount } of consumed) consumeLoads(tx, card.walletId, asset.code, amount, REFUND_ORDER);
  return result(tx.sqlite, entry, card.walletId, "debit");
}

/** Voids an entry by its exact reverse, once; refused when it would overdraw a wallet. Managers only. */
export function voidEntry(tx: Tx, deps: OperationDeps, actor: Actor, seq: number): Entry {
  if (!isManager(actor)) fail("manager_required", "only a manager may void");
  const original = readEntry(tx.sqlite, seq);
  if (!original) fail("entry_unknown", `no entry ${seq}`);
  if (original.reversesSeq !== null) fail("not_voidable", "a void cannot be voided; make a new entry instead");
  if (isReversed(tx.sqlite, seq)) fail("already_voided", `entry ${seq} is already voided`);
  const entry = appendEntry(tx, deps.signer, {
    kind: "void",
    scope: actor.scope,
    idempotencyKey: actor.idempotencyKey,
    reversesSeq: seq,
    memo: { voids: seq, kind: original.kind },
    transfers: original.transfers.map((transfer) => ({ debit: transfer.creditAccount, credit: transfer.debitAccount, asset: transfer.asset, amount: transfer.amount })),
  });
  if (original.kind === "topup" || original.kind === "offer") {
    const walletTransfer = original.transfers.find((transfer) => transfer.creditAccount.startsWith("wallet:"));
    const method = typeof original.memo.method === "string" ? original.memo.method : "";
    if (walletTransfer && method) addLoad(tx, walletTransfer.creditAccount.slice("wallet:".length), walletTransfer.asset, method, -walletTransfer.amount);
  }
  if (original.kind === "payment" || original.kind === "refund") {
    for (const transfer of original.transfers.filter((candidate) => candidate.debitAccount.startsWith("wallet:"))) {
      addLoad(tx, transfer.debitAccount.slice("wallet:".length), transfer.asset, RESTORED_METHOD, transfer.amount);
    }
  }
  return entry;
}

/** Moves every balance of one wallet to another by one signed entry (attach to member, lost card). */
export function moveAllBalances(tx: Tx, deps: OperationDeps, actor: Actor, kind: "merge" | "card_replacement", fromWallet: string, toWallet: string, memo: Record<string, string>): Entry | undefined {
  if (fromWallet === toWallet) fail("same_wallet", "both sides are one wallet");
  const from = walletAccount(fromWallet);
  const transfers: TransferInput[] = Object.entries(balancesOf(tx.sqlite, from))
    .filter(([, balance]) => balance > 0)
    .map(([asset, balance]) => ({ debit: from, credit: walletAccount(toWallet), asset, amount: balance }));
  if (transfers.length === 0) return undefined;
  for (const method of [...REFUND_ORDER, "offered"]) {
    for (const transfer of transfers) {
      const moved = loadOf(tx.sqlite, fromWallet, transfer.asset, method);
      if (moved > 0) {
        addLoad(tx, toWallet, transfer.asset, method, moved);
        addLoad(tx, fromWallet, transfer.asset, method, -moved);
      }
    }
  }
  return appendEntry(tx, deps.signer, { kind, scope: actor.scope, idempotencyKey: actor.idempotencyKey, memo, transfers });
}

/** A lost card is marked lost and its wallet, with its balances, goes to a replacement card (new or registered now). */
export function replaceLostCard(tx: Tx, deps: OperationDeps, actor: Actor, lostUid: string, replacementUid: string): { card: Card; entry: Entry | undefined } {
  const lost = cardByUid(tx.sqlite, normalizeCardUid(lostUid));
  if (!lost) fail("card_unknown", "the lost card is not registered");
  if (lost.state === "lost") fail("card_blocked", "this card was already reported lost");
  const bare = normalizeCardUid(replacementUid);
  // A new, empty card would otherwise pass as its own replacement and end active again.
  if (bare === lost.uid) fail("card_in_use", "the replacement must be another card");
  const existing = cardByUid(tx.sqlite, bare);
  if (existing && (existing.state !== "new" || Object.values(balancesOf(tx.sqlite, walletAccount(existing.walletId))).some((balance) => balance !== 0))) {
    fail("card_in_use", "the replacement must be a new, empty card");
  }
  const replacement = existing ?? insertCard(tx, deps.newId, deps.random, { uid: bare, state: "active" });
  setCardState(tx, lost.id, "lost", replacement.id);
  setCardState(tx, replacement.id, "active");
  if (walletIsShared(tx.sqlite, lost.walletId, lost.id)) {
    // A member's wallet (or one other cards use) is an account of its own: the replacement joins
    // it, so the member's other cards keep their money. No money moves, so no entry.
    setCardWallet(tx, replacement.id, lost.walletId);
    return { card: { ...replacement, walletId: lost.walletId, state: "active" }, entry: undefined };
  }
  const entry = moveAllBalances(tx, deps, actor, "card_replacement", lost.walletId, replacement.walletId, { from_card: lost.id, to_card: replacement.id });
  return { card: { ...replacement, state: "active" }, entry };
}

/** Whether another card uses this wallet, or another wallet was merged into it (a member's wallet). */
export function walletIsShared(sqlite: Sqlite, walletId: string, exceptCardId: string): boolean {
  return (
    sqlite
      .query<{ shared: number }, [string, string, string]>(
        "SELECT EXISTS (SELECT 1 FROM cards WHERE wallet_id = ? AND id != ?) OR EXISTS (SELECT 1 FROM wallets WHERE merged_into = ?) AS shared",
      )
      .get(walletId, exceptCardId, walletId)!.shared === 1
  );
}

/** Moves an amount of a transferable asset between two cards' wallets. */
export function transferBetweenCards(tx: Tx, deps: OperationDeps, actor: Actor, input: { fromUid: unknown; toUid: unknown; asset: unknown; amount: unknown }): Entry {
  const amount = checkAmount(input.amount);
  const asset = requireAsset(tx.sqlite, input.asset);
  if (!asset.transferable) fail("asset_not_transferable", `${asset.code} cannot move between wallets`);
  const from = requireUsableCard(tx.sqlite, input.fromUid);
  const to = requireUsableCard(tx.sqlite, input.toUid);
  if (from.walletId === to.walletId) fail("same_wallet", "both cards share one wallet");
  const available = balanceOf(tx.sqlite, walletAccount(from.walletId), asset.code);
  if (available < amount) fail("insufficient_funds", `the card lacks ${amount - available}`, { missing: amount - available });
  return appendEntry(tx, deps.signer, {
    kind: "transfer",
    scope: actor.scope,
    idempotencyKey: actor.idempotencyKey,
    memo: { from_card: from.id, to_card: to.id },
    transfers: [{ debit: walletAccount(from.walletId), credit: walletAccount(to.walletId), asset: asset.code, amount }],
  });
}

/** The treasurer's figure: euros topped up over the last 365 days (PSD2 art. 37(2) threshold). */
export const PSD2_THRESHOLD_MINOR = 100_000_000;

export function rollingTopups(sqlite: Sqlite, nowMs: number): number {
  return (
    sqlite
      .query<{ total: number | null }, [number]>(
        `SELECT sum(t.amount) AS total FROM ledger_transfers t JOIN ledger_entries e ON e.seq = t.entry_seq
          WHERE e.kind = 'topup' AND t.debit_account LIKE 'external:%' AND e.at_ms > ?
            AND NOT EXISTS (SELECT 1 FROM ledger_entries v WHERE v.reverses_seq = e.seq)`,
      )
      .get(nowMs - 365 * 24 * 3600 * 1000)?.total ?? 0
  );
}
