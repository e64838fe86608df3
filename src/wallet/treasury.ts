/**
 * The treasurer's figures, per asset, read from the stored balances (ledger_balances, kept in the
 * same transaction as every entry): what the cards hold, what was issued, the euros held in
 * reserve by method, and what each point of sale earned.
 */
import type { Sqlite } from "../db/index.ts";
import { listAssetsSql, type Asset } from "./assets.ts";

/** Accounts other than wallets are few (one per asset, method and point of sale): a generous bound. */
const TREASURY_ACCOUNTS_MAX = 1_000;

export interface AssetFigures {
  readonly asset: Asset;
  /** Sum of the positive wallet balances, in minor units. */
  readonly inWallets: number;
  /** Everything issued and not taken back (minus the issuance account's balance). */
  readonly issued: number;
  /** Euros held against the asset, by top-up method ("cash", "card", "online"). */
  readonly reserves: Readonly<Record<string, number>>;
  /** Earned by each point of sale. */
  readonly revenue: Readonly<Record<string, number>>;
}

export function treasuryFigures(sqlite: Sqlite): AssetFigures[] {
  const inWallets = new Map<string, number>();
  for (const row of sqlite
    .query<{ asset: string; total: number }, []>("SELECT asset, sum(balance) AS total FROM ledger_balances WHERE account LIKE 'wallet:%' AND balance > 0 GROUP BY asset")
    .all()) {
    inWallets.set(row.asset, row.total);
  }
  const others = sqlite
    .query<{ account: string; asset: string; balance: number }, [number]>(
      "SELECT account, asset, balance FROM ledger_balances WHERE account NOT LIKE 'wallet:%' ORDER BY account LIMIT ?",
    )
    .all(TREASURY_ACCOUNTS_MAX);
  return listAssetsSql(sqlite).map((asset) => {
    const mine = others.filter((row) => row.asset === asset.code);
    const named = (type: string) => Object.fromEntries(mine.filter((row) => row.account.startsWith(`${type}:`)).map((row) => [row.account.slice(type.length + 1), row.balance]));
    return {
      asset,
      inWallets: inWallets.get(asset.code) ?? 0,
      // 0 - x, not -x: an asset never issued is 0, not -0 (which formats as "-0,00").
      issued: 0 - (mine.find((row) => row.account === `issuance:${asset.code}`)?.balance ?? 0),
      reserves: named("reserve"),
      revenue: named("revenue"),
    };
  });
}
