/**
 * The treasurer's page (admins and managers): per asset, what the cards hold, what was issued,
 * the euros in reserve and each point of sale's revenue; and the top-ups of the last twelve months
 * against the PSD2 limited-network threshold.
 */
import { Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { formatAmount, formatEuros, type AssetLabel } from "./wallet-common.tsx";

export interface TreasuryRow {
  readonly asset: AssetLabel;
  readonly backed: boolean;
  readonly inWallets: number;
  readonly issued: number;
  readonly reserves: Readonly<Record<string, number>>;
  readonly revenue: Readonly<Record<string, number>>;
}

export interface TreasuryData {
  readonly rows: readonly TreasuryRow[];
  /** Euros topped up over the last 365 days, in cents. */
  readonly rollingTopups: number;
  /** The PSD2 art. 37(2) threshold, in cents. */
  readonly thresholdMinor: number;
}

const METHODS = ["cash", "card", "online"];

/** A top-up method in words; a point of sale by its code (it has no name yet). */
function NameOf({ view, name, methods }: { view: View; name: string; methods: boolean }) {
  if (methods && METHODS.includes(name)) return <>{view.t(`method.${name}` as MessageKey)}</>;
  return <span safe>{name}</span>;
}

function Named({ view, amounts, asset, methods }: { view: View; amounts: Readonly<Record<string, number>>; asset: AssetLabel; methods: boolean }) {
  const names = Object.keys(amounts).sort();
  if (names.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="balances">
      {names.map((name) => (
        <li>
          <NameOf view={view} name={name} methods={methods} /> : {formatAmount(view, amounts[name] ?? 0, asset)}
        </li>
      ))}
    </ul>
  );
}

function Psd2({ view, data }: { view: View; data: TreasuryData }) {
  const { t } = view;
  // A ratio for display, not an amount: the float never flows back into money.
  const share = data.rollingTopups / data.thresholdMinor;
  // Four fifths of the threshold, by integer division (exact: the remainder is dropped first).
  const nearMinor = (data.thresholdMinor * 4 - ((data.thresholdMinor * 4) % 5)) / 5;
  const percent = new Intl.NumberFormat(view.lang === "fr" ? "fr-FR" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(share);
  return (
    <section aria-labelledby="limit">
      <h2 id="limit">{t("treasury.limit_title")}</h2>
      <dl class="stats">
        <div>
          <dt>{t("treasury.rolling_topups")}</dt>
          <dd>{formatEuros(view, data.rollingTopups)}</dd>
        </div>
        <div>
          <dt>{t("treasury.threshold")}</dt>
          <dd class="text">{formatEuros(view, data.thresholdMinor)}</dd>
        </div>
        <div>
          <dt>{t("treasury.share")}</dt>
          <dd>{percent}</dd>
        </div>
      </dl>
      <meter class="threshold" min="0" max={String(data.thresholdMinor)} high={String(nearMinor)} value={String(data.rollingTopups)} aria-label={t("treasury.share")}>
        {percent}
      </meter>
      <p>{t("treasury.limit_sentence", { amount: formatEuros(view, data.rollingTopups), percent, threshold: formatEuros(view, data.thresholdMinor) })}</p>
      <p>{data.rollingTopups >= nearMinor ? t("treasury.limit_near") : t("treasury.limit_far")}</p>
    </section>
  );
}

export function TreasuryPage({ view, data }: { view: View; data: TreasuryData }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("treasury.title")}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("treasury.asset")}</th>
            <th scope="col">{t("treasury.in_wallets")}</th>
            <th scope="col">{t("treasury.issued")}</th>
            <th scope="col">{t("treasury.reserves")}</th>
            <th scope="col">{t("treasury.revenue")}</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((row) => (
            <tr>
              <th scope="row" data-label={t("treasury.asset")}>
                <span safe>{row.asset.name}</span> (<code safe>{row.asset.code}</code>)
              </th>
              <td data-label={t("treasury.in_wallets")}>{formatAmount(view, row.inWallets, row.asset)}</td>
              <td data-label={t("treasury.issued")}>{formatAmount(view, row.issued, row.asset)}</td>
              <td data-label={t("treasury.reserves")}>{row.backed ? <Named view={view} amounts={row.reserves} asset={row.asset} methods={true} /> : t("treasury.not_backed")}</td>
              <td data-label={t("treasury.revenue")}>
                <Named view={view} amounts={row.revenue} asset={row.asset} methods={false} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("treasury.help")}</p>
      <Psd2 view={view} data={data} />
      {view.operator?.role === "admin" ? (
        <p>
          <a class="standalone" href="/admin/wallet/settings">
            {t("wallet_settings.title")}
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
