/**
 * The member's own page, `/me/<token>`, opened from a private link (no login): their name, their
 * membership's validity, their cards and the wallet's balances, and their tickets, read-only. It
 * uses the card holder's plain shell (no navigation, no forms, no scripts, no referrer). And the
 * printable letter staff hand over: the link written out and as a QR code.
 */
import { Layout } from "../layout.tsx";
import { formatDate, formatTime, type View } from "../view.ts";
import { cardStateKey, formatAmount, type AssetLabel } from "./wallet-common.tsx";
import { HolderShell } from "./wallet-holder.tsx";
import { MembershipBadge, type MembershipState } from "./wallet-members.tsx";

export interface OwnTicket {
  readonly eventTitle: string;
  readonly eventStartsAtMs: number;
  readonly productName: string;
  readonly state: string;
}

export interface OwnPageData {
  readonly name: string;
  readonly membership: MembershipState;
  readonly cards: ReadonlyArray<{ readonly printedNumber: string; readonly state: string }>;
  readonly balances: ReadonlyArray<{ readonly asset: AssetLabel; readonly amount: number }>;
  readonly tickets: readonly OwnTicket[];
  /** The "member prices online" section (member-prices-online.tsx), rendered, when the membership is valid. */
  readonly memberPrices?: string | undefined;
}

export function MemberOwnPage({ view, data }: { view: View; data: OwnPageData }) {
  const { t } = view;
  return (
    <HolderShell view={view} title={t("me.title")}>
      <p class="lead" safe>
        {data.name}
      </p>
      <h2>{t("me.membership")}</h2>
      <p>
        <MembershipBadge view={view} state={data.membership} />
      </p>
      {data.memberPrices ?? null}
      <h2>{t("me.cards")}</h2>
      {data.cards.length === 0 ? (
        <p>{t("me.no_cards")}</p>
      ) : (
        <ul>
          {data.cards.map((card) => (
            <li>
              {t("holder.card", { number: card.printedNumber })} · {t(cardStateKey(card.state))}
            </li>
          ))}
        </ul>
      )}
      {data.balances.length === 0 ? null : (
        <>
          <h2>{t("holder.balances")}</h2>
          <dl class="stats">
            {data.balances.map((balance) => (
              <div>
                <dt safe>{balance.asset.name}</dt>
                <dd>{formatAmount(view, balance.amount, balance.asset)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <h2>{t("me.tickets")}</h2>
      {data.tickets.length === 0 ? (
        <p>{t("me.no_tickets")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("me.event")}</th>
              <th scope="col">{t("me.date")}</th>
              <th scope="col">{t("me.product")}</th>
              <th scope="col">{t("me.ticket_state")}</th>
            </tr>
          </thead>
          <tbody>
            {data.tickets.map((ticket) => (
              <tr>
                <td data-label={t("me.event")} safe>
                  {ticket.eventTitle}
                </td>
                <td data-label={t("me.date")}>{formatTime(view, ticket.eventStartsAtMs)}</td>
                <td data-label={t("me.product")} safe>
                  {ticket.productName}
                </td>
                <td data-label={t("me.ticket_state")}>{ticket.state === "revoked" ? t("me.ticket_revoked") : t("me.ticket_valid")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="muted">{t("me.private")}</p>
    </HolderShell>
  );
}

/** The printable letter: the member's name, the link written out, and its QR code. */
export function MemberLetterPage({ view, name, link, qrSvg, memberId }: { view: View; name: string; link: string; qrSvg: string; memberId: string }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("me.letter_title", { name })} titleIsHtml>
      <p>{t("me.letter_intro")}</p>
      <p class="qr" aria-hidden="true">
        {qrSvg}
      </p>
      <p class="fingerprint">
        <code safe>{link}</code>
      </p>
      <p class="muted">{t("me.letter_private", { date: formatDate(view, view.serverTimeMs) })}</p>
      <p class="no-print">
        <a class="standalone" href={`/admin/members/${memberId}`}>
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
