/** Assets: the currencies a venue's cards hold. The API names them by code. */
import { asc, eq } from "drizzle-orm";
import { fail, limits } from "../kernel/index.ts";
import type { Orm, Sqlite, Tx } from "../db/index.ts";
import { ASSET_KINDS, assets, type AssetKind } from "./schema.ts";

export interface Asset {
  readonly code: string;
  readonly kind: AssetKind;
  readonly name: string;
  readonly scale: number;
  readonly backed: boolean;
  readonly refundable: boolean;
  readonly spendPriority: number;
  readonly acceptedPointsOfSale: readonly string[];
  readonly transferable: boolean;
  readonly active: boolean;
}

type AssetRow = typeof assets.$inferSelect;

function fromRow(row: AssetRow): Asset {
  return { ...row, acceptedPointsOfSale: JSON.parse(row.acceptedPointsOfSale) as string[] };
}

export function listAssets(orm: Orm): Asset[] {
  return orm.select().from(assets).orderBy(asc(assets.spendPriority), asc(assets.code)).all().map(fromRow);
}

const ASSET_COLUMNS = `code, kind, name, scale, backed, refundable, spend_priority AS spendPriority, accepted_points_of_sale AS acceptedPointsOfSale,
  transferable, active, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs`;

function fromSqlRow(row: AssetRow): Asset {
  return fromRow({ ...row, backed: Boolean(row.backed), refundable: Boolean(row.refundable), transferable: Boolean(row.transferable), active: Boolean(row.active) });
}

export function findAsset(sqlite: Sqlite, code: string): Asset | undefined {
  const row = sqlite.query<AssetRow, [string]>(`SELECT ${ASSET_COLUMNS} FROM assets WHERE code = ?`).get(code);
  return row ? fromSqlRow(row) : undefined;
}

/** Every asset, in spend priority (the order a payment draws them): one prepared query. */
export function listAssetsSql(sqlite: Sqlite): Asset[] {
  return sqlite.query<AssetRow, []>(`SELECT ${ASSET_COLUMNS} FROM assets ORDER BY spend_priority, code`).all().map(fromSqlRow);
}

export function requireAsset(sqlite: Sqlite, code: unknown): Asset {
  const asset = typeof code === "string" ? findAsset(sqlite, code) : undefined;
  if (!asset || !asset.active) fail("asset_unknown", `no active asset ${String(code)}`);
  return asset;
}

export function acceptedAt(asset: Asset, pointOfSale: string): boolean {
  return asset.acceptedPointsOfSale.length === 0 || asset.acceptedPointsOfSale.includes(pointOfSale);
}

export interface AssetInput {
  readonly code: string;
  readonly kind: string;
  readonly name: string;
  readonly scale: number;
  readonly backed: boolean;
  readonly refundable: boolean;
  readonly spendPriority: number;
  readonly acceptedPointsOfSale: readonly string[];
  readonly transferable: boolean;
  readonly active: boolean;
}

export function checkAssetInput(input: AssetInput): AssetInput {
  const code = input.code.trim().toUpperCase();
  if (!/^[A-Z][A-Z0-9_]{1,15}$/.test(code)) fail("asset_code_invalid", "an asset code is 2 to 16 capitals, digits or _");
  if (!(ASSET_KINDS as readonly string[]).includes(input.kind)) fail("asset_kind_invalid", `kind is one of ${ASSET_KINDS.join(", ")}`);
  const name = input.name.trim();
  if (!name || name.length > limits.textFieldChars) fail("name_required", "an asset needs a name");
  if (!Number.isInteger(input.scale) || input.scale < 0 || input.scale > 4) fail("asset_scale_invalid", "scale is 0 to 4 decimals");
  if (!Number.isInteger(input.spendPriority) || Math.abs(input.spendPriority) > 1000) fail("spend_priority_invalid", "priority is an integer");
  // Euro-backed money is euros: only euro kinds may be backed, and backed assets have 2 decimals.
  const backed = input.kind === "euro" || input.kind === "local" ? input.backed : false;
  if (backed && input.scale !== 2) fail("asset_scale_invalid", "a euro-backed asset counts cents (scale 2)");
  const accepted = input.acceptedPointsOfSale.map((pos) => pos.trim()).filter(Boolean);
  return { ...input, code, name, backed, acceptedPointsOfSale: [...new Set(accepted)].sort() };
}

/** Creates or updates an asset. Its code, kind, scale and backing cannot change once money moved. */
export function saveAsset(tx: Tx, raw: AssetInput): Asset {
  const input = checkAssetInput(raw);
  const nowMs = tx.stamp().atMs;
  const existing = findAsset(tx.sqlite, input.code);
  if (existing) {
    const moved = tx.sqlite.query<{ n: number }, [string]>("SELECT count(*) AS n FROM ledger_transfers WHERE asset = ?").get(input.code)!.n > 0;
    if (moved && (existing.kind !== input.kind || existing.scale !== input.scale || existing.backed !== input.backed)) {
      fail("asset_in_use", "kind, scale and backing cannot change once the asset has moved");
    }
  }
  const row = { ...input, acceptedPointsOfSale: JSON.stringify(input.acceptedPointsOfSale), kind: input.kind as AssetKind, updatedAtMs: nowMs };
  if (existing) tx.orm.update(assets).set(row).where(eq(assets.code, input.code)).run();
  else tx.orm.insert(assets).values({ ...row, createdAtMs: nowMs }).run();
  return findAsset(tx.sqlite, input.code)!;
}
