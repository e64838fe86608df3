/**
 * Reports (managers and admins): a business day or a range of them, with sales per hour as a bar
 * chart drawn on the server (an SVG with role="img", its summary in words, and the same figures as
 * a table), the totals per method, VAT rate, item and operator, money on cards (top-ups and
 * refunds against what cards spent: they are not sales), the exports; and the sales of a day, with
 * a manager's void.
 */
import { CsrfField, Layout } from "../layout.tsx";
import { formatTime, type View } from "../view.ts";
import { ItemTable, MethodTable, OperatorTable, VatTable, type ClosureTotalsData } from "./pos-admin-closures.tsx";
import { paymentMethodKey } from "./pos-admin-common.tsx";
import { formatAmount, formatEuros, Notices, type AssetLabel } from "./wallet-common.tsx";
import { OnlineSales, type OnlineSalesData } from "./online-sales-report.tsx";

export interface HourData {
  readonly hour: number;
  readonly sales: number;
  readonly amount: number;
}

export interface ReportData {
  readonly from: string;
  readonly to: string;
  /** "" for the whole venue. */
  readonly pointOfSale: string;
  readonly pointsOfSale: ReadonlyArray<{ readonly code: string; readonly name: string }>;
  readonly totals: ClosureTotalsData;
  readonly hours: readonly HourData[];
  readonly topItems: ClosureTotalsData["items"];
  /** What cards spent, per asset (from the ledger). */
  readonly cardSpending: Readonly<Record<string, number>>;
  /** What cards hold now, per asset. */
  readonly onCards: ReadonlyArray<{ readonly asset: AssetLabel; readonly amount: number }>;
  readonly assets: readonly AssetLabel[];
  /** The range as a query string, for the exports' links. */
  readonly query: string;
  /** Orders paid online in the range (whole venue only): not cash-register sales (online-sales-report.tsx). */
  readonly online?: OnlineSalesData | undefined;
}

const CHART = { barStepPx: 20, barWidthPx: 14, plotHeightPx: 150, topPx: 8, labelPx: 22 } as const;

/** The hour chart's summary in words: what a screen reader says for the picture. */
function hourSummary(view: View, hours: readonly HourData[]): string {
  const sales = hours.reduce((count, hour) => count + hour.sales, 0);
  if (sales === 0) return view.t("pos_reports.chart_empty");
  const amount = hours.reduce((total, hour) => total + hour.amount, 0);
  const busiest = hours.reduce((best, hour) => (hour.amount > best.amount ? hour : best), hours[0]!);
  return view.t("pos_reports.chart_summary", {
    sales,
    amount: formatEuros(view, amount),
    hour: String(busiest.hour),
    busiest: formatEuros(view, busiest.amount),
    count: busiest.sales,
  });
}

export function HourChart({ view, hours }: { view: View; hours: readonly HourData[] }) {
  const { t } = view;
  const max = Math.max(0, ...hours.map((hour) => hour.amount));
  const width = hours.length * CHART.barStepPx;
  const height = CHART.topPx + CHART.plotHeightPx + CHART.labelPx;
  const baseline = CHART.topPx + CHART.plotHeightPx;
  const summary = hourSummary(view, hours);
  return (
    <section aria-labelledby="hours-heading">
      <h2 id="hours-heading">{t("pos_reports.by_hour")}</h2>
      <figure class="chart">
        <svg role="img" aria-labelledby="hours-title hours-desc" viewBox={`0 0 ${width} ${height}`} width="100%" focusable="false">
          <title id="hours-title">{t("pos_reports.by_hour")}</title>
          <desc id="hours-desc">{summary}</desc>
          <line x1="0" y1={String(baseline)} x2={String(width)} y2={String(baseline)} class="axis" />
          {hours.map((hour, index) => {
            // A bar's height is a drawing ratio, never an amount: the float stays in the picture.
            const barPx = max <= 0 ? 0 : Math.round((Math.max(0, hour.amount) / max) * CHART.plotHeightPx);
            return <rect class="bar" x={String(index * CHART.barStepPx + (CHART.barStepPx - CHART.barWidthPx) / 2)} y={String(baseline - barPx)} width={String(CHART.barWidthPx)} height={String(barPx)} />;
          })}
          {hours.map((hour, index) =>
            index % 3 === 0 ? (
              <text x={String(index * CHART.barStepPx + CHART.barStepPx / 2)} y={String(height - 6)} text-anchor="middle" class="tick">
                {`${hour.hour}h`}
              </text>
            ) : null,
          )}
        </svg>
        <figcaption>{summary}</figcaption>
      </figure>
      <details>
        <summary>{t("pos_reports.chart_table")}</summary>
        <table class="hours">
          <thead>
            <tr>
              <th scope="col">{t("pos_reports.hour")}</th>
              <th scope="col">{t("pos_closures.sales")}</th>
              <th scope="col">{t("pos_closures.amount")}</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((hour) => (
              <tr>
                <th scope="row" data-label={t("pos_reports.hour")}>
                  {t("pos_reports.hour_range", { from: hour.hour, to: (hour.hour + 1) % 24 })}
                </th>
                <td data-label={t("pos_closures.sales")}>{String(hour.sales)}</td>
                <td data-label={t("pos_closures.amount")}>{formatEuros(view, hour.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function CardMoney({ view, data }: { view: View; data: ReportData }) {
  const { t } = view;
  const byCode = new Map(data.assets.map((asset) => [asset.code, asset]));
  const spent = Object.keys(data.cardSpending).sort();
  return (
    <section aria-labelledby="card-money">
      <h2 id="card-money">{t("pos_closures.card_money")}</h2>
      <p class="muted">{data.pointOfSale === "" ? t("pos_closures.card_money_help") : t("pos_closures.card_money_venue_only")}</p>
      {data.pointOfSale === "" ? (
        <>
          <MethodTable view={view} amounts={data.totals.topups} caption={t("pos_closures.topups")} id="topups" />
          <MethodTable view={view} amounts={data.totals.refunds} caption={t("pos_closures.refunds")} id="refunds" />
        </>
      ) : null}
      <table id="card-spending">
        <caption>{t("pos_reports.card_spending")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("treasury.asset")}</th>
            <th scope="col">{t("pos_closures.amount")}</th>
          </tr>
        </thead>
        <tbody>
          {spent.length === 0 ? (
            <tr>
              <td colspan="2" class="muted">
                {t("pos_closures.nothing")}
              </td>
            </tr>
          ) : null}
          {spent.map((code) => {
            const asset = byCode.get(code) ?? { code, kind: "euro", name: code, scale: 2 };
            return (
              <tr>
                <th scope="row" data-label={t("treasury.asset")} safe>
                  {asset.name}
                </th>
                <td data-label={t("pos_closures.amount")}>{formatAmount(view, data.cardSpending[code] ?? 0, asset)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table id="on-cards">
        <caption>{t("pos_reports.on_cards")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("treasury.asset")}</th>
            <th scope="col">{t("treasury.in_wallets")}</th>
          </tr>
        </thead>
        <tbody>
          {data.onCards.map((row) => (
            <tr>
              <th scope="row" data-label={t("treasury.asset")} safe>
                {row.asset.name}
              </th>
              <td data-label={t("treasury.in_wallets")}>{formatAmount(view, row.amount, row.asset)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RangeForm({ view, data }: { view: View; data: ReportData }) {
  const { t } = view;
  return (
    <form method="get" action="/admin/pos/reports" class="form">
      <label for="from">{t("pos_reports.from")}</label>
      <input id="from" name="from" type="date" required value={data.from} />
      <label for="to">{t("pos_reports.to")}</label>
      <input id="to" name="to" type="date" required value={data.to} />
      <label for="point_of_sale">{t("pos_closures.point_of_sale")}</label>
      <select id="point_of_sale" name="point_of_sale">
        <option value="">{t("pos_closures.whole_venue")}</option>
        {data.pointsOfSale.map((pos) => (
          <option value={pos.code} selected={pos.code === data.pointOfSale} safe>
            {pos.name}
          </option>
        ))}
      </select>
      <button type="submit" class="primary">
        {t("pos_reports.show")}
      </button>
    </form>
  );
}

export function ReportsPage({ view, data, error }: { view: View; data: ReportData; error?: string | undefined }) {
  const { t } = view;
  const totals = data.totals;
  const average = totals.sales > 0 ? Math.round((totals.total + totals.voided) / totals.sales) : 0;
  return (
    <Layout view={view} title={t("pos_reports.title")}>
      <Notices error={error} />
      <RangeForm view={view} data={data} />
      <dl class="stats">
        <div>
          <dt>{t("pos_closures.total")}</dt>
          <dd data-testid="report-total">{formatEuros(view, totals.total)}</dd>
        </div>
        <div>
          <dt>{t("pos_closures.sales")}</dt>
          <dd>{String(totals.sales)}</dd>
        </div>
        <div>
          <dt>{t("pos_closures.voids")}</dt>
          <dd>{String(totals.voids)}</dd>
        </div>
        <div>
          <dt>{t("pos_reports.average")}</dt>
          <dd>{formatEuros(view, average)}</dd>
        </div>
      </dl>
      <HourChart view={view} hours={data.hours} />
      <ItemTable view={view} items={data.topItems} caption={t("pos_reports.top_items")} />
      <OperatorTable view={view} operators={totals.operators} />
      <MethodTable view={view} amounts={totals.payments} caption={t("pos_closures.by_method")} id="by-method" />
      <VatTable view={view} vat={totals.vat} />
      <OnlineSales view={view} online={data.online} />
      <CardMoney view={view} data={data} />
      <h2>{t("pos_reports.exports")}</h2>
      <p class="muted">{t("pos_reports.exports_help")}</p>
      <ul class="links">
        <li>
          <a class="standalone" href={`/admin/pos/reports/sales.csv?${data.query}`}>
            {t("pos_reports.export_sales")}
          </a>
        </li>
        <li>
          <a class="standalone" href={`/admin/pos/reports/payments.csv?${data.query}`}>
            {t("pos_reports.export_payments")}
          </a>
        </li>
        <li>
          <a class="standalone" href={`/admin/pos/reports/closures.csv?${data.query}`}>
            {t("pos_reports.export_closures")}
          </a>
        </li>
        <li>
          <a class="standalone" href={`/admin/pos/reports/fec.txt?${data.query}`}>
            {t("pos_reports.export_fec")}
          </a>
        </li>
        <li>
          <a class="standalone" href={`/admin/pos/sales?day=${data.to}`}>
            {t("pos_sales.title_short")}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

export interface SaleListRow {
  readonly number: number;
  readonly atMs: number;
  readonly pointOfSale: string;
  readonly operatorName: string;
  readonly total: number;
  readonly methods: readonly string[];
  readonly voided: boolean;
}

export function SalesPage({ view, day, sales, notice, error }: { view: View; day: string; sales: readonly SaleListRow[]; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("pos_sales.title", { day })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <form method="get" action="/admin/pos/sales" class="form inline">
        <label for="day">{t("pos_sales.day")}</label>
        <input id="day" name="day" type="date" required value={day} />
        <button type="submit">{t("pos_reports.show")}</button>
      </form>
      {sales.length === 0 ? <p class="muted">{t("pos_sales.none")}</p> : null}
      {sales.length > 0 ? (
        <table class="sales">
          <thead>
            <tr>
              <th scope="col">{t("pos_sales.number")}</th>
              <th scope="col">{t("pos_sales.time")}</th>
              <th scope="col">{t("pos_closures.point_of_sale")}</th>
              <th scope="col">{t("pos_closures.operator")}</th>
              <th scope="col">{t("pos_closures.total")}</th>
              <th scope="col">{t("pos_closures.method")}</th>
              <th scope="col">{t("pos_sales.void")}</th>
            </tr>
          </thead>
          <tbody>
            {sales.map((sale) => (
              <tr>
                <th scope="row" data-label={t("pos_sales.number")}>
                  {String(sale.number)}
                </th>
                <td data-label={t("pos_sales.time")}>{formatTime(view, sale.atMs)}</td>
                <td data-label={t("pos_closures.point_of_sale")} safe>
                  {sale.pointOfSale}
                </td>
                <td data-label={t("pos_closures.operator")} safe>
                  {sale.operatorName}
                </td>
                <td data-label={t("pos_closures.total")}>{formatEuros(view, sale.total)}</td>
                <td data-label={t("pos_closures.method")}>{sale.methods.map((method) => t(paymentMethodKey(method))).join(", ")}</td>
                <td data-label={t("pos_sales.void")}>
                  {sale.voided ? (
                    <strong class="badge">{t("pos_sales.voided")}</strong>
                  ) : (
                    <form method="post" action={`/admin/pos/sales/${sale.number}/void`} class="inline">
                      <CsrfField view={view} />
                      <label class="visually-hidden" for={`reason_${sale.number}`}>
                        {t("pos_sales.reason_for", { number: sale.number })}
                      </label>
                      <input id={`reason_${sale.number}`} name="reason" placeholder={t("pos_sales.reason")} />
                      <button type="submit" class="danger">
                        {t("pos_sales.void_button")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <p>
        <a class="standalone" href={`/admin/pos/reports?from=${day}&to=${day}`}>
          {t("pos_reports.title")}
        </a>
      </p>
    </Layout>
  );
}
