/** The venue's wallet settings: caps (off by default) and registration at the first top-up. */
import { fail } from "../kernel/index.ts";
import type { Sqlite, Tx } from "../db/index.ts";

export interface WalletSettings {
  readonly cardBalanceCap: number | null;
  readonly topupCap: number | null;
  readonly registerOnFirstTopup: boolean;
}

export function readWalletSettings(sqlite: Sqlite): WalletSettings {
  const row = sqlite
    .query<{ cardBalanceCap: number | null; topupCap: number | null; registerOnFirstTopup: number }, []>(
      "SELECT card_balance_cap AS cardBalanceCap, topup_cap AS topupCap, register_on_first_topup AS registerOnFirstTopup FROM wallet_settings WHERE id = 1",
    )
    .get();
  return { cardBalanceCap: row?.cardBalanceCap ?? null, topupCap: row?.topupCap ?? null, registerOnFirstTopup: row ? Boolean(row.registerOnFirstTopup) : true };
}

export function saveWalletSettings(tx: Tx, settings: WalletSettings): WalletSettings {
  for (const cap of [settings.cardBalanceCap, settings.topupCap]) {
    if (cap !== null && (!Number.isSafeInteger(cap) || cap <= 0)) fail("amount_invalid", "a cap is a positive amount, or empty for none");
  }
  tx.sqlite
    .query(
      `INSERT INTO wallet_settings (id, card_balance_cap, topup_cap, register_on_first_topup) VALUES (1, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET card_balance_cap = excluded.card_balance_cap, topup_cap = excluded.topup_cap, register_on_first_topup = excluded.register_on_first_topup`,
    )
    .run(settings.cardBalanceCap, settings.topupCap, settings.registerOnFirstTopup ? 1 : 0);
  return readWalletSettings(tx.sqlite);
}
