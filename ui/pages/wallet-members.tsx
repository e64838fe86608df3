/** Members (admins and managers): search, add, and a member's page with its cards and balances. */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { BalanceList, cardStateKey, Notices, type AssetLabel } from "./wallet-common.tsx";

export interface MemberRow {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

export interface MemberValues {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

interface MembersPageProps {
  readonly view: View;
  readonly members: readonly MemberRow[];
  readonly query: string;
  readonly values?: MemberValues | undefined;
  readonly error?: string | undefined;
}

export function MembersPage({ view, members, query, values = { name: "", email: "", phone: "" }, error }: MembersPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("members.title")}>
      <Notices error={error} />
      <form method="get" action="/admin/members" class="inline" role="search">
        <label class="visually-hidden" for="q">
          {t("members.search")}
        </label>
        <input id="q" name="q" type="search" value={query} placeholder={t("members.search_placeholder")} />
        <button type="submit">{t("members.search")}</button>
      </form>
      {members.length === 0 ? (
        <p>{t("members.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("members.name")}</th>
              <th scope="col">{t("members.email")}</th>
              <th scope="col">{t("members.phone")}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr>
                <td data-label={t("members.name")}>
                  <a class="standalone" href={`/admin/members/${member.id}`} safe>
                    {member.name}
                  </a>
                </td>
                <td data-label={t("members.email")} safe>
                  {member.email}
                </td>
                <td data-label={t("members.phone")} safe>
                  {member.phone}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("members.add")}</h2>
      <form method="post" action="/admin/members" class="form">
        <CsrfField view={view} />
        <label for="name">{t("members.name")}</label>
        <input id="name" name="name" required value={values.name} autocomplete="off" />
        <label for="email">{t("members.email")}</label>
        <input id="email" name="email" type="email" value={values.email} autocomplete="off" />
        <label for="phone">{t("members.phone")}</label>
        <input id="phone" name="phone" type="tel" value={values.phone} autocomplete="off" />
        <button type="submit" class="primary">
          {t("members.add")}
        </button>
      </form>
    </Layout>
  );
}

export interface MemberCardRow {
  readonly printedNumber: string;
  readonly holderPath: string;
  readonly state: string;
}

interface MemberPageProps {
  readonly view: View;
  readonly member: MemberRow;
  readonly cards: readonly MemberCardRow[];
  readonly balances: Readonly<Record<string, number>>;
  readonly assets: readonly AssetLabel[];
  readonly cardUid?: string | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

export function MemberPage({ view, member, cards, balances, assets, cardUid, notice, error }: MemberPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={view.t("members.member_title", { name: member.name })} titleIsHtml>
      <Notices notice={notice} error={error} />
      <dl class="stats">
        <div>
          <dt>{t("members.email")}</dt>
          <dd class="text" safe>
            {member.email || "—"}
          </dd>
        </div>
        <div>
          <dt>{t("members.phone")}</dt>
          <dd class="text" safe>
            {member.phone || "—"}
          </dd>
        </div>
        <div class="wide">
          <dt>{t("cards.balances")}</dt>
          <dd class="text">
            <BalanceList view={view} balances={balances} assets={assets} />
          </dd>
        </div>
      </dl>
      <h2>{t("members.cards")}</h2>
      {cards.length === 0 ? (
        <p>{t("members.no_cards")}</p>
      ) : (
        <ul>
          {cards.map((card) => (
            <li>
              <a class="standalone" href={card.holderPath} safe>
                {card.printedNumber}
              </a>{" "}
              · {t(cardStateKey(card.state))}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("members.attach")}</h2>
      <form method="post" action={`/admin/members/${member.id}/cards`} class="form narrow">
        <CsrfField view={view} />
        <label for="card_uid">{t("members.card_uid")}</label>
        <input id="card_uid" name="card_uid" required autocomplete="off" value={cardUid ?? ""} aria-describedby="attach_help" />
        <small id="attach_help">{t("members.attach_help")}</small>
        <button type="submit" class="primary">
          {t("members.attach_submit")}
        </button>
      </form>
      <p>
        <a class="standalone" href="/admin/members">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
