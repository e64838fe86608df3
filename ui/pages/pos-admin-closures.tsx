/**
 * Closures (managers and admins): the list with their totals, the form that closes a period now,
 * and a closure's page, which is its Z ticket on screen: totals per payment method, VAT rate, item
 * and operator, top-ups and refunds of cards apart (they are not sales), the perpetual grand total,
 * the ledger's chain head and the signature extract; and a button to print it.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";
import { paymentMethodKey, rateText } from "./pos-admin-common.tsx";
import { formatEuros, Notices } from "./wallet-common.tsx";

export interface ClosureTotalsData {
  readonly sales: number;
  readonly voids: number;
  readonly total: number;
  readonly voided: number;
  readonly payments: Readonly<Record<string, number>>;
  readonly vat: ReadonlyArray<{ readonly rate_bp: number; readonly incl: number; readonly vat: number; readonly excl: number }>;
  readonly items: ReadonlyArray<{ readonly item_id: string; readonly name: string; readonly quantity: number; readonly amount: number }>;
  readonly operators: ReadonlyArray<{ readonly operator_id: string | null; readonly name: string; readonly sales: number; readonly voids: number; readonly total: number }>;
  readonly topups: Readonly<Record<string, number>>;
  readonly refunds: Readonly<Record<string, number>>;
}

export interface ClosureData {
  readonly kind: "daily" | "monthly" | "yearly";
  readonly period: string;
  readonly pointOfSale: string | null;
  readonly fiscalSeq: number;
  readonly atMs: number;
  readonly totals: ClosureTotalsData;
  readonly grandTotal: number;
  readonly ledgerHead: string | null;
  readonly hash: string;
  readonly signatureExtract: string;
}

export function closureKindKey(kind: string): MessageKey {
  return `pos_closures.kind_${kind}` as MessageKey;
}

/** A top-up's method (cash, card, online) or a sale's (nfc_card, cash...), in words. */
export function moneyMethodKey(method: string): MessageKey {
  return (["card", "online"].includes(method) ? `method.${method}` : paymentMethodKey(method)) as MessageKey;
}

const sum = (amounts: Readonly<Record<string, number>>) => Object.values(amounts).reduce((total, amount) => total + amount, 0);

export function MethodTable({ view, amounts, caption, id }: { view: View; amounts: Readonly<Record<string, number>>; caption: string; id: string }) {
  const { t } = view;
  const methods = Object.keys(amounts).sort();
  return (
    <table id={id}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("pos_closures.method")}</th>
          <th scope="col">{t("pos_closures.amount")}</th>
        </tr>
      </thead>
      <tbody>
        {methods.length === 0 ? (
          <tr>
            <td colspan="2" class="muted">
              {t("pos_closures.nothing")}
            </td>
          </tr>
        ) : null}
        {methods.map((method) => (
          <tr>
            <th scope="row" data-label={t("pos_closures.method")}>
              {t(moneyMethodKey(method))}
            </th>
            <td data-label={t("pos_closures.amount")}>{formatEuros(view, amounts[method] ?? 0)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VatTable({ view, vat }: { view: View; vat: ClosureTotalsData["vat"] }) {
  const { t } = view;
  return (
    <table>
      <caption>{t("pos_closures.by_vat")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("pos_closures.vat_rate")}</th>
          <th scope="col">{t("pos_closures.excl")}</th>
          <th scope="col">{t("pos_closures.vat")}</th>
          <th scope="col">{t("pos_closures.incl")}</th>
        </tr>
      </thead>
      <tbody>
        {vat.length === 0 ? (
          <tr>
            <td colspan="4" class="muted">
              {t("pos_closures.no_vat")}
            </td>
          </tr>
        ) : null}
        {vat.map((line) => (
          <tr>
            <th scope="row" data-label={t("pos_closures.vat_rate")}>
              {rateText(view, line.rate_bp)}
            </th>
            <td data-label={t("pos_closures.excl")}>{formatEuros(view, line.excl)}</td>
            <td data-label={t("pos_closures.vat")}>{formatEuros(view, line.vat)}</td>
            <td data-label={t("pos_closures.incl")}>{formatEuros(view, line.incl)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ItemTable({ view, items, caption }: { view: View; items: ClosureTotalsData["items"]; caption: string }) {
  const { t } = view;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("pos_closures.item")}</th>
          <th scope="col">{t("pos_closures.quantity")}</th>
          <th scope="col">{t("pos_closures.amount")}</th>
        </tr>
      </thead>
      <tbody>
        {items.length === 0 ? (
          <tr>
            <td colspan="3" class="muted">
              {t("pos_closures.nothing")}
            </td>
          </tr>
        ) : null}
        {items.map((item) => (
          <tr>
            <th scope="row" data-label={t("pos_closures.item")} safe>
              {item.name}
            </th>
            <td data-label={t("pos_closures.quantity")}>{String(item.quantity)}</td>
            <td data-label={t("pos_closures.amount")}>{formatEuros(view, item.amount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function OperatorTable({ view, operators }: { view: View; operators: ClosureTotalsData["operators"] }) {
  const { t } = view;
  return (
    <table>
      <caption>{t("pos_closures.by_operator")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("pos_closures.operator")}</th>
          <th scope="col">{t("pos_closures.sales")}</th>
          <th scope="col">{t("pos_closures.voids")}</th>
          <th scope="col">{t("pos_closures.total")}</th>
        </tr>
      </thead>
      <tbody>
        {operators.length === 0 ? (
          <tr>
            <td colspan="4" class="muted">
              {t("pos_closures.nothing")}
            </td>
          </tr>
        ) : null}
        {operators.map((operator) => (
          <tr>
            <th scope="row" data-label={t("pos_closures.operator")} safe>
              {operator.name || "—"}
            </th>
            <td data-label={t("pos_closures.sales")}>{String(operator.sales)}</td>
            <td data-label={t("pos_closures.voids")}>{String(operator.voids)}</td>
            <td data-label={t("pos_closures.total")}>{formatEuros(view, operator.total)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PeriodName({ view, closure, posNames }: { view: View; closure: Pick<ClosureData, "kind" | "period" | "pointOfSale">; posNames: ReadonlyMap<string, string> }) {
  const { t } = view;
  return (
    <>
      {t(closureKindKey(closure.kind))} <span safe>{closure.period}</span> —{" "}
      {closure.pointOfSale === null ? t("pos_closures.whole_venue") : <span safe>{posNames.get(closure.pointOfSale) ?? closure.pointOfSale}</span>}
    </>
  );
}

export interface ClosuresPageProps {
  readonly view: View;
  readonly closures: readonly ClosureData[];
  readonly pointsOfSale: ReadonlyArray<{ readonly code: string; readonly name: string }>;
  /** The period the close form proposes: the last business day that ended. */
  readonly form: { readonly period: string; readonly pointOfSale: string };
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function ClosuresPage({ view, closures, pointsOfSale, form, notice, error }: ClosuresPageProps) {
  const { t } = view;
  const posNames = new Map(pointsOfSale.map((pos) => [pos.code, pos.name]));
  return (
    <Layout view={view} title={t("pos_closures.title")}>
      <Notices notice={notice} error={error} />
      <form method="post" action="/admin/pos/closures" class="form">
        <CsrfField view={view} />
        <h2 class="form-title">{t("pos_closures.close_now")}</h2>
        <label for="period">{t("pos_closures.period")}</label>
        <input id="period" name="period" required value={form.period} aria-describedby="period_help" />
        <small id="period_help">{t("pos_closures.period_help")}</small>
        <label for="point_of_sale">{t("pos_closures.point_of_sale")}</label>
        <select id="point_of_sale" name="point_of_sale">
          <option value="">{t("pos_closures.whole_venue")}</option>
          {pointsOfSale.map((pos) => (
            <option value={pos.code} selected={pos.code === form.pointOfSale} safe>
              {pos.name}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {t("pos_closures.close")}
        </button>
      </form>
      <h2>{t("pos_closures.list")}</h2>
      {closures.length === 0 ? <p class="muted">{t("pos_closures.none")}</p> : null}
      {closures.length > 0 ? (
        <table class="closures">
          <thead>
            <tr>
              <th scope="col">{t("pos_closures.closure")}</th>
              <th scope="col">{t("pos_closures.made_at")}</th>
              <th scope="col">{t("pos_closures.sales")}</th>
              <th scope="col">{t("pos_closures.total")}</th>
              <th scope="col">{t("pos_closures.topups")}</th>
              <th scope="col">{t("pos_closures.refunds")}</th>
            </tr>
          </thead>
          <tbody>
            {closures.map((closure) => (
              <tr>
                <th scope="row" data-label={t("pos_closures.closure")}>
                  <a class="standalone" href={`/admin/pos/closures/${closure.fiscalSeq}`}>
                    <PeriodName view={view} closure={closure} posNames={posNames} />
                  </a>
                </th>
                <td data-label={t("pos_closures.made_at")}>{formatTime(view, closure.atMs)}</td>
                <td data-label={t("pos_closures.sales")}>{String(closure.totals.sales)}</td>
                <td data-label={t("pos_closures.total")}>{formatEuros(view, closure.totals.total)}</td>
                <td data-label={t("pos_closures.topups")}>{closure.pointOfSale === null ? formatEuros(view, sum(closure.totals.topups)) : "—"}</td>
                <td data-label={t("pos_closures.refunds")}>{closure.pointOfSale === null ? formatEuros(view, sum(closure.totals.refunds)) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Layout>
  );
}

/** What proves the closure later: the perpetual grand total, the ledger's head, the record and its signature. */
function Proofs({ view, closure }: { view: View; closure: ClosureData }) {
  const { t } = view;
  return (
    <>
      <h2>{t("pos_closures.proof")}</h2>
      <dl class="stats">
        <div>
          <dt>{t("pos_closures.grand_total")}</dt>
          <dd data-testid="grand-total">{formatEuros(view, closure.grandTotal)}</dd>
        </div>
        <div class="wide">
          <dt>{t("pos_closures.ledger_head")}</dt>
          <dd class="text fingerprint">
            <code data-testid="ledger-head">{closure.ledgerHead ?? "—"}</code>
          </dd>
        </div>
        <div>
          <dt>{t("pos_closures.record")}</dt>
          <dd class="text">
            {t("pos_closures.record_signature", { seq: closure.fiscalSeq })} <code data-testid="signature">{closure.signatureExtract}</code>
          </dd>
        </div>
      </dl>
    </>
  );
}

export interface ClosurePageProps {
  readonly view: View;
  readonly closure: ClosureData;
  readonly pointsOfSale: ReadonlyArray<{ readonly code: string; readonly name: string }>;
  readonly printers: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function ClosurePage({ view, closure, pointsOfSale, printers, notice, error }: ClosurePageProps) {
  const { t } = view;
  const totals = closure.totals;
  const posNames = new Map(pointsOfSale.map((pos) => [pos.code, pos.name]));
  return (
    <Layout view={view} title={t("pos_closures.closure_title", { seq: closure.fiscalSeq })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <p class="lead">
        <PeriodName view={view} closure={closure} posNames={posNames} />. {t("pos_closures.made_on", { time: formatTime(view, closure.atMs) })}
      </p>
      <dl class="stats">
        <div>
          <dt>{t("pos_closures.sales")}</dt>
          <dd>{String(totals.sales)}</dd>
        </div>
        <div>
          <dt>{t("pos_closures.voids")}</dt>
          <dd>{String(totals.voids)}</dd>
        </div>
        <div>
          <dt>{t("pos_closures.total")}</dt>
          <dd data-testid="closure-total">{formatEuros(view, totals.total)}</dd>
        </div>
        <div>
          <dt>{t("pos_closures.voided")}</dt>
          <dd>{formatEuros(view, totals.voided)}</dd>
        </div>
      </dl>
      <MethodTable view={view} amounts={totals.payments} caption={t("pos_closures.by_method")} id="by-method" />
      <VatTable view={view} vat={totals.vat} />
      <ItemTable view={view} items={totals.items} caption={t("pos_closures.by_item")} />
      <OperatorTable view={view} operators={totals.operators} />
      <section aria-labelledby="card-money">
        <h2 id="card-money">{t("pos_closures.card_money")}</h2>
        <p class="muted">{closure.pointOfSale === null ? t("pos_closures.card_money_help") : t("pos_closures.card_money_venue_only")}</p>
        {closure.pointOfSale === null ? (
          <>
            <MethodTable view={view} amounts={totals.topups} caption={t("pos_closures.topups")} id="topups" />
            <MethodTable view={view} amounts={totals.refunds} caption={t("pos_closures.refunds")} id="refunds" />
          </>
        ) : null}
      </section>
      <Proofs view={view} closure={closure} />
      <p class="muted">{t("pos_closures.verify_help")}</p>
      {printers.length > 0 ? (
        <form method="post" action={`/admin/pos/closures/${closure.fiscalSeq}/print`} class="form narrow no-print">
          <CsrfField view={view} />
          <label for="printer_id">{t("pos_closures.printer")}</label>
          <select id="printer_id" name="printer_id">
            {printers.map((printer) => (
              <option value={printer.id} safe>
                {printer.name}
              </option>
            ))}
          </select>
          <button type="submit" class="primary">
            {t("pos_closures.print")}
          </button>
        </form>
      ) : (
        <p class="muted">{t("pos_closures.no_printer")}</p>
      )}
      <p>
        <a class="standalone" href="/admin/pos/closures">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
