/**
 * The card holder's page, opened by scanning the QR code printed on a card: balances and the
 * latest movements, read-only, on a phone. It has its own plain shell (no navigation, no forms,
 * no scripts) so that nothing on it repeats the address's secret part: the language link is
 * relative ("?lang=en"), the card's UID is never passed to it, and no operator is named.
 */
import type { Children } from "@kitajs/html";
import type { MessageKey } from "../i18n/index.ts";
import { formatTime, type View } from "../view.ts";
import { formatAmount, type AssetLabel } from "./wallet-common.tsx";

export interface HolderMovement {
  readonly atMs: number;
  readonly kind: string;
  readonly asset: AssetLabel;
  /** Positive when the card received it, negative when it paid. */
  readonly amount: number;
}

export interface HolderData {
  readonly printedNumber: string;
  readonly state: string;
  readonly balances: ReadonlyArray<{ readonly asset: AssetLabel; readonly amount: number }>;
  readonly movements: readonly HolderMovement[];
}

const MOVEMENT_KINDS = ["topup", "offer", "payment", "refund", "void", "merge", "card_replacement", "transfer"] as const;

function movementKey(kind: string): MessageKey {
  return (MOVEMENT_KINDS as readonly string[]).includes(kind) ? (`movement.${kind}` as MessageKey) : "movement.other";
}

export function HolderShell({ view, title, children }: { view: View; title: string; children?: Children }) {
  const other = view.lang === "fr" ? "en" : "fr";
  return (
    <>
      {"<!doctype html>"}
      <html lang={view.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex, nofollow" />
          <meta name="referrer" content="no-referrer" />
          <title safe>{`${title} · ${view.venueName ?? "tibox"}`}</title>
          <link rel="stylesheet" href="/assets/app.css" />
        </head>
        <body>
          <header class="top">
            <span class="brand" safe>
              {view.venueName ?? "tibox"}
            </span>
            <div class="top-actions">
              <a class="standalone" href={`?lang=${other}`} hreflang={other} lang={other}>
                {view.t("lang.switch")}
              </a>
            </div>
          </header>
          <main id="main" class="holder">
            <h1 safe>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

function signed(view: View, movement: HolderMovement): string {
  const text = formatAmount(view, movement.amount, movement.asset);
  return movement.amount > 0 ? `+${text}` : text;
}

export function HolderPage({ view, data }: { view: View; data: HolderData }) {
  const { t } = view;
  return (
    <HolderShell view={view} title={t("holder.title")}>
      <p>{t("holder.card", { number: data.printedNumber })}</p>
      {data.state === "blocked" || data.state === "lost" ? (
        <p class="notice error" role="alert">
          {t(data.state === "lost" ? "holder.lost" : "holder.blocked")}
        </p>
      ) : null}
      <h2>{t("holder.balances")}</h2>
      <dl class="stats">
        {data.balances.map((balance) => (
          <div>
            <dt safe>{balance.asset.name}</dt>
            <dd>{formatAmount(view, balance.amount, balance.asset)}</dd>
          </div>
        ))}
      </dl>
      <h2>{t("holder.movements")}</h2>
      {data.movements.length === 0 ? (
        <p>{t("holder.no_movements")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("holder.date")}</th>
              <th scope="col">{t("holder.kind")}</th>
              <th scope="col">{t("holder.asset")}</th>
              <th scope="col">{t("holder.amount")}</th>
            </tr>
          </thead>
          <tbody>
            {data.movements.map((movement) => (
              <tr>
                <td data-label={t("holder.date")}>{formatTime(view, movement.atMs)}</td>
                <td data-label={t("holder.kind")}>{t(movementKey(movement.kind))}</td>
                <td data-label={t("holder.asset")} safe>
                  {movement.asset.name}
                </td>
                <td data-label={t("holder.amount")}>{signed(view, movement)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">{t("holder.private")}</p>
    </HolderShell>
  );
}

/** The holder's 404 and 429: the same plain shell, one sentence. */
export function HolderMessagePage({ view, title, message }: { view: View; title: string; message: string }) {
  return (
    <HolderShell view={view} title={title}>
      <p class="notice error" role="alert">
        {message}
      </p>
    </HolderShell>
  );
}
