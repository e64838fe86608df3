/**
 * The wallet's admin pages: assets and their rules, the wallet settings (caps), the treasurer's
 * figures; and, gathered here for server.ts, the cards, members and holder pages of the files
 * beside this one. Configuration changes are logged in the event log; money moves only through
 * the wallet operations, which write signed ledger entries.
 */
import { appendEvent } from "../auth/index.ts";
import { fail, parseMoney } from "../kernel/index.ts";
import { ASSET_KINDS, findAsset, listAssetsSql, PSD2_THRESHOLD_MINOR, readWalletSettings, rollingTopups, saveAsset, saveWalletSettings, treasuryFigures, type Asset, type AssetInput } from "../wallet/index.ts";
import { AssetEditPage, AssetsPage, assetValues, WalletSettingsPage, type AssetValues, type WalletSettingsValues } from "../../ui/pages/wallet-assets.tsx";
import { decimalText } from "../../ui/pages/wallet-common.tsx";
import { TreasuryPage } from "../../ui/pages/wallet-treasury.tsx";
import { field, view, type Ctx } from "./context.ts";
import { statusForCode } from "./errors.ts";
import { attempt } from "./messages.ts";
import { html } from "./respond.ts";
import type { Route } from "./router.ts";
import { cardRoutes } from "./wallet-cards.ts";
import { holderRoutes } from "./wallet-holder.ts";
import { memberRoutes } from "./wallet-members.ts";
import { ADMIN, eventActor, STAFF } from "./wallet-views.ts";

/** A checkbox: browsers send it only when ticked ("1" here, "on" by default). */
function checked(ctx: Ctx, name: string): boolean {
  return ["1", "on", "true"].includes(field(ctx, name));
}

/** A whole number as typed; anything else is NaN, which the asset check refuses with its code. */
function integerField(ctx: Ctx, name: string): number {
  const text = field(ctx, name).trim();
  return /^-?\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
}

/** Point-of-sale codes as the device API names them (lowercase), comma-separated. */
function pointsOfSale(text: string): string[] {
  const codes = text
    .split(/[,;\s]+/)
    .map((code) => code.trim().toLowerCase())
    .filter(Boolean);
  for (const code of codes) if (!/^[a-z0-9_-]{1,32}$/.test(code)) fail("point_of_sale_invalid", "a point-of-sale code is 1 to 32 of a-z 0-9 _ -");
  return codes;
}

function assetFormValues(ctx: Ctx, code: string): AssetValues {
  return {
    code,
    kind: field(ctx, "kind"),
    name: field(ctx, "name"),
    scale: field(ctx, "scale"),
    backed: checked(ctx, "backed"),
    refundable: checked(ctx, "refundable"),
    spendPriority: field(ctx, "spend_priority"),
    acceptedPointsOfSale: field(ctx, "accepted_pos"),
    transferable: checked(ctx, "transferable"),
    active: checked(ctx, "active"),
  };
}

function assetInput(ctx: Ctx, code: string): AssetInput {
  return {
    code,
    kind: field(ctx, "kind"),
    name: field(ctx, "name"),
    scale: integerField(ctx, "scale"),
    backed: checked(ctx, "backed"),
    refundable: checked(ctx, "refundable"),
    spendPriority: integerField(ctx, "spend_priority"),
    acceptedPointsOfSale: pointsOfSale(field(ctx, "accepted_pos")),
    transferable: checked(ctx, "transferable"),
    active: checked(ctx, "active"),
  };
}

function assetsPage(ctx: Ctx, options: { values?: AssetValues; notice?: string; error?: string; status?: number } = {}): Response {
  const assets = listAssetsSql(ctx.deps.writer.sqlite);
  return html(String(AssetsPage({ view: view(ctx), assets, kinds: ASSET_KINDS, ...options })), options.status ?? 200);
}

const ASSET_FIELDS = ["kind", "name", "scale", "backed", "refundable", "spendPriority", "acceptedPointsOfSale", "transferable", "active"] as const;

/** The fields that differ between two versions of an asset, for the event log. */
function changedFields(before: Asset | undefined, after: Asset): string[] {
  if (!before) return [];
  return ASSET_FIELDS.filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}

/** Saves an asset and logs it, in one transaction; `create` refuses a code already taken. */
function saveAssetLogged(ctx: Ctx, input: AssetInput, create: boolean): Promise<Asset> {
  const { deps } = ctx;
  return deps.writer.submit((tx) => {
    const before = findAsset(tx.sqlite, input.code.trim().toUpperCase());
    if (create && before) fail("asset_exists", `an asset ${before.code} exists already`);
    if (!create && !before) fail("not_found", "no such asset");
    const asset = saveAsset(tx, input);
    appendEvent(tx, deps.signer, {
      kind: "config.asset_saved",
      actor: eventActor(ctx),
      subject: `asset:${asset.code}`,
      detail: { created: !before, changed: changedFields(before, asset) },
    });
    return asset;
  });
}

async function createAsset(ctx: Ctx): Promise<Response> {
  const code = field(ctx, "code");
  const outcome = await attempt(ctx.t, async () => saveAssetLogged(ctx, assetInput(ctx, code), true));
  if (!outcome.ok) return assetsPage(ctx, { values: assetFormValues(ctx, code), error: outcome.message, status: statusForCode(outcome.code) });
  return assetsPage(ctx, { notice: ctx.t("assets.created") });
}

function requireAssetParam(ctx: Ctx): Asset {
  const asset = findAsset(ctx.deps.writer.sqlite, ctx.params.code ?? "");
  if (!asset) fail("not_found", "no such asset");
  return asset;
}

function assetEditPage(ctx: Ctx, asset: Asset): Response {
  return html(String(AssetEditPage({ view: view(ctx), code: asset.code, values: assetValues(asset), kinds: ASSET_KINDS })));
}

async function editAsset(ctx: Ctx): Promise<Response> {
  const current = requireAssetParam(ctx);
  const outcome = await attempt(ctx.t, async () => saveAssetLogged(ctx, assetInput(ctx, current.code), false));
  const page = (values: AssetValues, notice?: string, error?: string) => AssetEditPage({ view: view(ctx), code: current.code, values, kinds: ASSET_KINDS, notice, error });
  if (!outcome.ok) return html(String(page(assetFormValues(ctx, current.code), undefined, outcome.message)), statusForCode(outcome.code));
  return html(String(page(assetValues(outcome.value), ctx.t("assets.saved"))));
}

function capText(ctx: Ctx, cap: number | null): string {
  return cap === null ? "" : decimalText(cap, 2, ctx.lang === "fr" ? "," : ".");
}

function settingsPage(ctx: Ctx, options: { values?: WalletSettingsValues; notice?: string; error?: string; status?: number } = {}): Response {
  const settings = readWalletSettings(ctx.deps.writer.sqlite);
  const values = options.values ?? { cardBalanceCap: capText(ctx, settings.cardBalanceCap), topupCap: capText(ctx, settings.topupCap), registerOnFirstTopup: settings.registerOnFirstTopup };
  return html(String(WalletSettingsPage({ view: view(ctx), values, notice: options.notice, error: options.error })), options.status ?? 200);
}

/** A cap typed in euros ("150" or "150,50"); empty is no cap. */
function capField(ctx: Ctx, name: string): number | null {
  const text = field(ctx, name).trim();
  return text ? parseMoney(text, 2) : null;
}

async function saveSettings(ctx: Ctx): Promise<Response> {
  const { deps } = ctx;
  const outcome = await attempt(ctx.t, async () => {
    const wanted = { cardBalanceCap: capField(ctx, "card_balance_cap"), topupCap: capField(ctx, "topup_cap"), registerOnFirstTopup: checked(ctx, "register_on_first_topup") };
    return deps.writer.submit((tx) => {
      const settings = saveWalletSettings(tx, wanted);
      appendEvent(tx, deps.signer, {
        kind: "config.wallet_settings_saved",
        actor: eventActor(ctx),
        subject: "wallet_settings",
        detail: { card_balance_cap: settings.cardBalanceCap, topup_cap: settings.topupCap, register_on_first_topup: settings.registerOnFirstTopup },
      });
      return settings;
    });
  });
  if (!outcome.ok) {
    const values = { cardBalanceCap: field(ctx, "card_balance_cap"), topupCap: field(ctx, "topup_cap"), registerOnFirstTopup: checked(ctx, "register_on_first_topup") };
    return settingsPage(ctx, { values, error: outcome.message, status: statusForCode(outcome.code) });
  }
  return settingsPage(ctx, { notice: ctx.t("wallet_settings.saved") });
}

function treasuryPage(ctx: Ctx): Response {
  const sqlite = ctx.deps.writer.sqlite;
  const rows = treasuryFigures(sqlite).map((figures) => ({
    asset: { code: figures.asset.code, kind: figures.asset.kind, name: figures.asset.name, scale: figures.asset.scale },
    backed: figures.asset.backed,
    inWallets: figures.inWallets,
    issued: figures.issued,
    reserves: figures.reserves,
    revenue: figures.revenue,
  }));
  const data = { rows, rollingTopups: rollingTopups(sqlite, ctx.deps.clock.nowMs()), thresholdMinor: PSD2_THRESHOLD_MINOR };
  return html(String(TreasuryPage({ view: view(ctx), data })));
}

export const walletAdminRoutes: readonly Route[] = [
  { method: "GET", path: "/admin/wallet", access: STAFF, handle: treasuryPage },
  { method: "GET", path: "/admin/wallet/settings", access: ADMIN, handle: (ctx) => settingsPage(ctx) },
  { method: "POST", path: "/admin/wallet/settings", access: ADMIN, handle: saveSettings },
  { method: "GET", path: "/admin/assets", access: ADMIN, handle: (ctx) => assetsPage(ctx) },
  { method: "POST", path: "/admin/assets", access: ADMIN, handle: createAsset },
  { method: "GET", path: "/admin/assets/:code", access: ADMIN, handle: (ctx) => assetEditPage(ctx, requireAssetParam(ctx)) },
  { method: "POST", path: "/admin/assets/:code", access: ADMIN, handle: editAsset },
  ...cardRoutes,
  ...memberRoutes,
  ...holderRoutes,
];
