/**
 * Member pages: search and add members, and attach a card to a member. A member has a wallet of
 * its own; attaching a card moves the card's balances into it by one signed "merge" entry, points
 * the card at it and marks the card's old wallet merged, all in one transaction.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, limits } from "../kernel/index.ts";
import { findMember, insertMember, listMembers, memberByWallet, type Member } from "../membership/index.ts";
import { cardsOfWallet, insertWallet, moveAllBalances, requireUsableCard, setCardWallet, walletBalances, type Card } from "../wallet/index.ts";
import { MemberPage, MembersPage, type MemberValues } from "../../ui/pages/wallet-members.tsx";
import { field, view, type Ctx, operationDeps } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html, redirect } from "./respond.ts";
import type { Route } from "./router.ts";
import { assetLabels, eventActor, holderPath, ledgerActor, STAFF } from "./wallet-views.ts";

function membersPage(ctx: Ctx, options: { values?: MemberValues; error?: string; status?: number } = {}): Response {
  const query = (ctx.url.searchParams.get("q") ?? "").slice(0, limits.textFieldChars);
  const members = listMembers(ctx.deps.writer.sqlite, query);
  return html(String(MembersPage({ view: view(ctx), members, query, values: options.values, error: options.error })), options.status ?? 200);
}

async function createMember(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const values = { name: field(ctx, "name"), email: field(ctx, "email"), phone: field(ctx, "phone") };
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx) => {
      const walletId = insertWallet(tx, deps.newId);
      const member = insertMember(tx, deps.newId, values, walletId);
      // The event names the member by id only: personal data stays in the members table.
      appendEvent(tx, deps.signer, { kind: "member.created", actor: eventActor(ctx), subject: `member:${member.id}`, detail: {} });
      return member;
    }),
  );
  if (!outcome.ok) return membersPage(ctx, { values, error: outcome.message, status: statusForCode(outcome.code) });
  return redirect(`/admin/members/${outcome.value.id}`);
}

function requireMember(ctx: Ctx): Member {
  const member = findMember(ctx.deps.writer.sqlite, ctx.params.id ?? "");
  if (!member) fail("member_unknown", "no such member");
  return member;
}

function memberPage(ctx: Ctx, options: { cardUid?: string; notice?: string; error?: string; status?: number } = {}): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const member = requireMember(ctx);
  const cards = cardsOfWallet(sqlite, member.walletId).map((card) => ({ printedNumber: card.printedNumber, holderPath: holderPath(card), state: card.state }));
  const balances = walletBalances(sqlite, member.walletId);
  return html(
    String(MemberPage({ view: view(ctx), member, cards, balances, assets: assetLabels(sqlite), cardUid: options.cardUid, notice: options.notice, error: options.error })),
    options.status ?? 200,
  );
}

async function attachCard(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const member = requireMember(ctx);
  const cardUid = field(ctx, "card_uid");
  const outcome = await attempt(ctx.t, () =>
    deps.writer.submit((tx): Card => {
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
  { method: "GET", path: "/admin/members/:id", access: STAFF, handle: (ctx) => memberPage(ctx) },
  { method: "POST", path: "/admin/members/:id/cards", access: STAFF, handle: attachCard },
];
