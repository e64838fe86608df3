/**
 * Money on cards at the till, which is not a sale (docs/pos.md): topping a card up (cash or the
 * card terminal) and emptying it (its refundable balance paid back in cash); and the till's
 * cash session: opening with a counted float, cash in and out with a reason, closing with the
 * counted cash against the expected cash.
 */
import { CsrfField, Notice } from "../layout.tsx";
import { formatTime, type View } from "../view.ts";
import { TillCard, type TillCardView } from "./till.tsx";
import { ManagerApproval, type ManagerChoice } from "./till-receipt.tsx";
import { BalanceList, formatEuros, type AssetLabel } from "./wallet-common.tsx";

export const TOPUP_QUICK_AMOUNTS = [500, 1000, 2000, 5000] as const;

function WaitingForCard({ view, prompt, notice, error }: { view: View; prompt: string; notice?: string | undefined; error?: string | undefined }) {
  return (
    <div id="till-main" class="till-main">
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <p class="tap-prompt">{prompt}</p>
      <p class="muted">{view.t("till.card_ref_waiting")}</p>
    </div>
  );
}

export function TopupWaiting({ view, notice, error }: { view: View; notice?: string | undefined; error?: string | undefined }) {
  return <WaitingForCard view={view} prompt={view.t("till.topup_tap")} notice={notice} error={error} />;
}

export function RefundWaiting({ view, notice, error }: { view: View; notice?: string | undefined; error?: string | undefined }) {
  return <WaitingForCard view={view} prompt={view.t("till.refund_tap")} notice={notice} error={error} />;
}

export interface TopupView {
  readonly card: TillCardView;
  readonly cardRef: string;
  readonly key: string;
  readonly asset: { readonly code: string; readonly name: string } | undefined;
  readonly methods: ReadonlyArray<"cash" | "card">;
  readonly assets: readonly AssetLabel[];
  readonly error?: string | undefined;
}

export function TopupScreen({ view, topup }: { view: View; topup: TopupView }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <h2>{t("till.topup_title")}</h2>
      {topup.error ? <Notice kind="error">{topup.error}</Notice> : null}
      <TillCard view={view} card={topup.card} assets={topup.assets} />
      {topup.asset ? (
        <form class="till-command form" method="post" action="/till/topup" data-key={topup.key}>
          <CsrfField view={view} />
          <input type="hidden" name="card" value={topup.cardRef} />
          <input type="hidden" name="asset" value={topup.asset.code} />
          <fieldset class="choices quick-amounts">
            <legend>{t("till.topup_amount")}</legend>
            {TOPUP_QUICK_AMOUNTS.map((amount, index) => (
              <label class="tile">
                <input type="radio" name="amount" value={String(amount)} checked={index === 1} /> {formatEuros(view, amount)}
              </label>
            ))}
            <label class="tile">
              <input type="radio" name="amount" value="other" /> {t("till.other_amount")}
            </label>
          </fieldset>
          <label for="topup-other">{t("till.other_amount_label")}</label>
          <input id="topup-other" name="amount_text" inputmode="decimal" autocomplete="off" />
          <fieldset class="choices">
            <legend>{t("till.topup_method")}</legend>
            {topup.methods.map((method, index) => (
              <label class="tile">
                <input type="radio" name="method" value={method} checked={index === 0} /> {t(method === "cash" ? "till.method_cash" : "till.method_card_terminal")}
              </label>
            ))}
          </fieldset>
          <button type="submit" class="primary big">
            {t("till.topup_submit")}
          </button>
          <p class="command-pending muted" role="status" hidden></p>
        </form>
      ) : (
        <Notice kind="error">{t("till.no_topup_asset")}</Notice>
      )}
    </div>
  );
}

export interface MoneyDoneView {
  readonly message: string;
  readonly balances: Readonly<Record<string, number>>;
  readonly assets: readonly AssetLabel[];
  readonly again: { readonly href: string; readonly label: string };
}

export function MoneyDone({ view, done }: { view: View; done: MoneyDoneView }) {
  return (
    <div id="till-main" class="till-main">
      <p class="paid" role="status" data-testid="money-done">
        {done.message}
      </p>
      <p class="muted">{view.t("till.card_left")}</p>
      <BalanceList view={view} balances={done.balances} assets={done.assets} />
      <p>
        <a class="button primary big" href={done.again.href}>
          {done.again.label}
        </a>
      </p>
    </div>
  );
}

export interface RefundView {
  readonly card: TillCardView;
  readonly cardRef: string;
  readonly key: string;
  readonly refundable: number;
  readonly assets: readonly AssetLabel[];
  readonly isManager: boolean;
  readonly managers: readonly ManagerChoice[];
  readonly managerNeeded: boolean;
  readonly error?: string | undefined;
}

export function RefundScreen({ view, refund }: { view: View; refund: RefundView }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <h2>{t("till.refund_title")}</h2>
      {refund.error ? <Notice kind="error">{refund.error}</Notice> : null}
      <TillCard view={view} card={refund.card} assets={refund.assets} />
      {refund.refundable > 0 ? (
        <form class="till-command form" method="post" action="/till/refund" data-key={refund.key}>
          <CsrfField view={view} />
          <input type="hidden" name="card" value={refund.cardRef} />
          {refund.isManager ? null : <ManagerApproval view={view} managers={refund.managers} open={refund.managerNeeded} />}
          <button type="submit" class="danger big">
            {t("till.refund_submit", { amount: formatEuros(view, refund.refundable) })}
          </button>
          <p class="command-pending muted" role="status" hidden></p>
        </form>
      ) : (
        <p>{t("till.nothing_to_refund")}</p>
      )}
    </div>
  );
}

export interface CashFiguresView {
  readonly float: number;
  readonly cashSales: number;
  readonly changeGiven: number;
  readonly cashVoids: number;
  readonly topups: number;
  readonly refunds: number;
  readonly movements: number;
  readonly expected: number;
}

function Figures({ view, figures }: { view: View; figures: CashFiguresView }) {
  const { t } = view;
  const rows: ReadonlyArray<readonly [string, number]> = [
    [t("till.cash_float"), figures.float],
    [t("till.cash_sales"), figures.cashSales],
    [t("till.cash_change"), -figures.changeGiven],
    [t("till.cash_voids"), -figures.cashVoids],
    [t("till.cash_topups"), figures.topups],
    [t("till.cash_refunds"), -figures.refunds],
    [t("till.cash_movements"), figures.movements],
  ];
  return (
    <dl class="stats cash-figures">
      {rows.map(([label, amount]) => (
        <div>
          <dt>{label}</dt>
          <dd>{formatEuros(view, amount)}</dd>
        </div>
      ))}
      <div class="wide">
        <dt>{t("till.cash_expected")}</dt>
        <dd data-testid="cash-expected">{formatEuros(view, figures.expected)}</dd>
      </div>
    </dl>
  );
}

export interface CashSessionView {
  readonly session: { readonly id: string; readonly openedBy: string; readonly openedAtMs: number; readonly pointOfSaleName: string } | undefined;
  readonly figures: CashFiguresView | undefined;
  readonly keys: { readonly open: string; readonly movement: string; readonly close: string };
  readonly closing: { readonly expected: number; readonly counted: number; readonly difference: number } | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function AmountField({ id, name, label, required = true }: { id: string; name: string; label: string; required?: boolean }) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} name={name} inputmode="decimal" autocomplete="off" required={required} />
    </>
  );
}

export function CashScreen({ view, cash }: { view: View; cash: CashSessionView }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <h2>{t("till.cash_title")}</h2>
      {cash.notice ? <Notice kind="success">{cash.notice}</Notice> : null}
      {cash.error ? <Notice kind="error">{cash.error}</Notice> : null}
      {cash.closing ? (
        <dl class="stats" data-testid="cash-closing">
          <div>
            <dt>{t("till.cash_expected")}</dt>
            <dd>{formatEuros(view, cash.closing.expected)}</dd>
          </div>
          <div>
            <dt>{t("till.cash_counted")}</dt>
            <dd>{formatEuros(view, cash.closing.counted)}</dd>
          </div>
          <div class="wide">
            <dt>{t("till.cash_difference")}</dt>
            <dd data-testid="cash-difference">{formatEuros(view, cash.closing.difference)}</dd>
          </div>
        </dl>
      ) : null}
      {cash.session && cash.figures ? (
        <>
          <p>{t("till.cash_opened", { name: cash.session.openedBy, time: formatTime(view, cash.session.openedAtMs) })}</p>
          <Figures view={view} figures={cash.figures} />
          <form class="till-command form" method="post" action="/till/cash/movement" data-key={cash.keys.movement}>
            <CsrfField view={view} />
            <input type="hidden" name="session" value={cash.session.id} />
            <fieldset class="choices">
              <legend>{t("till.cash_movement")}</legend>
              <label class="tile">
                <input type="radio" name="direction" value="in" checked /> {t("till.cash_in")}
              </label>
              <label class="tile">
                <input type="radio" name="direction" value="out" /> {t("till.cash_out")}
              </label>
            </fieldset>
            <AmountField id="movement-amount" name="amount_text" label={t("till.amount")} />
            <label for="movement-reason">{t("till.cash_reason")}</label>
            <input id="movement-reason" name="reason" autocomplete="off" maxlength="200" required />
            <button type="submit">{t("till.cash_movement_submit")}</button>
            <p class="command-pending muted" role="status" hidden></p>
          </form>
          <form class="till-command form" method="post" action="/till/cash/close" data-key={cash.keys.close}>
            <CsrfField view={view} />
            <input type="hidden" name="session" value={cash.session.id} />
            <AmountField id="counted" name="amount_text" label={t("till.cash_counted")} />
            <button type="submit" class="primary big">
              {t("till.cash_close")}
            </button>
            <p class="command-pending muted" role="status" hidden></p>
          </form>
        </>
      ) : (
        <form class="till-command form" method="post" action="/till/cash/open" data-key={cash.keys.open}>
          <CsrfField view={view} />
          <p>{t("till.cash_none")}</p>
          <AmountField id="float" name="amount_text" label={t("till.cash_float_counted")} />
          <button type="submit" class="primary big">
            {t("till.cash_open")}
          </button>
          <p class="command-pending muted" role="status" hidden></p>
        </form>
      )}
    </div>
  );
}
