/**
 * Cards (admins and managers): the latest cards with their balances, block and unblock, a lost
 * card's replacement; importing a supplier's list and printing a sheet of new cards (admins).
 * A card's UID is never shown here, and its QR id only as the link to the holder's page.
 */
import { CsrfField, Layout } from "../layout.tsx";
import type { View } from "../view.ts";
import { BalanceList, cardStateKey, Notices, type AssetLabel } from "./wallet-common.tsx";

export interface CardRow {
  readonly id: string;
  readonly printedNumber: string;
  /** "/c/<qrId>": the only form in which the QR id appears on a page. */
  readonly holderPath: string;
  readonly state: string;
  readonly balances: Readonly<Record<string, number>>;
  readonly member: { readonly id: string; readonly name: string } | undefined;
}

/** What a refused form sent, so that it comes back filled in. */
export interface CardFormValues {
  readonly csv?: string | undefined;
  readonly lostUid?: string | undefined;
  readonly replacementUid?: string | undefined;
  readonly count?: string | undefined;
}

interface CardsPageProps {
  readonly view: View;
  readonly cards: readonly CardRow[];
  readonly assets: readonly AssetLabel[];
  readonly values?: CardFormValues | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function StateAction({ view, card }: { view: View; card: CardRow }) {
  const { t } = view;
  if (card.state === "lost") return null;
  const blocked = card.state === "blocked";
  return (
    <form method="post" action={`/admin/cards/${card.id}/${blocked ? "unblock" : "block"}`} class="inline">
      <CsrfField view={view} />
      <button type="submit" class={blocked ? undefined : "danger"}>
        {blocked ? t("cards.unblock") : t("cards.block")}
      </button>
    </form>
  );
}

function CardTable({ view, cards, assets }: { view: View; cards: readonly CardRow[]; assets: readonly AssetLabel[] }) {
  const { t } = view;
  if (cards.length === 0) return <p>{t("cards.none")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t("cards.printed_number")}</th>
          <th scope="col">{t("cards.state")}</th>
          <th scope="col">{t("cards.balances")}</th>
          <th scope="col">{t("cards.member")}</th>
          <th scope="col">
            <span class="visually-hidden">{t("cards.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {cards.map((card) => (
          <tr>
            <td data-label={t("cards.printed_number")}>
              <a class="standalone" href={card.holderPath} safe>
                {card.printedNumber}
              </a>
            </td>
            <td data-label={t("cards.state")}>{t(cardStateKey(card.state))}</td>
            <td data-label={t("cards.balances")}>
              <BalanceList view={view} balances={card.balances} assets={assets} />
            </td>
            <td data-label={t("cards.member")}>
              {card.member ? (
                <a class="standalone" href={`/admin/members/${card.member.id}`} safe>
                  {card.member.name}
                </a>
              ) : null}
            </td>
            <td>
              <StateAction view={view} card={card} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function AdminForms({ view, values }: { view: View; values: CardFormValues }) {
  const { t } = view;
  return (
    <>
      <h2>{t("cards.import")}</h2>
      <form method="post" action="/admin/cards/import" class="form">
        <CsrfField view={view} />
        <label for="csv">{t("cards.import_csv")}</label>
        <textarea id="csv" name="csv" rows="8" required aria-describedby="csv_help" safe>
          {values.csv ?? ""}
        </textarea>
        <small id="csv_help">{t("cards.import_help")}</small>
        <button type="submit" class="primary">
          {t("cards.import_submit")}
        </button>
      </form>
      <h2>{t("cards.sheet")}</h2>
      <form method="post" action="/admin/cards/sheet" class="form narrow">
        <CsrfField view={view} />
        <label for="count">{t("cards.sheet_count")}</label>
        <input id="count" name="count" type="number" min="1" max="500" required inputmode="numeric" value={values.count ?? "24"} aria-describedby="sheet_help" />
        <small id="sheet_help">{t("cards.sheet_help")}</small>
        <button type="submit" class="primary">
          {t("cards.sheet_submit")}
        </button>
      </form>
    </>
  );
}

export function CardsPage({ view, cards, assets, values = {}, notice, error }: CardsPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("cards.title")}>
      <Notices notice={notice} error={error} />
      <CardTable view={view} cards={cards} assets={assets} />
      <h2>{t("cards.replace")}</h2>
      <form method="post" action="/admin/cards/replace" class="form">
        <CsrfField view={view} />
        <label for="lost_uid">{t("cards.lost_uid")}</label>
        <input id="lost_uid" name="lost_uid" required autocomplete="off" value={values.lostUid ?? ""} />
        <label for="replacement_uid">{t("cards.replacement_uid")}</label>
        <input id="replacement_uid" name="replacement_uid" required autocomplete="off" value={values.replacementUid ?? ""} aria-describedby="replace_help" />
        <small id="replace_help">{t("cards.replace_help")}</small>
        <button type="submit" class="primary">
          {t("cards.replace_submit")}
        </button>
      </form>
      {view.operator?.role === "admin" ? <AdminForms view={view} values={values} /> : null}
    </Layout>
  );
}

export interface SheetCard {
  readonly printedNumber: string;
  readonly holderPath: string;
  /** The QR code of the holder page's full address, as SVG made by the box (trusted markup). */
  readonly qrSvg: string;
}

export function CardSheetPage({ view, cards }: { view: View; cards: readonly SheetCard[] }) {
  const { t } = view;
  return (
    <Layout view={view} title={t("cards.sheet_title")}>
      <div class="no-print">
        <p>{t("cards.sheet_done", { count: cards.length })}</p>
        <p>{t("cards.sheet_print_help")}</p>
        <p>
          <a class="standalone" href="/admin/cards">
            {t("common.back")}
          </a>
        </p>
      </div>
      <ul class="card-sheet">
        {cards.map((card) => (
          <li>
            <a href={card.holderPath}>
              <span class="sheet-qr" aria-hidden="true">
                {card.qrSvg}
              </span>
              <span class="number" safe>
                {card.printedNumber}
              </span>
            </a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
