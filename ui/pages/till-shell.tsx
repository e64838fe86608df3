/**
 * The till's frame, around every till screen: the bar with the operator, the point of sale and
 * the till's sections, the cash-session and printer chips, the banner shown while the box does
 * not answer, and the card reader (the terminal's event stream, keyboard readers, Web NFC, the
 * simulation button). `#till-main` is what the till's actions swap; `#till-sync` never is, so
 * that htmx queues the actions that change the state one after the other on it.
 */
import type { Children } from "@kitajs/html";
import { CsrfField, Layout } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import type { View } from "../view.ts";
import { DEMO_CARD_UID } from "./terminal.tsx";

export type TillSection = "sale" | "topup" | "refund" | "sales" | "cash" | "pos";
/** Where a tap goes on this screen: the sale (pay, member), a top-up, emptying a card. */
export type TapTarget = "sale" | "topup" | "refund";

export interface PrinterChipView {
  readonly name: string;
  readonly online: boolean;
  readonly pending: number;
}

export interface TillShellView {
  readonly terminalName: string;
  readonly pointOfSale: { readonly code: string; readonly name: string } | undefined;
  readonly cashSessionOpen: boolean;
  readonly printers: readonly PrinterChipView[];
  readonly simulated: boolean;
  readonly tapTarget: TapTarget | undefined;
  readonly section: TillSection;
}

const SECTIONS: ReadonlyArray<readonly [TillSection, string, MessageKey]> = [
  ["sale", "/till", "till.nav_sale"],
  ["topup", "/till/topup", "till.nav_topup"],
  ["refund", "/till/refund", "till.nav_refund"],
  ["sales", "/till/sales", "till.nav_sales"],
  ["cash", "/till/cash", "till.nav_cash"],
];

/** "Imprimante hors ligne — 3 tickets en attente", or nothing when every printer is fine. */
export function PrinterChip({ view, printers }: { view: View; printers: readonly PrinterChipView[] }) {
  const { t } = view;
  const troubled = printers.filter((printer) => !printer.online || printer.pending > 0);
  return (
    <div id="till-printers" class="till-chips" hx-get="/till/printers" hx-trigger="every 15s" hx-swap="outerHTML" aria-live="polite">
      {troubled.map((printer) => (
        <span class={`chip ${printer.online ? "warn" : "bad"}`} data-testid="printer-chip">
          {printer.online
            ? t("till.printer_pending", { printer: printer.name, count: printer.pending })
            : t("till.printer_offline", { printer: printer.name, count: printer.pending })}
        </span>
      ))}
    </div>
  );
}

function TillBar({ view, shell }: { view: View; shell: TillShellView }) {
  const { t } = view;
  return (
    <div class="till-bar">
      <p class="till-who">
        <span safe>{view.operator?.name ?? ""}</span>
        {shell.pointOfSale ? (
          <>
            {" · "}
            <a href="/till/pos" class="standalone">
              {t("till.pos_label", { name: shell.pointOfSale.name })}
            </a>
          </>
        ) : null}
      </p>
      <nav class="till-nav" aria-label={t("till.sections")}>
        <ul>
          {SECTIONS.map(([section, href, key]) => (
            <li>
              <a href={href} class="button" aria-current={shell.section === section ? "page" : undefined}>
                {t(key)}
              </a>
            </li>
          ))}
          <li>
            <form method="post" action="/terminal/lock">
              <CsrfField view={view} />
              <button type="submit">{t("terminal.lock")}</button>
            </form>
          </li>
        </ul>
      </nav>
      <div class="till-status">
        <a href="/till/cash" class={`chip ${shell.cashSessionOpen ? "ok" : "warn"}`}>
          {shell.cashSessionOpen ? t("till.cash_open_chip") : t("till.cash_closed_chip")}
        </a>
        <PrinterChip view={view} printers={shell.printers} />
      </div>
    </div>
  );
}

/** The card reader of a till screen: taps arrive over /till/events as forms that claim them. */
function TillReader({ view, shell }: { view: View; shell: TillShellView }) {
  const { t } = view;
  if (!shell.tapTarget) return null;
  return (
    <section
      id="card-reader"
      class="till-reader"
      aria-label={t("taps.title")}
      hx-ext="sse"
      sse-connect={`/till/events?on=${shell.tapTarget}`}
      data-msg-listening={t("taps.webnfc_listening")}
      data-msg-failed={t("taps.webnfc_failed")}
    >
      <div id="till-tap" sse-swap="tap" aria-live="polite"></div>
      <p id="tap-status" class="muted" role="status"></p>
      <button type="button" id="webnfc-button" hidden>
        {t("taps.webnfc")}
      </button>
      {shell.simulated ? (
        <form hx-post="/terminal/taps" hx-target="#tap-status" hx-swap="innerHTML" class="simulate till-simulate">
          <CsrfField view={view} />
          <input type="hidden" name="source" value="sim" />
          <label for="simulated-uid">{t("taps.simulate_uid")}</label>
          <input id="simulated-uid" name="uid" value={DEMO_CARD_UID} autocomplete="off" required pattern="[0-9A-Fa-f:]{8,29}" />
          <button type="submit">{t("taps.simulate")}</button>
        </form>
      ) : null}
    </section>
  );
}

export function TillPage({ view, shell, children }: { view: View; shell: TillShellView; children?: Children }) {
  const { t } = view;
  const title = shell.pointOfSale ? t("till.title", { name: shell.pointOfSale.name }) : t("till.title_plain");
  return (
    <Layout view={view} title={title} titleIsHtml>
      <div id="till-offline" class="banner offline" role="alert" hidden data-testid="offline-banner">
        {t("till.offline")}
      </div>
      <TillBar view={view} shell={shell} />
      <div id="till-sync" class="till-sync" data-section={shell.section} data-pos={shell.pointOfSale?.code ?? ""} data-msg-waiting={t("till.waiting_box")} data-msg-retrying={t("till.retrying")}>
        {children}
      </div>
      <TillReader view={view} shell={shell} />
      <script src="/assets/htmx-ext-sse.js" defer></script>
      <script src="/assets/taps.js" defer></script>
      <script src="/assets/till.js" defer></script>
    </Layout>
  );
}

/**
 * What one tap brings to a till screen (over /till/events): a form htmx posts at once, claiming
 * the tap by its id for this screen's action (pay, top up, empty), with the till's state.
 */
export function TillTapForm({ view, tapId, expiresAtMs, action }: { view: View; tapId: string; expiresAtMs: number; action: string }) {
  return (
    <div
      class="till-tap"
      data-expires-at-ms={String(expiresAtMs)}
      hx-post={action}
      hx-trigger="load"
      hx-vals={JSON.stringify({ tap_id: tapId })}
      hx-include="#till-state"
      hx-target="#till-main"
      hx-swap="outerHTML"
      hx-sync="#till-sync:queue all"
    >
      <p class="muted">{view.t("till.card_read")}</p>
    </div>
  );
}

/** The form every money command of the till is sent with: till.js posts it with its key, and again after a Wi-Fi drop. */
export function CommandForm({ view, action, commandKey, fields, label, auto = false, danger = false, testId }: {
  view: View;
  action: string;
  commandKey: string;
  fields: Readonly<Record<string, string>>;
  label: string;
  auto?: boolean;
  danger?: boolean;
  testId?: string;
}) {
  return (
    <form class="till-command" method="post" action={action} data-key={commandKey} data-auto-submit={auto ? "true" : undefined} data-testid={testId}>
      <CsrfField view={view} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={`big ${danger ? "danger" : "primary"}`}>
        {label}
      </button>
      <p class="command-pending muted" role="status" hidden></p>
    </form>
  );
}
