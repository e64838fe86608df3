/**
 * The member's own page, `/me/<token>`: opened from a private link without logging in (the token
 * is the member id and an HMAC only this venue can make: membership/link.ts). It shows the
 * member's name, membership validity, cards and balances and their tickets, read-only, and (valid
 * membership) the events with a member price on sale, linked in member mode (member-prices-online.ts). A bad or
 * forged token, an unknown or an erased member all get the same 404; each address is limited to a
 * few requests a minute (shared with the card holder pages). Staff print the link as a letter.
 */
import { renderSVG } from "uqr";
import { findRegisterMember, memberIdOfLinkToken, membershipOf } from "../membership/index.ts";
import { listUpcomingPublicEvents, ticketsOfPerson } from "../ticketing/index.ts";
import { cardsOfWallet, walletBalances } from "../wallet/index.ts";
import { parseLang } from "../../ui/i18n/index.ts";
import { MemberLetterPage, MemberOwnPage } from "../../ui/pages/members-own.tsx";
import { HolderMessagePage } from "../../ui/pages/wallet-holder.tsx";
import type { View } from "../../ui/view.ts";
import { langTranslator, view, type Ctx } from "./context.ts";
import { memberLinkUrl, requireMember } from "./members-common.ts";
import { html } from "./respond.ts";
import { memberModePath } from "./member-prices-online.ts";
import { onlineOrdersOpen, sellablePrices } from "./online-sales.ts";
import { MemberPricesSection } from "../../ui/pages/member-prices-online.tsx";
import type { Route } from "./router.ts";
import { assetLabels, STAFF } from "./wallet-views.ts";

/** Tickets listed on a member's page. */
const OWN_PAGE_TICKETS = 50;

function ownView(ctx: Ctx): View {
  const lang = parseLang(ctx.url.searchParams.get("lang")) ?? ctx.lang;
  return { ...view(ctx), lang, t: langTranslator(lang), operator: undefined };
}

/** The address is a secret: no search engine, no Referer to other sites, no cache. */
function keepPrivate(response: Response): Response {
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-robots-tag", "noindex, nofollow");
  response.headers.set("cache-control", "no-store");
  return response;
}

function ownPage(ctx: Ctx): Response {
  const own = ownView(ctx);
  const nowMs = ctx.deps.clock.nowMs();
  if (!ctx.deps.holderPageLimiter.hit(ctx.address, nowMs)) {
    const response = html(String(HolderMessagePage({ view: own, title: own.t("holder.busy_title"), message: own.t("holder.busy") })), 429);
    response.headers.set("retry-after", String(Math.max(1, Math.ceil(ctx.deps.holderPageLimiter.retryAfterMs(ctx.address, nowMs) / 1000))));
    return keepPrivate(response);
  }
  const sqlite = ctx.deps.writer.sqlite;
  const memberId = memberIdOfLinkToken(ctx.deps.signer, ctx.params.token ?? "");
  const member = memberId ? findRegisterMember(sqlite, memberId) : undefined;
  if (!member || member.erasedAtMs !== null) {
    return keepPrivate(html(String(HolderMessagePage({ view: own, title: own.t("me.unknown_title"), message: own.t("me.unknown") })), 404));
  }
  const labels = assetLabels(sqlite);
  const balances = Object.entries(walletBalances(sqlite, member.walletId)).map(([code, amount]) => ({
    asset: labels.find((label) => label.code === code) ?? { code, kind: "", name: code, scale: 2 },
    amount,
  }));
  const membership = membershipOf(sqlite, member.id, nowMs);
  const data = {
    name: member.name,
    membership,
    memberPrices: membership.valid ? memberPricesSection(ctx, own, ctx.params.token ?? "") : undefined,
    cards: cardsOfWallet(sqlite, member.walletId).map((card) => ({ printedNumber: card.printedNumber, state: card.state })),
    balances,
    tickets: ticketsOfPerson(sqlite, { memberId: member.id, email: member.email }).slice(0, OWN_PAGE_TICKETS),
  };
  return keepPrivate(html(String(MemberOwnPage({ view: own, data }))));
}

/**
 * The upcoming public events with a member price on sale online, each linking to its order form in
 * member mode with this page's token (member-prices-online.ts); for a member with a valid membership.
 */
function memberPricesSection(ctx: Ctx, own: View, token: string): string {
  if (!onlineOrdersOpen(ctx)) return "";
  const events = listUpcomingPublicEvents(ctx.deps.writer.sqlite, ctx.deps.clock.nowMs()).flatMap((event) => {
    const prices = sellablePrices(ctx, event, true).filter((price) => price.kind === "member" && (price.left === null || price.left > 0));
    if (prices.length === 0) return [];
    return [{ title: event.title, startsAtMs: event.startsAtMs, href: memberModePath(event.id, token), prices: prices.map((price) => ({ label: price.label, amountMinor: price.amountMinor })) }];
  });
  return String(MemberPricesSection({ view: own, events }));
}

function letterPage(ctx: Ctx): Response {
  const member = requireMember(ctx);
  if (member.erasedAtMs !== null) return keepPrivate(html(String(HolderMessagePage({ view: view(ctx), title: ctx.t("me.unknown_title"), message: ctx.t("me.unknown") })), 404));
  const link = memberLinkUrl(ctx, member.id);
  return keepPrivate(html(String(MemberLetterPage({ view: view(ctx), name: member.name, link, qrSvg: renderSVG(link, { border: 2 }), memberId: member.id }))));
}

export const memberOwnRoutes: readonly Route[] = [
  { method: "GET", path: "/me/:token", access: { kind: "anyone" }, handle: ownPage },
  { method: "GET", path: "/admin/members/:id/letter", access: STAFF, handle: letterPage },
];
