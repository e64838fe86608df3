/**
 * The reports' "online sales" block: orders paid online in the range (count, total), the online
 * orders refunded in it, and the net. They are not sales of a cash register (no fiscal record,
 * not in the Z): the FEC books them in their own journal (VW). Shown for the whole venue only.
 */
import type { View } from "../view.ts";
import { formatEuros } from "./wallet-common.tsx";

export interface OnlineSalesData {
  readonly count: number;
  readonly total: number;
  readonly refundCount: number;
  readonly refunded: number;
  readonly net: number;
}

export function OnlineSales({ view, online }: { view: View; online: OnlineSalesData | undefined }) {
  const { t } = view;
  if (online === undefined) return null;
  return (
    <section aria-labelledby="online-sales">
      <h2 id="online-sales">{t("pos_reports.online_title")}</h2>
      <p class="muted">{t("pos_reports.online_help")}</p>
      <dl class="stats" data-testid="online-sales">
        <div>
          <dt>{t("pos_reports.online_orders")}</dt>
          <dd data-testid="online-count">{String(online.count)}</dd>
        </div>
        <div>
          <dt>{t("pos_reports.online_total")}</dt>
          <dd data-testid="online-total">{formatEuros(view, online.total)}</dd>
        </div>
        <div>
          <dt>{t("pos_reports.online_refunds", { count: online.refundCount })}</dt>
          <dd data-testid="online-refunded">{formatEuros(view, online.refunded)}</dd>
        </div>
        <div>
          <dt>{t("pos_reports.online_net")}</dt>
          <dd data-testid="online-net">{formatEuros(view, online.net)}</dd>
        </div>
      </dl>
    </section>
  );
}
