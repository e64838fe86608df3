/** What the wallet pages share: amounts in the reader's language, balance lists, notices. */
import { formatMoney, money } from "../../src/kernel/index.ts";
import { Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";

/** What a page needs to know of an asset to show an amount of it. */
export interface AssetLabel {
  readonly code: string;
  readonly kind: string;
  readonly name: string;
  readonly scale: number;
}

function locale(view: View): string {
  return view.lang === "fr" ? "fr-FR" : "en-GB";
}

/**
 * Minor units as a decimal text ("15050" at scale 2 is "150.50"), by moving the separator in
 * the digits: no division, so no float touches the amount.
 */
export function decimalText(minor: number, scale: number, separator = "."): string {
  const digits = String(Math.abs(minor)).padStart(scale + 1, "0");
  const whole = scale === 0 ? digits : digits.slice(0, -scale);
  const fraction = scale === 0 ? "" : `${separator}${digits.slice(-scale)}`;
  return `${minor < 0 ? "-" : ""}${whole}${fraction}`;
}

/** Kinds counted in euro cents: a payment spends a gift as it spends euros. */
const EURO_KINDS = ["euro", "local", "gift"];

/** Euro kinds as "12,50 €"; other assets as "30 MINS" (their code is not an ISO currency). */
export function formatAmount(view: View, minor: number, asset: Pick<AssetLabel, "code" | "kind" | "scale">): string {
  if (EURO_KINDS.includes(asset.kind) && asset.scale === 2) return formatMoney(money(minor), "EUR", locale(view));
  return `${decimalText(minor, asset.scale, view.lang === "fr" ? "," : ".")} ${asset.code}`;
}

export function formatEuros(view: View, minor: number): string {
  return formatMoney(money(minor), "EUR", locale(view));
}

export function BalanceList({ view, balances, assets }: { view: View; balances: Readonly<Record<string, number>>; assets: readonly AssetLabel[] }) {
  const shown = assets.filter((asset) => balances[asset.code] !== undefined);
  if (shown.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="balances">
      {shown.map((asset) => (
        <li>
          <span safe>{asset.name}</span> : <strong>{formatAmount(view, balances[asset.code] ?? 0, asset)}</strong>
        </li>
      ))}
    </ul>
  );
}

export function Notices({ notice, error }: { notice?: string | undefined; error?: string | undefined }) {
  return (
    <>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
    </>
  );
}

export function cardStateKey(state: string): MessageKey {
  return `card_state.${state}` as MessageKey;
}

export function assetKindKey(kind: string): MessageKey {
  return `asset_kind.${kind}` as MessageKey;
}
