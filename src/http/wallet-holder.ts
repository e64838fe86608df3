/**
 * The card holder's page, `/c/<qrId>`: anyone holding the card (its printed QR code) reads its
 * balances and last movements, without logging in. The QR id is a random 128-bit value, so the
 * page is found only from the card; each address is limited to a few requests a minute (unknown
 * ids count too), so ids cannot be guessed by trying. The UID and operators are never shown.
 */
import { limits } from "../kernel/index.ts";
import { accountHistory, walletAccount } from "../ledger/index.ts";
import { cardByQr, walletBalances } from "../wallet/index.ts";
import { parseLang } from "../../ui/i18n/index.ts";
import type { AssetLabel } from "../../ui/pages/wallet-common.tsx";
import { HolderMessagePage, HolderPage } from "../../ui/pages/wallet-holder.tsx";
import type { View } from "../../ui/view.ts";
import { langTranslator, view, type Ctx } from "./context.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";
import { assetLabels } from "./wallet-views.ts";

/** The reader's language: `?lang=` (the page's own switch, which sets no cookie), else the cookie. */
function holderView(ctx: Ctx): View {
  const lang = parseLang(ctx.url.searchParams.get("lang")) ?? ctx.lang;
  return { ...view(ctx), lang, t: langTranslator(lang), operator: undefined };
}

/** The address is a secret: no search engine, no Referer to other sites, no cache. */
function keepPrivate(response: Response): Response {
  response.headers.set("referrer-policy", "no-referrer");
  response.headers.set("x-robots-tag", "noindex, nofollow");
  return response;
}

function tooMany(ctx: Ctx, holder: View): Response {
  const retryAfterS = Math.ceil(ctx.deps.holderPageLimiter.retryAfterMs(ctx.address, ctx.deps.clock.nowMs()) / 1000);
  const response = html(String(HolderMessagePage({ view: holder, title: holder.t("holder.busy_title"), message: holder.t("holder.busy") })), 429);
  response.headers.set("retry-after", String(Math.max(1, retryAfterS)));
  return keepPrivate(response);
}

function labelOf(labels: readonly AssetLabel[], code: string): AssetLabel {
  return labels.find((label) => label.code === code) ?? { code, kind: "", name: code, scale: 2 };
}

function holderPage(ctx: Ctx): Response {
  const holder = holderView(ctx);
  if (!ctx.deps.holderPageLimiter.hit(ctx.address, ctx.deps.clock.nowMs())) return tooMany(ctx, holder);
  const sqlite = ctx.deps.writer.sqlite;
  const qrId = ctx.params.qrId ?? "";
  const card = /^[0-9a-f]{32}$/.test(qrId) ? cardByQr(sqlite, qrId) : undefined;
  if (!card) {
    const page = HolderMessagePage({ view: holder, title: holder.t("holder.unknown_title"), message: holder.t("holder.unknown") });
    return keepPrivate(html(String(page), 404));
  }
  const labels = assetLabels(sqlite);
  const balances = Object.entries(walletBalances(sqlite, card.walletId)).map(([code, amount]) => ({ asset: labelOf(labels, code), amount }));
  const movements = accountHistory(sqlite, walletAccount(card.walletId), limits.holderPageMovements).map((movement) => ({
    atMs: movement.atMs,
    kind: movement.kind,
    asset: labelOf(labels, movement.asset),
    amount: movement.amount,
  }));
  const data = { printedNumber: card.printedNumber, state: card.state, balances, movements };
  return keepPrivate(html(String(HolderPage({ view: holder, data }))));
}

export const holderRoutes: readonly Route[] = [{ method: "GET", path: "/c/:qrId", access: { kind: "anyone" }, handle: holderPage }];
