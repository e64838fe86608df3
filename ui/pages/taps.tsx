/**
 * Card taps on screen: the panel on a till's home page (the last tapped card, arriving over the
 * terminal's event stream; the Web NFC and simulation buttons), the card partial each tap
 * brings, and the admin page that binds readers to terminals.
 */
import { escapeHtml } from "@kitajs/html";
import { CsrfField, Layout, Notice } from "../layout.tsx";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";
import { BalanceList, cardStateKey, type AssetLabel } from "./wallet-common.tsx";

export interface TapView {
  readonly id: string;
  readonly atMs: number;
  readonly expiresAtMs: number;
  readonly readerName: string;
  /** The last four hex digits only: a UID-only card can be cloned from its full UID. */
  readonly uidTail: string;
}

export interface TappedCard {
  readonly printedNumber: string;
  readonly state: string;
  readonly balances: Readonly<Record<string, number>>;
}

/** What one tap shows; swapped into #last-card by htmx's SSE extension. */
export function TapCard({ view, tap, card, assets }: { view: View; tap: TapView; card: TappedCard | undefined; assets: readonly AssetLabel[] }) {
  const { t } = view;
  return (
    <div class="tap-card" data-tap-id={tap.id} data-expires-at-ms={String(tap.expiresAtMs)}>
      <p class="muted">{t("taps.read_at", { time: formatTime(view, tap.atMs), reader: tap.readerName })}</p>
      {card ? (
        <>
          <p class="card-number">{t("taps.card_number", { number: card.printedNumber })}</p>
          {card.state === "lost" || card.state === "blocked" ? <Notice kind="error">{t(cardStateKey(card.state))}</Notice> : null}
          <BalanceList view={view} balances={card.balances} assets={assets} />
        </>
      ) : (
        <p class="card-unknown">{t("taps.card_unknown", { tail: tap.uidTail })}</p>
      )}
    </div>
  );
}

/** The till's card panel: listens to /terminal/events; keyboard readers are handled by taps.js. */
export function CardReaderPanel({ view, simulated, demoUid }: { view: View; simulated: boolean; demoUid: string }) {
  const { t } = view;
  return (
    <section
      id="card-reader"
      class="card-reader"
      aria-labelledby="card-reader-title"
      hx-ext="sse"
      sse-connect="/terminal/events"
      data-msg-listening={t("taps.webnfc_listening")}
      data-msg-failed={t("taps.webnfc_failed")}
    >
      <h2 id="card-reader-title">{t("taps.title")}</h2>
      <div id="last-card" sse-swap="tap" aria-live="polite">
        <p class="muted">{t("taps.waiting")}</p>
      </div>
      <p id="tap-status" class="muted" role="status"></p>
      <button type="button" id="webnfc-button" hidden>
        {t("taps.webnfc")}
      </button>
      {simulated ? (
        <form hx-post="/terminal/taps" hx-target="#tap-status" hx-swap="innerHTML" class="form narrow simulate">
          <CsrfField view={view} />
          <input type="hidden" name="source" value="sim" />
          <label for="simulated-uid">{t("taps.simulate_uid")}</label>
          <input id="simulated-uid" name="uid" value={demoUid} autocomplete="off" required pattern="[0-9A-Fa-f:]{8,29}" />
          <button type="submit">{t("taps.simulate")}</button>
        </form>
      ) : null}
      <script src="/assets/htmx-ext-sse.js" defer></script>
      <script src="/assets/taps.js" defer></script>
    </section>
  );
}

export interface ReaderRow {
  readonly key: string;
  readonly name: string;
  readonly source: "pcsc" | "agent" | "sim" | "wedge" | "webnfc";
  readonly state: "attached" | "detached" | "seen" | "never";
  readonly lastTapAtMs: number | undefined;
  readonly lastError: { readonly code: string; readonly detail: string; readonly atMs: number } | undefined;
  readonly droppedTaps: number;
  readonly lastDroppedAtMs: number | undefined;
  readonly boundTo: string | undefined;
  /** Readers on a terminal's own page (keyboard, Web NFC) serve that terminal: its name. */
  readonly ownTerminal: string | undefined;
}

export interface BindableTerminal {
  readonly id: string;
  readonly name: string;
  readonly kind: "till" | "door";
}

function sourceKey(source: ReaderRow["source"]): MessageKey {
  return `readers.source_${source}` as MessageKey;
}

function stateKey(state: ReaderRow["state"]): MessageKey {
  return `readers.state_${state}` as MessageKey;
}

function BindForm({ view, reader, terminals }: { view: View; reader: ReaderRow; terminals: readonly BindableTerminal[] }) {
  const { t } = view;
  const id = `bind-${reader.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return (
    <form method="post" action="/admin/readers/bind" class="inline">
      <CsrfField view={view} />
      <input type="hidden" name="reader_key" value={reader.key} />
      <label class="visually-hidden" for={id}>
        {t("readers.bound_to")}
      </label>
      <select id={id} name="terminal_id">
        <option value="" selected={!reader.boundTo}>
          {t("readers.no_binding")}
        </option>
        {terminals.map((terminal) => (
          <option value={terminal.id} selected={reader.boundTo === terminal.id}>
            {`${escapeHtml(terminal.name)} (${t(`kind.${terminal.kind}` as MessageKey)})`}
          </option>
        ))}
      </select>
      <button type="submit">{t("readers.bind")}</button>
    </form>
  );
}

function ReaderStatus({ view, reader }: { view: View; reader: ReaderRow }) {
  const { t } = view;
  return (
    <>
      <span>{t(stateKey(reader.state))}</span>
      {reader.lastTapAtMs !== undefined ? <span class="muted"> · {t("readers.last_tap", { time: formatTime(view, reader.lastTapAtMs) })}</span> : null}
      {reader.droppedTaps > 0 ? (
        <p class="notice error dropped" role="status">
          {t("readers.dropped", { count: reader.droppedTaps, time: formatTime(view, reader.lastDroppedAtMs ?? 0) })}
        </p>
      ) : null}
      {reader.lastError ? <p class="muted">{t("readers.last_error", { code: reader.lastError.code, detail: reader.lastError.detail, time: formatTime(view, reader.lastError.atMs) })}</p> : null}
    </>
  );
}

export function ReadersPage({ view, readers, terminals, notice, error }: { view: View; readers: readonly ReaderRow[]; terminals: readonly BindableTerminal[]; notice?: string | undefined; error?: string | undefined }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("readers.title")}>
      {notice ? <Notice kind="success">{notice}</Notice> : null}
      {error ? <Notice kind="error">{error}</Notice> : null}
      <p>{t("readers.intro")}</p>
      {readers.length === 0 ? <p>{t("readers.none")}</p> : null}
      {readers.length > 0 ? (
        <table class="readers">
          <thead>
            <tr>
              <th scope="col">{t("readers.reader")}</th>
              <th scope="col">{t("readers.kind")}</th>
              <th scope="col">{t("readers.status")}</th>
              <th scope="col">{t("readers.bound_to")}</th>
            </tr>
          </thead>
          <tbody>
            {readers.map((reader) => (
              <tr data-reader-key={reader.key}>
                <td safe>{reader.name}</td>
                <td data-label={t("readers.kind")}>{t(sourceKey(reader.source))}</td>
                <td data-label={t("readers.status")}>
                  <ReaderStatus view={view} reader={reader} />
                </td>
                <td data-label={t("readers.bound_to")}>
                  {reader.ownTerminal !== undefined ? t("readers.own_terminal", { terminal: reader.ownTerminal }) : <BindForm view={view} reader={reader} terminals={terminals} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Layout>
  );
}
