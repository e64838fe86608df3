/**
 * The member register (admins and managers): search by name, e-mail, phone or card, the
 * membership state of each member, and a member's page: their record, custom fields and notes,
 * memberships history, a membership granted by hand, cards and balances, the private page link,
 * and the export and erasure a member may ask for. Every user-supplied string is rendered `safe`.
 */
import { CsrfField, Layout } from "../layout.tsx";
import { formatDate, type View } from "../view.ts";
import { BalanceList, cardStateKey, formatEuros, Notices, type AssetLabel } from "./wallet-common.tsx";

export interface MemberRow {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly phone: string;
}

export interface MembershipState {
  readonly valid: boolean;
  readonly until: number | null;
}

export interface RegisterRow extends MemberRow {
  readonly erasedAtMs: number | null;
  readonly membership: MembershipState;
}

export interface MemberValues {
  readonly name: string;
  readonly email: string;
  readonly phone: string;
  readonly notes?: string | undefined;
  /** Custom field answers by field id. */
  readonly fields?: Readonly<Record<string, string>> | undefined;
}

export interface FieldView {
  readonly id: string;
  readonly label: string;
  readonly kind: string;
  readonly options: readonly string[];
  readonly required: boolean;
  readonly active: boolean;
}

/** "valid through 31/12/2026", "lapsed on ...", "never a member": until is exclusive, so the last covered day is until - 1 ms. */
export function MembershipBadge({ view, state }: { view: View; state: MembershipState }) {
  const { t } = view;
  if (state.until === null) return <span class="badge">{t("members.membership_none")}</span>;
  const date = formatDate(view, state.until - 1);
  if (state.valid) return <span class="badge success">{t("members.membership_valid", { date })}</span>;
  if (state.until > view.serverTimeMs) return <span class="badge">{t("members.membership_future", { date })}</span>;
  return <span class="badge warning">{t("members.membership_lapsed", { date })}</span>;
}

/** Inputs for the custom fields, named field_<id>. */
export function FieldInputs({ view, fields, values }: { view: View; fields: readonly FieldView[]; values: Readonly<Record<string, string>> }) {
  return (
    <>
      {fields
        .filter((field) => field.active)
        .map((field) => {
          const id = `field_${field.id}`;
          const value = values[field.id] ?? "";
          if (field.kind === "checkbox") {
            return (
              <label>
                <input type="checkbox" id={id} name={id} value="1" checked={value === "1"} required={field.required} /> <span safe>{field.label}</span>
              </label>
            );
          }
          return (
            <>
              <label for={id}>
                <span safe>{field.label}</span>
                {field.required ? " *" : ""}
              </label>
              {field.kind === "choice" ? (
                <select id={id} name={id} required={field.required}>
                  <option value="">—</option>
                  {field.options.map((option) => (
                    <option value={option} selected={option === value} safe>
                      {option}
                    </option>
                  ))}
                </select>
              ) : (
                <input id={id} name={id} type={field.kind === "date" ? "date" : "text"} value={value} required={field.required} autocomplete="off" />
              )}
            </>
          );
        })}
    </>
  );
}

const MEMBER_TABS = [
  ["/admin/members", "members.title", false],
  ["/admin/members/products", "members.products_link", false],
  ["/admin/members/sell", "membership_sale.box_office_link", false],
  ["/admin/members/fields", "members.fields_link", true],
] as const;

/** The register's tabs: members, membership products, and (admins) custom fields. */
export function MembersTabs({ view }: { view: View }) {
  const admin = view.operator?.role === "admin";
  return (
    <nav class="tabs" aria-label={view.t("members.tabs")}>
      <ul>
        {MEMBER_TABS.filter(([, , adminOnly]) => admin || !adminOnly).map(([href, key]) => (
          <li>
            <a href={href} aria-current={view.path === href ? "page" : undefined}>
              {view.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

interface MembersPageProps {
  readonly view: View;
  readonly members: readonly RegisterRow[];
  readonly query: string;
  readonly includeErased?: boolean | undefined;
  readonly fields?: readonly FieldView[] | undefined;
  readonly values?: MemberValues | undefined;
  readonly error?: string | undefined;
}

export function MembersPage({ view, members, query, includeErased = false, fields = [], values = { name: "", email: "", phone: "" }, error }: MembersPageProps) {
  const { t } = view;
  return (
    <Layout view={view} title={t("members.title")}>
      <Notices error={error} />
      <MembersTabs view={view} />
      <form method="get" action="/admin/members" class="inline" role="search">
        <label class="visually-hidden" for="q">
          {t("members.search")}
        </label>
        <input id="q" name="q" type="search" value={query} placeholder={t("members.search_placeholder")} />
        <label class="check">
          <input type="checkbox" name="erased" value="1" checked={includeErased} /> {t("members.include_erased")}
        </label>
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
              <th scope="col">{t("members.membership")}</th>
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
                <td data-label={t("members.membership")}>
                  {member.erasedAtMs !== null ? <span class="badge">{t("members.erased_badge")}</span> : <MembershipBadge view={view} state={member.membership} />}
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
        <FieldInputs view={view} fields={fields} values={values.fields ?? {}} />
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

export interface MembershipRow {
  readonly id: string;
  readonly label: string;
  readonly validFromMs: number;
  readonly validUntilMs: number;
  readonly saleNumber: number | null;
  readonly orderId: string | null;
}

export interface ProductChoice {
  readonly id: string;
  readonly name: string;
  readonly amountMinor: number;
}

export interface MemberDetail extends MemberRow {
  readonly notes: string;
  readonly erasedAtMs: number | null;
}

interface MemberPageProps {
  readonly view: View;
  readonly member: MemberDetail;
  readonly membership?: MembershipState | undefined;
  readonly memberships?: readonly MembershipRow[] | undefined;
  readonly fields?: readonly FieldView[] | undefined;
  readonly fieldValues?: Readonly<Record<string, string>> | undefined;
  readonly values?: MemberValues | undefined;
  readonly products?: readonly ProductChoice[] | undefined;
  readonly cards: readonly MemberCardRow[];
  readonly balances: Readonly<Record<string, number>>;
  readonly assets: readonly AssetLabel[];
  /** The member's private page address, absent for an erased member. */
  readonly link?: string | undefined;
  /** Where the link points: the public address of the online-sales settings, or this browser's address. */
  readonly linkOrigin?: { readonly origin: string; readonly public: boolean } | undefined;
  readonly canErase?: boolean | undefined;
  readonly cardUid?: string | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
}

function MembershipHistory({ view, memberships }: { view: View; memberships: readonly MembershipRow[] }) {
  const { t } = view;
  if (memberships.length === 0) return <p>{t("members.no_memberships")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t("members.membership_label")}</th>
          <th scope="col">{t("members.membership_from")}</th>
          <th scope="col">{t("members.membership_until")}</th>
          <th scope="col">{t("members.membership_origin")}</th>
        </tr>
      </thead>
      <tbody>
        {memberships.map((membership) => (
          <tr>
            <td data-label={t("members.membership_label")} safe>
              {membership.label}
            </td>
            <td data-label={t("members.membership_from")}>{formatDate(view, membership.validFromMs)}</td>
            <td data-label={t("members.membership_until")}>{formatDate(view, membership.validUntilMs - 1)}</td>
            <td data-label={t("members.membership_origin")}>
              {membership.saleNumber !== null
                ? t("members.origin_sale", { number: membership.saleNumber })
                : membership.orderId !== null
                  ? t("members.origin_order")
                  : t("members.origin_hand")}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Cards({ view, cards }: { view: View; cards: readonly MemberCardRow[] }) {
  const { t } = view;
  if (cards.length === 0) return <p>{t("members.no_cards")}</p>;
  return (
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
  );
}

function EditForm({ view, member, fields, values }: { view: View; member: MemberDetail; fields: readonly FieldView[]; values: MemberValues }) {
  const { t } = view;
  return (
    <form method="post" action={`/admin/members/${member.id}`} class="form">
      <CsrfField view={view} />
      <label for="name">{t("members.name")}</label>
      <input id="name" name="name" required value={values.name} autocomplete="off" />
      <label for="email">{t("members.email")}</label>
      <input id="email" name="email" type="email" value={values.email} autocomplete="off" />
      <label for="phone">{t("members.phone")}</label>
      <input id="phone" name="phone" type="tel" value={values.phone} autocomplete="off" />
      <FieldInputs view={view} fields={fields} values={values.fields ?? {}} />
      <label for="notes">{t("members.notes")}</label>
      <textarea id="notes" name="notes" rows="4" safe>
        {values.notes ?? ""}
      </textarea>
      <button type="submit" class="primary">
        {t("members.save")}
      </button>
    </form>
  );
}

function FormerAnswers({ view, fields, values }: { view: View; fields: readonly FieldView[]; values: Readonly<Record<string, string>> }) {
  const former = fields.filter((field) => !field.active && values[field.id] !== undefined);
  if (former.length === 0) return null;
  return (
    <>
      <h3>{view.t("members.former_answers")}</h3>
      <dl>
        {former.map((field) => (
          <>
            <dt safe>{field.label}</dt>
            <dd safe>{values[field.id]}</dd>
          </>
        ))}
      </dl>
    </>
  );
}

function GrantForm({ view, member, products }: { view: View; member: MemberDetail; products: readonly ProductChoice[] }) {
  const { t } = view;
  if (products.length === 0) {
    return (
      <p>
        {t("members.no_products")}{" "}
        <a class="standalone" href="/admin/members/products">
          {t("members.products_link")}
        </a>
      </p>
    );
  }
  return (
    <form method="post" action={`/admin/members/${member.id}/memberships`} class="form narrow">
      <CsrfField view={view} />
      <label for="product_id">{t("members.grant_product")}</label>
      <select id="product_id" name="product_id" required>
        {products.map((product) => (
          <option value={product.id} safe>
            {`${product.name} (${formatEuros(view, product.amountMinor)})`}
          </option>
        ))}
      </select>
      <small>{t("members.grant_help")}</small>
      <button type="submit" class="primary">
        {t("members.grant_submit")}
      </button>
      <a class="standalone" href={`/admin/members/sell?member=${encodeURIComponent(member.id)}`}>
        {t("membership_sale.box_office_link")}
      </a>
    </form>
  );
}

function PrivacyActions({ view, member, canErase }: { view: View; member: MemberDetail; canErase: boolean }) {
  const { t } = view;
  return (
    <>
      <h2>{t("members.privacy")}</h2>
      <form method="post" action={`/admin/members/${member.id}/export`} class="inline">
        <CsrfField view={view} />
        <button type="submit">{t("members.export")}</button>
      </form>
      {canErase && member.erasedAtMs === null ? (
        <form method="post" action={`/admin/members/${member.id}/erase`} class="form narrow">
          <CsrfField view={view} />
          <p>{t("members.erase_help")}</p>
          <label>
            <input type="checkbox" name="confirm" value="1" required /> {t("members.erase_confirm")}
          </label>
          <button type="submit" class="danger">
            {t("members.erase_submit")}
          </button>
        </form>
      ) : null}
    </>
  );
}

export function MemberPage(props: MemberPageProps) {
  const { view, member, cards, balances, assets, cardUid, notice, error } = props;
  const { t } = view;
  const fields = props.fields ?? [];
  const fieldValues = props.fieldValues ?? {};
  const erased = member.erasedAtMs !== null;
  const values: MemberValues = props.values ?? { name: member.name, email: member.email, phone: member.phone, notes: member.notes, fields: fieldValues };
  return (
    <Layout view={view} title={view.t("members.member_title", { name: member.name })} titleIsHtml>
      <Notices notice={notice} error={error} />
      {erased ? (
        <p class="notice" role="status">
          {t("members.erased_on", { date: formatDate(view, member.erasedAtMs!) })}
        </p>
      ) : null}
      <dl class="stats">
        <div>
          <dt>{t("members.membership")}</dt>
          <dd class="text">
            <MembershipBadge view={view} state={props.membership ?? { valid: false, until: null }} />
          </dd>
        </div>
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
      {props.link ? (
        <>
          <h2>{t("members.link")}</h2>
          <p>{t("members.link_help")}</p>
          <p>
            <label class="visually-hidden" for="member_link">
              {t("members.link")}
            </label>
            <input id="member_link" readonly value={props.link} class="wide" />
          </p>
          {props.linkOrigin ? (
            <p class={props.linkOrigin.public ? "muted" : "notice"} data-testid="member-link-origin" data-source={props.linkOrigin.public ? "public" : "request"}>
              {t(props.linkOrigin.public ? "members.link_origin_public" : "members.link_origin_request", { url: props.linkOrigin.origin })}
            </p>
          ) : null}
          <p>
            <a class="standalone" href={`/admin/members/${member.id}/letter`}>
              {t("members.link_print")}
            </a>
          </p>
        </>
      ) : null}
      {erased ? null : (
        <>
          <h2>{t("members.record")}</h2>
          <EditForm view={view} member={member} fields={fields} values={values} />
          <FormerAnswers view={view} fields={fields} values={fieldValues} />
        </>
      )}
      <h2>{t("members.memberships")}</h2>
      <MembershipHistory view={view} memberships={props.memberships ?? []} />
      {erased ? null : <GrantForm view={view} member={member} products={props.products ?? []} />}
      <h2>{t("members.cards")}</h2>
      <Cards view={view} cards={cards} />
      {erased ? null : (
        <>
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
        </>
      )}
      <PrivacyActions view={view} member={member} canErase={props.canErase ?? false} />
      <p>
        <a class="standalone" href="/admin/members">
          {t("common.back")}
        </a>
      </p>
    </Layout>
  );
}
