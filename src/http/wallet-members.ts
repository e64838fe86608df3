/**
 * The member register (admins and managers): search by name, e-mail, phone or card UID; add and
 * edit members with their custom fields and notes; grant a membership product by hand; attach a
 * card. A member has a wallet of its own; attaching a card moves the card's balances into it by
 * one signed "merge" entry, points the card at it and marks the card's old wallet merged, all in
 * one transaction. Export and erasure live in members-privacy.ts, the member's own page in
 * members-own.ts, products and fields in members-admin.ts.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import {
  grantMembershipProduct,
  insertMember,
  listMemberFields,
  listMembershipProducts,
  listMemberships,
  memberByWallet,
  memberFieldValues,
  membershipOf,
  searchMembers,
  setMemberFieldValues,
  updateMember,
} from "../membership/index.ts";
import { cardByUid, cardsOfWallet, insertWallet, moveAllBalances, normalizeCardUid, requireUsableCard, setCardWallet, walletBalances, type Card } from "../wallet/index.ts";
import { MemberPage, MembersPage, type MemberValues } from "../../ui/pages/wallet-members.tsx";
import { field, view, type Ctx, operationDeps } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { memberAdminRoutes } from "./members-admin.ts";
import { attemptMemberForm, fieldAnswers, memberLinkOrigin, memberLinkUrl, requireMember, venueTimeZone } from "./members-common.ts";
import { memberOwnRoutes } from "./members-own.ts";
import { memberPrivacyRoutes } from "./members-privacy.ts";
import { attempt } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { assetLabels, eventActor, holderPath, ledgerActor, STAFF } from "./wallet-views.ts";

/** A card UID typed in the search box names its member (cards are not searched by LIKE: the UID is exact). */
function memberIdsByCard(ctx: Ctx, query: string): string[] {
  let uid: string;
  try {
    uid = normalizeCardUid(query);
  } catch {
    return [];
  }
  const card = cardByUid(ctx.deps.writer.sqlite, uid);
  const member = card ? memberByWallet(ctx.deps.writer.sqlite, card.walletId) : undefined;
  return member ? [member.id] : [];
}

function membersPage(ctx: Ctx, options: { values?: MemberValues; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const query = (ctx.url.searchParams.get("q") ?? "").slice(0, limits.textFieldChars);
  const includeErased = ctx.url.searchParams.get("erased") === "1";
  const members = searchMembers(sqlite, { query, nowMs: ctx.deps.clock.nowMs(), includeErased, alsoIds: query.trim() ? memberIdsByCard(ctx, query) : [] });
  const fields = listMemberFields(sqlite, { activeOnly: true });
  return html(String(MembersPage({ view: view(ctx), members, query, includeErased, fields, values: options.values, error: options.error })), options.status ?? 200);
}

async function createMember(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const fields = listMemberFields(deps.writer.sqlite, { activeOnly: true });
  const values = { name: field(ctx, "name"), email: field(ctx, "email"), phone: field(ctx, "phone"), fields: fieldAnswers(ctx, fields) };
  const outcome = await attemptMemberForm(ctx, fields, () =>
    deps.writer.submit((tx) => {
      const walletId = insertWallet(tx, deps.newId);
      const member = insertMember(tx, deps.newId, values, walletId);
      setMemberFieldValues(tx, member.id, values.fields);
      // The event names the member by id only: personal data stays in the members table.
      appendEvent(tx, deps.signer, { kind: "member.created", actor: eventActor(ctx), subject: `member:${member.id}`, detail: {} });
      return member;
    }),
  );
  if (!outcome.ok) return membersPage(ctx, { values, error: outcome.message, status: statusForCode(outcome.code) });
  return redirect(`/admin/members/${outcome.value.id}`);
}

export interface MemberPageOptions {
  readonly cardUid?: string | undefined;
  readonly values?: MemberValues | undefined;
  readonly notice?: string | undefined;
  readonly error?: string | undefined;
  readonly status?: number | undefined;
}

export function memberPage(ctx: Ctx, options: MemberPageOptions = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const member = requireMember(ctx);
  const cards = cardsOfWallet(sqlite, member.walletId).map((card) => ({ printedNumber: card.printedNumber, holderPath: holderPath(card), state: card.state }));
  const balances = walletBalances(sqlite, member.walletId);
  const erased = member.erasedAtMs !== null;
  const linkOrigin = memberLinkOrigin(ctx);
  const page = MemberPage({
    view: view(ctx),
    member,
    membership: membershipOf(sqlite, member.id, ctx.deps.clock.nowMs()),
    memberships: listMemberships(sqlite, member.id),
    fields: listMemberFields(sqlite),
    fieldValues: memberFieldValues(sqlite, member.id),
    values: options.values,
    products: erased ? [] : listMembershipProducts(sqlite, { activeOnly: true }),
    cards,
    balances,
    assets: assetLabels(sqlite),
    link: erased ? undefined : memberLinkUrl(ctx, member.id, linkOrigin),
    linkOrigin: erased ? undefined : { origin: linkOrigin.origin, public: linkOrigin.source === "public" },
    canErase: ctx.session?.role === "admin",
    cardUid: options.cardUid,
    notice: options.notice,
    error: options.error,
  });
  return html(String(page), options.status ?? 200);
}

async function editMember(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const member = requireMember(ctx);
  const fields = listMemberFields(deps.writer.sqlite, { activeOnly: true });
  const values = { name: field(ctx, "name"), email: field(ctx, "email"), phone: field(ctx, "phone"), notes: field(ctx, "notes"), fields: fieldAnswers(ctx, fields) };
  const outcome = await attemptMemberForm(ctx, fields, () =>
    deps.writer.submit((tx) => {
      const updated = updateMember(tx, member.id, values);
      appendEvent(tx, deps.signer, { kind: "member.updated", actor: eventActor(ctx), subject: `member:${member.id}`, detail: {} });
      return updated;
    }),
  );
  if (!outcome.ok) return memberPage(ctx, { values, error: outcome.message, status: statusForCode(outcome.code) });
  return memberPage(ctx, { notice: ctx.t("members.saved") });
}

async function grantProduct(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const member = requireMember(ctx);
  const productId = field(ctx, "product_id");
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const membership = grantMembershipProduct(tx, deps.newId, { memberId: member.id, productId, nowMs: deps.clock.nowMs(), timeZone: venueTimeZone(ctx) });
      appendEvent(tx, deps.signer, {
        kind: "member.membership_granted",
        actor: eventActor(ctx),
        subject: `member:${member.id}`,
        detail: { membership: membership.id, product: productId, valid_from_ms: membership.validFromMs, valid_until_ms: membership.validUntilMs },
      });
      return membership;
    }),
  );
  if (!outcome.ok) return memberPage(ctx, { error: outcome.message, status: statusForCode(outcome.code) });
  return memberPage(ctx, { notice: ctx.t("members.granted") });
}

async function attachCard(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const member = requireMember(ctx);
  const cardUid = field(ctx, "card_uid");
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx): Card => {
      if (member.erasedAtMs !== null) fail("member_erased", "this member was erased");
      const card = requireUsableCard(tx.sqlite, cardUid);
      if (card.walletId === member.walletId) fail("card_already_attached", "this card is already the member's");
      if (memberByWallet(tx.sqlite, card.walletId)) fail("card_of_other_member", "this card belongs to another member");
      const entry = moveAllBalances(tx, operationDeps(ctx), ledgerActor(ctx), "merge", card.walletId, member.walletId, { card: card.id, member: member.id });
      setCardWallet(tx, card.id, member.walletId);
      tx.sqlite.query("UPDATE wallets SET merged_into = ? WHERE id = ?").run(member.walletId, card.walletId);
      appendEvent(tx, deps.signer, {
        kind: "member.card_attached",
        actor: eventActor(ctx),
        subject: `member:${member.id}`,
        detail: { card: card.id, entry_seq: entry?.seq ?? null },
      });
      return card;
    }),
  );
  if (!outcome.ok) return memberPage(ctx, { cardUid, error: outcome.message, status: statusForCode(outcome.code) });
  return memberPage(ctx, { notice: ctx.t("members.attached", { number: outcome.value.printedNumber }) });
}

export const memberRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/members", access: STAFF, handle: (ctx) => membersPage(ctx) },
  { method: "POST", path: "/admin/members", access: STAFF, handle: createMember },
  ...memberAdminRoutes,
  { method: "GET", path: "/admin/members/:id", access: STAFF, handle: (ctx) => memberPage(ctx) },
  { method: "POST", path: "/admin/members/:id", access: STAFF, handle: editMember },
  { method: "POST", path: "/admin/members/:id/memberships", access: STAFF, handle: grantProduct },
  { method: "POST", path: "/admin/members/:id/cards", access: STAFF, handle: attachCard },
  ...memberPrivacyRoutes(memberPage),
  ...memberOwnRoutes,
];
