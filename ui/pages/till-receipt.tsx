/**
 * Receipts on the till's screen (the legal identity, lines, VAT per rate or the art. 293 B
 * mention, payments and change, the sale's number and signature extract, the QR code of the card
 * holder's page), the till's recent sales with their reprint and void, and the void form (a
 * manager's session, or a manager's PIN typed on the spot).
 */
import { CsrfField, Notice } from "../layout.tsx";
import type { View } from "../view.ts";
import { formatTime } from "../view.ts";
import { CommandForm } from "./till-shell.tsx";
import { SaleTickets, type SaleTicketsView } from "./till-tickets.tsx";
import { decimalText, formatEuros } from "./wallet-common.tsx";

/** What a receipt shows; src/pos's Receipt has these fields (and more). */
export interface ReceiptData {
  readonly venue: { readonly legalName: string; readonly address: string; readonly siret: string; readonly vatNumber: string };
  readonly label: string;
  readonly training: boolean;
  readonly atMs: number;
  readonly pointOfSale: { readonly name: string };
  readonly operatorName: string;
  readonly lines: ReadonlyArray<{ readonly name: string; readonly priceLabel: string; readonly unitAmount: number; readonly quantity: number; readonly amount: number; readonly memberPrice: boolean }>;
  readonly total: number;
  readonly vat: ReadonlyArray<{ readonly rateBp: number; readonly incl: number; readonly vat: number; readonly excl: number }>;
  readonly vatMention: string | null;
  readonly payments: ReadonlyArray<{ readonly methodName: string; readonly amount: number; readonly tendered: number }>;
  readonly change: number;
  readonly fiscalSeq: number | null;
  readonly signatureExtract: string | null;
  readonly duplicate: boolean;
  readonly voided: boolean;
  readonly qrTarget: string | null;
}

/** 2000 basis points as "20 %", 550 as "5,5 %". */
function rateText(view: View, rateBp: number): string {
  const text = decimalText(rateBp, 2, view.lang === "fr" ? "," : ".").replace(/[.,]?0+$/, "");
  return `${text} %`;
}

export function ReceiptView({ view, receipt, qrSvg }: { view: View; receipt: ReceiptData; qrSvg: string | undefined }) {
  const { t } = view;
  return (
    <article class="till-receipt" aria-label={t("till.receipt")} data-testid="receipt">
      {receipt.duplicate ? <p class="receipt-mark">{t("till.duplicate")}</p> : null}
      {receipt.training ? <p class="receipt-mark">{t("till.training_receipt")}</p> : null}
      {receipt.voided ? <p class="receipt-mark">{t("till.voided")}</p> : null}
      <header>
        <p class="venue" safe>
          {receipt.venue.legalName}
        </p>
        {receipt.venue.address ? <p safe>{receipt.venue.address}</p> : null}
        {receipt.venue.siret ? <p safe>{`SIRET ${receipt.venue.siret}`}</p> : null}
        {receipt.venue.vatNumber ? <p>{t("till.vat_number", { number: receipt.venue.vatNumber })}</p> : null}
      </header>
      <p>
        <strong>{t("till.receipt_number", { number: receipt.label })}</strong> · {formatTime(view, receipt.atMs)}
      </p>
      <p class="muted">
        <span safe>{receipt.pointOfSale.name}</span> · <span safe>{receipt.operatorName}</span>
      </p>
      <ul class="receipt-lines" aria-label={t("till.receipt_lines")}>
        {receipt.lines.map((line) => (
          <li>
            <span>
              {`${line.quantity} × `}
              <span safe>{line.name}</span>
              {line.priceLabel ? <span safe>{` (${line.priceLabel})`}</span> : null}
              {line.memberPrice ? <span class="member-tag">{t("till.member_tag")}</span> : null}
              {line.quantity > 1 ? <small>{` ${line.quantity} × ${formatEuros(view, line.unitAmount)}`}</small> : null}
            </span>
            <span class="amount">{formatEuros(view, line.amount)}</span>
          </li>
        ))}
      </ul>
      <p class="receipt-total">
        {t("till.total_incl")} <strong>{formatEuros(view, receipt.total)}</strong>
      </p>
      {receipt.vatMention ? <p safe>{receipt.vatMention}</p> : null}
      {receipt.vat.length > 0 ? (
        <ul class="receipt-vat">
          {receipt.vat.map((line) => (
            <li>{t("till.vat_line", { rate: rateText(view, line.rateBp), excl: formatEuros(view, line.excl), vat: formatEuros(view, line.vat) })}</li>
          ))}
        </ul>
      ) : null}
      <ul class="receipt-payments">
        {receipt.payments.map((payment) => (
          <li>
            <span safe>{payment.methodName}</span> : {formatEuros(view, payment.tendered)}
          </li>
        ))}
        {receipt.change > 0 ? <li>{t("till.change_given", { amount: formatEuros(view, receipt.change) })}</li> : null}
      </ul>
      {receipt.signatureExtract ? <p class="muted">{t("till.signature", { seq: receipt.fiscalSeq ?? 0, extract: receipt.signatureExtract })}</p> : null}
      {qrSvg ? (
        <figure class="receipt-qr-code">
          {qrSvg}
          <figcaption>{t("till.receipt_qr")}</figcaption>
        </figure>
      ) : null}
    </article>
  );
}

export interface SaleRowView {
  readonly label: string;
  readonly atMs: number;
  readonly total: number;
  readonly operatorName: string;
  readonly voided: boolean;
  readonly training: boolean;
  readonly methods: readonly string[];
}

export function SalesList({ view, sales, notice }: { view: View; sales: readonly SaleRowView[]; notice?: string | undefined }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <h2>{t("till.recent_sales")}</h2>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {sales.length === 0 ? <p>{t("till.no_sales")}</p> : null}
      {sales.length > 0 ? (
        <table class="till-sales">
          <thead>
            <tr>
              <th scope="col">{t("till.sale_number")}</th>
              <th scope="col">{t("till.sale_time")}</th>
              <th scope="col">{t("till.total")}</th>
              <th scope="col">{t("till.sale_actions")}</th>
            </tr>
          </thead>
          <tbody>
            {sales.map((sale) => (
              <tr data-sale={sale.label}>
                <td>
                  {sale.label}
                  {sale.voided ? <span class="chip bad">{t("till.voided")}</span> : null}
                </td>
                <td data-label={t("till.sale_time")}>
                  {formatTime(view, sale.atMs)} · <span safe>{sale.operatorName}</span>
                </td>
                <td data-label={t("till.total")}>{formatEuros(view, sale.total)}</td>
                <td data-label={t("till.sale_actions")} class="sale-actions">
                  <a class="button" href={`/till/sales/${sale.label}`}>
                    {t("till.show_receipt")}
                  </a>
                  {!sale.voided && !sale.training ? (
                    <a class="button danger" href={`/till/sales/${sale.label}/void`}>
                      {t("till.void")}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** One sale's receipt, with its reprint (DUPLICATA: to the printer when there is one, else on screen). */
export function SaleScreen({
  view,
  receipt,
  qrSvg,
  reprintKey,
  hasPrinter,
  notice,
  tickets,
}: {
  view: View;
  receipt: ReceiptData;
  qrSvg: string | undefined;
  reprintKey: string;
  hasPrinter: boolean;
  notice?: string | undefined;
  /** The tickets the sale issued (sold at this till), to print again or open. */
  tickets?: SaleTicketsView | undefined;
}) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      <div class="done-actions">
        <a class="button" href="/till/sales">
          {t("till.back_to_sales")}
        </a>
        <CommandForm view={view} action={`/till/sales/${receipt.label}/reprint`} commandKey={reprintKey} fields={{}} label={hasPrinter ? t("till.reprint") : t("till.reprint_screen")} testId="reprint-command" />
      </div>
      {tickets ? <SaleTickets view={view} sale={tickets} /> : null}
      <ReceiptView view={view} receipt={receipt} qrSvg={qrSvg} />
    </div>
  );
}

export interface ManagerChoice {
  readonly id: string;
  readonly name: string;
}

/** A manager's approval on the spot: who, and their PIN (when the operator at the till is not a manager). */
export function ManagerApproval({ view, managers, open }: { view: View; managers: readonly ManagerChoice[]; open: boolean }) {
  const { t } = view;
  if (managers.length === 0) return <p class="muted">{t("till.no_manager_pin")}</p>;
  return (
    <details class="manager-approval" open={open}>
      <summary>{t("till.manager_approval")}</summary>
      <label for="manager-id">{t("till.manager")}</label>
      <select id="manager-id" name="manager_id">
        {managers.map((manager) => (
          <option value={manager.id} safe>
            {manager.name}
          </option>
        ))}
      </select>
      <label for="manager-pin">{t("till.manager_pin")}</label>
      <input id="manager-pin" name="manager_pin" type="password" inputmode="numeric" autocomplete="off" pattern="[0-9]{4,8}" />
    </details>
  );
}

export function VoidScreen({ view, receipt, voidKey, isManager, managers, error }: { view: View; receipt: ReceiptData; voidKey: string; isManager: boolean; managers: readonly ManagerChoice[]; error?: string | undefined }) {
  const { t } = view;
  return (
    <div id="till-main" class="till-main">
      <h2>{t("till.void_title", { number: receipt.label })}</h2>
      {error ? <Notice kind="error">{error}</Notice> : null}
      <p>{t("till.void_intro", { amount: formatEuros(view, receipt.total) })}</p>
      <form class="till-command form narrow" method="post" action={`/till/sales/${receipt.label}/void`} data-key={voidKey}>
        <CsrfField view={view} />
        <label for="void-reason">{t("till.void_reason")}</label>
        <input id="void-reason" name="reason" autocomplete="off" maxlength="200" required />
        {isManager ? null : <ManagerApproval view={view} managers={managers} open />}
        <button type="submit" class="danger big">
          {t("till.void_confirm")}
        </button>
        <p class="command-pending muted" role="status" hidden></p>
      </form>
      <p>
        <a class="button" href="/till/sales">
          {t("till.back_to_sales")}
        </a>
      </p>
    </div>
  );
}
