/**
 * What the till's screens read besides the sale itself: what a card can pay of a cart at a point of
 * sale and how (its assets drawn in spend priority, as `pay()` will draw them), what a card would
 * get back when emptied, the recent sales of one till, and the printers a point of sale depends on
 * (the receipt printer, the order printers of its items). Reads only: every write goes through
 * createSale, voidSale, the wallet's operations and the print queue.
 */
import type { Sqlite } from "../db/index.ts";
import { limits } from "../kernel/index.ts";
import { balanceOf, walletAccount } from "../ledger/index.ts";
import { acceptedAt, listAssetsSql } from "../wallet/index.ts";
import { listItems, type Item } from "./catalogue.ts";
import { pendingJobCounts } from "./print-queue.ts";
import { listPrinters, printersForGroup, type Printer } from "./printers.ts";
import type { PricedCart } from "./pricing.ts";
import { saleLabel } from "./receipts.ts";

/** Recent sales one till lists (reprint, void). */
export const TILL_RECENT_SALES = 30;

/**
 * The assets a card may draw for a cart: those every restricting item accepts (the rule of
 * createSale); undefined when no item restricts them.
 */
export function cardAssetsForCart(cart: Pick<PricedCart, "lines">): string[] | undefined {
  let accepted: string[] | undefined;
  for (const line of cart.lines) {
    if (line.item.acceptedAssets.length === 0) continue;
    accepted = accepted === undefined ? [...line.item.acceptedAssets] : accepted.filter((code) => line.item.acceptedAssets.includes(code));
  }
  return accepted;
}

export interface CardPaymentPlan {
  /** What the card could pay here at most (its usable balances). */
  readonly spendable: number;
  /** What it pays of the amount asked: min(amount, spendable). */
  readonly amount: number;
  /** Each asset drawn, in spend priority. */
  readonly drawn: ReadonlyArray<{ readonly asset: string; readonly amount: number }>;
  /** The card's balances once paid. */
  readonly balancesAfter: Readonly<Record<string, number>>;
}

/**
 * How a wallet pays up to `amount` at a point of sale: the assets `pay()` would draw (active,
 * accepted here, in cents, allowed by the cart), in spend priority, and what stays on the card.
 */
export function planCardPayment(sqlite: Sqlite, input: { walletId: string; amount: number; pointOfSale: string; assets: readonly string[] | undefined; balances: Readonly<Record<string, number>> }): CardPaymentPlan {
  const account = walletAccount(input.walletId);
  const after: Record<string, number> = { ...input.balances };
  const drawn: Array<{ asset: string; amount: number }> = [];
  let spendable = 0;
  let left = Math.max(0, input.amount);
  for (const asset of listAssetsSql(sqlite)) {
    if (!asset.active || !acceptedAt(asset, input.pointOfSale) || asset.scale !== 2) continue;
    if (input.assets !== undefined && !input.assets.includes(asset.code)) continue;
    const balance = Math.max(0, balanceOf(sqlite, account, asset.code));
    spendable += balance;
    const take = Math.min(left, balance);
    if (take <= 0) continue;
    drawn.push({ asset: asset.code, amount: take });
    after[asset.code] = (after[asset.code] ?? 0) - take;
    left -= take;
  }
  return { spendable, amount: Math.max(0, input.amount) - left, drawn, balancesAfter: after };
}

/** What emptying a card pays back in cash: its refundable balances (refund() refuses the rest). */
export function refundableOf(sqlite: Sqlite, walletId: string): { total: number; assets: ReadonlyArray<{ asset: string; amount: number }> } {
  const account = walletAccount(walletId);
  const assets = listAssetsSql(sqlite)
    .filter((asset) => asset.refundable)
    .map((asset) => ({ asset: asset.code, amount: balanceOf(sqlite, account, asset.code) }))
    .filter((entry) => entry.amount > 0);
  return { total: assets.reduce((sum, entry) => sum + entry.amount, 0), assets };
}

export interface TillSaleRow {
  readonly number: number;
  readonly label: string;
  readonly training: boolean;
  readonly atMs: number;
  readonly total: number;
  readonly operatorName: string;
  readonly voided: boolean;
  readonly methods: readonly string[];
}

/** The last sales made at a till, newest first (training sales included, labelled T…). */
export function recentSalesOfTerminal(sqlite: Sqlite, terminalId: string, rows = TILL_RECENT_SALES): TillSaleRow[] {
  const bounded = Math.min(Math.max(rows, 1), limits.listPageRows);
  return sqlite
    .query<{ id: string; number: number; training: number; atMs: number; total: number; operatorName: string; voided: number; methods: string | null }, [string, number]>(
      `SELECT s.id, s.number, s.training, s.at_ms AS atMs, s.total, s.operator_name AS operatorName, v.sale_id IS NOT NULL AS voided,
              (SELECT group_concat(method) FROM (SELECT DISTINCT method FROM sale_payments p WHERE p.sale_id = s.id ORDER BY method)) AS methods
         FROM sales s LEFT JOIN sale_voids v ON v.sale_id = s.id WHERE s.terminal_id = ? ORDER BY s.at_ms DESC, s.number DESC LIMIT ?`,
    )
    .all(terminalId, bounded)
    .map((row) => ({
      number: row.number,
      label: saleLabel(row.number, Boolean(row.training)),
      training: Boolean(row.training),
      atMs: row.atMs,
      total: row.total,
      operatorName: row.operatorName,
      voided: Boolean(row.voided),
      methods: row.methods ? row.methods.split(",") : [],
    }));
}

/**
 * The printer that prints a point of sale's receipts: the first active printer of print group
 * `receipt-<code>`, or else of group `receipt`; none, and receipts are shown on screen only.
 */
export function receiptPrinterOf(sqlite: Sqlite, pointOfSale: string): Printer | undefined {
  return printersForGroup(sqlite, `receipt-${pointOfSale}`)[0] ?? printersForGroup(sqlite, "receipt")[0];
}

export interface TillPrinterState {
  readonly id: string;
  readonly name: string;
  readonly online: boolean;
  readonly status: string;
  readonly pending: number;
}

/** The printers a till depends on (its receipt printer, the order printers of its items' groups), with their queue. */
export function tillPrinters(sqlite: Sqlite, pointOfSale: string, items: readonly Item[] = listItems(sqlite, { pointOfSale, activeOnly: true })): TillPrinterState[] {
  const groups = new Set(items.map((item) => item.printGroup).filter(Boolean));
  groups.add(`receipt-${pointOfSale}`);
  groups.add("receipt");
  const pending = pendingJobCounts(sqlite);
  return listPrinters(sqlite)
    .filter((printer) => printer.active && printer.printGroups.some((group) => groups.has(group)))
    .map((printer) => ({ id: printer.id, name: printer.name, online: printer.status !== "offline", status: printer.status, pending: pending.get(printer.id) ?? 0 }));
}
